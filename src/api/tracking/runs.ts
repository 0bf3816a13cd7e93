// MLflow's run API family: create, get, update, delete, restore, tags, params, log-batch,
// log-inputs and search.
import { z } from 'zod';
import { MlflowError } from '../../errors.js';
import { generateRunName } from '../../services/run-names.js';
import { searchRuns } from '../../services/search-pages.js';
import { validateDatasetInputs, validateParam, validateTag } from '../../services/validation.js';
import { parseExperimentId } from '../../store/experiments.js';
import {
  createRun,
  deleteRunTag,
  getRun,
  logBatch,
  logInputs,
  logParam,
  RUN_NAME_TAG,
  setRunLifecycle,
  setRunTag,
  updateRun,
} from '../../store/runs.js';
import { emptySchema, runInfoSchema, runSchema } from '../wire/entities.js';
import { decodedEndpoint, endpoint } from '../../http/endpoint.js';
import { logBatchDecoder } from './log-batch-request.js';
import { int64, requiredString } from '../wire/fields.js';
import { missingParameter } from '../../http/request-validation.js';
import { runInfoJson, runJson, searchedRunJson } from '../wire/run-json.js';
import { viewType } from '../wire/view-type.js';

const V2 = '/2.0/mlflow/runs';
const TAG = 'Runs';
const RUN_STATUSES = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'] as const;
export const SEARCH_DEFAULT_MAX_RESULTS = 1000;
const SEARCH_MAX_RESULTS = 50000;

/** Older clients send `run_uuid`; MLflow accepts it wherever `run_id` is asked for. */
const runRef = { run_id: z.string().optional(), run_uuid: z.string().optional() };
export function runIdOf(input: { run_id?: string; run_uuid?: string }): string {
  const runId = input.run_id || input.run_uuid;
  if (!runId) throw missingParameter('run_id');
  return runId;
}

const runStatus = () =>
  z.preprocess(
    (v) =>
      typeof v === 'number' || (typeof v === 'string' && /^\d+$/.test(v))
        ? (RUN_STATUSES[Number(v) - 1] ?? v)
        : v,
    z.enum(RUN_STATUSES),
  );

const runResponse = z.object({ run: runSchema });

const tagList = z.array(z.object({ key: z.string().optional(), value: z.string().optional() }));

const datasetInput = z.object({
  tags: z.array(z.object({ key: requiredString(), value: z.string() })).optional(),
  dataset: z.object({
    name: requiredString(),
    digest: requiredString(),
    source_type: requiredString(),
    source: requiredString(),
    schema: z.string().optional(),
    profile: z.string().optional(),
  }),
});

export const runEndpoints = [
  endpoint({
    method: 'POST',
    paths: [`${V2}/create`],
    access: 'edit',
    tag: TAG,
    summary: 'Create a run',
    request: z.object({
      experiment_id: z.string().optional(),
      user_id: z.string().optional(),
      run_name: z.string().optional(),
      start_time: int64().optional(),
      tags: tagList.optional(),
    }),
    response: runResponse,
    handler: async (input, { project }) => {
      // MLflow stores create-time tags as given (the client validates them before sending).
      const tags = (input.tags ?? []).map((t, i) => {
        if (!t.key) throw missingParameter(`tags[${i}].key`);
        return { key: t.key, value: t.value ?? '' };
      });
      const nameTag = tags.filter((t) => t.key === RUN_NAME_TAG).at(-1)?.value;
      if (input.run_name && nameTag && input.run_name !== nameTag) {
        throw MlflowError.invalidParameter(
          "Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values " +
            `(run_name='${input.run_name}', mlflow.runName='${nameTag}').`,
        );
      }
      const runName = input.run_name || nameTag || generateRunName();
      if (!nameTag) tags.push({ key: RUN_NAME_TAG, value: runName });
      const runId = await createRun(project.db, {
        experimentId: parseExperimentId(input.experiment_id ?? '0'),
        userId: input.user_id ?? '',
        startTime: input.start_time ?? Date.now(),
        runName,
        tags,
      });
      return { run: runJson(await getRun(project.db, runId), { outputs: false }) };
    },
  }),
  endpoint({
    method: 'GET',
    paths: [`${V2}/get`],
    access: 'read',
    tag: TAG,
    summary: 'Get a run',
    request: z.object(runRef),
    response: runResponse,
    handler: async (input, { project }) => ({
      run: runJson(await getRun(project.db, runIdOf(input))),
    }),
  }),
  endpoint({
    method: 'POST',
    paths: [`${V2}/update`],
    access: 'edit',
    tag: TAG,
    summary: "Update a run's status, end time or name",
    request: z.object({
      ...runRef,
      status: runStatus().optional(),
      end_time: int64().optional(),
      run_name: z.string().optional(),
    }),
    response: z.object({ run_info: runInfoSchema }),
    handler: async (input, { project }) => {
      const info = await updateRun(project.db, runIdOf(input), {
        status: input.status,
        endTime: input.end_time,
        runName: input.run_name,
      });
      return { run_info: runInfoJson(info) };
    },
  }),
  endpoint({
    method: 'POST',
    paths: [`${V2}/delete`],
    access: 'manage',
    tag: TAG,
    summary: 'Mark a run deleted',
    request: z.object({ run_id: requiredString() }),
    response: emptySchema,
    handler: async (input, { project }) => {
      await setRunLifecycle(project.db, input.run_id, 'deleted');
      return {};
    },
  }),
  endpoint({
    method: 'POST',
    paths: [`${V2}/restore`],
    access: 'manage',
    tag: TAG,
    summary: 'Restore a deleted run',
    request: z.object({ run_id: requiredString() }),
    response: emptySchema,
    handler: async (input, { project }) => {
      await setRunLifecycle(project.db, input.run_id, 'active');
      return {};
    },
  }),
  endpoint({
    method: 'POST',
    paths: [`${V2}/set-tag`],
    access: 'edit',
    tag: TAG,
    summary: 'Set a tag on a run',
    request: z.object({ ...runRef, key: requiredString(), value: z.string().optional() }),
    response: emptySchema,
    handler: async (input, { project }) => {
      const tag = validateTag(input.key, input.value ?? '');
      await setRunTag(project.db, runIdOf(input), tag);
      return {};
    },
  }),
  endpoint({
    method: 'POST',
    paths: [`${V2}/delete-tag`],
    access: 'edit',
    tag: TAG,
    summary: 'Delete a tag from a run',
    request: z.object({ run_id: requiredString(), key: requiredString() }),
    response: emptySchema,
    handler: async (input, { project }) => {
      await deleteRunTag(project.db, input.run_id, input.key);
      return {};
    },
  }),
  endpoint({
    method: 'POST',
    paths: [`${V2}/log-parameter`],
    access: 'edit',
    tag: TAG,
    summary: 'Log a parameter',
    request: z.object({ ...runRef, key: requiredString(), value: z.string().optional() }),
    response: emptySchema,
    handler: async (input, { project }) => {
      const runId = runIdOf(input);
      await logParam(project.db, runId, validateParam(input.key, input.value ?? ''));
      return {};
    },
  }),
  decodedEndpoint({
    method: 'POST',
    paths: [`${V2}/log-batch`],
    access: 'edit',
    tag: TAG,
    summary: 'Log metrics, params and tags in one request',
    decoder: logBatchDecoder,
    response: emptySchema,
    handler: async ({ runId, ...batch }, { project }) => {
      await logBatch(project.db, runId, batch);
      return {};
    },
  }),
  endpoint({
    method: 'POST',
    paths: [`${V2}/log-inputs`],
    access: 'edit',
    tag: TAG,
    summary: 'Log dataset and model inputs of a run',
    request: z.object({
      run_id: requiredString(),
      datasets: z.array(datasetInput).optional(),
      models: z.array(z.object({ model_id: requiredString() })).optional(),
    }),
    response: emptySchema,
    handler: async (input, { project }) => {
      const datasets = (input.datasets ?? []).map((d) => ({
        tags: d.tags ?? [],
        dataset: d.dataset,
      }));
      validateDatasetInputs(datasets);
      const models = (input.models ?? []).map((m) => m.model_id);
      await logInputs(project.db, input.run_id, datasets, models);
      return {};
    },
  }),
  ...(['POST', 'GET'] as const).map((method) =>
    endpoint({
      method,
      paths: [`${V2}/search`],
      access: 'read',
      tag: TAG,
      summary: 'Search runs',
      request: z.object({
        experiment_ids: z.array(z.string()).optional(),
        filter: z.string().optional(),
        run_view_type: viewType().optional(),
        max_results: int64()
          .refine((n) => n <= SEARCH_MAX_RESULTS)
          .optional(),
        order_by: z.array(z.string()).optional(),
        page_token: z.string().optional(),
      }),
      response: z.object({
        runs: z.array(runSchema).optional(),
        next_page_token: z.string().optional(),
      }),
      handler: async (input, { project }) => {
        const experimentIds = (input.experiment_ids ?? []).map(parseExperimentId);
        const page = await searchRuns(project.db, {
          experimentIds,
          filter: input.filter,
          runViewType: input.run_view_type ?? 'ACTIVE_ONLY',
          orderBy: input.order_by ?? [],
          maxResults: input.max_results ?? SEARCH_DEFAULT_MAX_RESULTS,
          pageToken: input.page_token || undefined,
        });
        return {
          ...(page.runs.length ? { runs: page.runs.map(searchedRunJson) } : {}),
          ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
        };
      },
    }),
  ),
];
