// MLflow 3's logged-model API family (what `mlflow.<flavor>.log_model` uses): create, get,
// finalize, delete, search, tags, params, and a run's log-outputs. Artifact listing and download of a model
// live in logged-model-artifacts.ts.
import { z } from 'zod';
import { MlflowError } from '../../errors.js';
import { searchLoggedModelIds } from '../../search/logged-model-search.js';
import { validateLoggedModelName } from '../../services/logged-model-validation.js';
import { parseExperimentId } from '../../store/experiments.js';
import {
  createLoggedModel,
  deleteLoggedModel,
  deleteLoggedModelTag,
  finalizeLoggedModel,
  getLoggedModel,
  LOGGED_MODEL_STATUS,
  loadLoggedModels,
  logLoggedModelParams,
  setLoggedModelTags,
} from '../../store/logged-models.js';
import { logRunOutputs } from '../../store/run-model-links.js';
import { generateRunName } from '../../services/run-names.js';
import { emptySchema } from '../wire/entities.js';
import { endpoint } from '../../http/endpoint.js';
import { int64, requiredString } from '../wire/fields.js';
import {
  loggedModelJson,
  loggedModelJsonSchema,
  loggedModelResponse,
} from './logged-model-json.js';

export const LOGGED_MODELS = '/2.0/mlflow/logged-models';
export const TAG = 'Logged models';

/** A tag or param as sent: the key is required (MLflow stores an empty one), value may be "". */
const keyValueList = () =>
  z.array(z.object({ key: requiredString(), value: z.string().optional() })).optional();

const keyValues = (items: { key: string; value?: string }[] | undefined) =>
  (items ?? []).map((i) => ({ key: i.key, value: i.value ?? '' }));

/**
 * MLflow writes each param (and each model of a run's outputs) of a request as a row of its own,
 * so one given twice in a request fails the whole request with 400 BAD_REQUEST and stores nothing
 * (its message is SQLite's constraint error; ours names the duplicate).
 */
function onceEach<T>(items: T[], keyOf: (item: T) => string, what: string): T[] {
  const seen = new Set<string>();
  for (const item of items) {
    const key = keyOf(item);
    if (seen.has(key)) {
      throw new MlflowError(
        'BAD_REQUEST',
        `${what} '${key}' is given more than once in the request.`,
      );
    }
    seen.add(key);
  }
  return items;
}

const paramsOnce = (items: { key: string; value?: string }[] | undefined) =>
  onceEach(keyValues(items), (p) => p.key, 'Param');

/** LoggedModelStatus by name or number, as protobuf's JSON parser takes an enum. */
const statusField = () =>
  z.preprocess(
    (v) =>
      typeof v === 'string' && v in LOGGED_MODEL_STATUS
        ? LOGGED_MODEL_STATUS[v as keyof typeof LOGGED_MODEL_STATUS]
        : v,
    z
      .number()
      .int()
      .refine((n) => Object.values(LOGGED_MODEL_STATUS).includes(n as 0)),
  );

const modelIdPath = z.object({ model_id: requiredString() });

export const loggedModelEndpoints = [
  endpoint({
    method: 'POST',
    paths: [LOGGED_MODELS],
    access: 'edit',
    tag: TAG,
    summary: 'Create a logged model (PENDING until finalized); its artifacts go to artifact_uri',
    request: z.object({
      experiment_id: requiredString(),
      name: z.string().optional(),
      model_type: z.string().optional(),
      source_run_id: z.string().optional(),
      params: keyValueList(),
      tags: keyValueList(),
    }),
    response: loggedModelResponse,
    handler: async (input, { project }) => {
      const name = input.name || undefined;
      validateLoggedModelName(name);
      const experimentId = parseExperimentId(input.experiment_id);
      // As in MLflow, source_run_id is stored as given: a run id that names no run here is only a
      // label (run pages list models by it within this project; nothing is resolved through it).
      const model = await createLoggedModel(project.db, {
        experimentId,
        // An unnamed model gets a random name, as MLflow gives one.
        name: name ?? generateRunName(),
        // MLflow's REST path stores an absent model_type / source_run_id as "" and shows it so.
        modelType: input.model_type ?? '',
        sourceRunId: input.source_run_id ?? '',
        params: paramsOnce(input.params),
        tags: keyValues(input.tags),
      });
      return { model: loggedModelJson(model) };
    },
  }),
  endpoint({
    method: 'GET',
    paths: [`${LOGGED_MODELS}/:model_id`],
    access: 'read',
    tag: TAG,
    summary: 'Get a logged model (a deleted one only with allow_deleted=true)',
    request: modelIdPath.extend({ allow_deleted: z.string().optional() }),
    response: loggedModelResponse,
    handler: async (input, { project }) => {
      const allowDeleted = input.allow_deleted?.toLowerCase() === 'true';
      return {
        model: loggedModelJson(await getLoggedModel(project.db, input.model_id, { allowDeleted })),
      };
    },
  }),
  endpoint({
    method: 'PATCH',
    paths: [`${LOGGED_MODELS}/:model_id`],
    access: 'edit',
    tag: TAG,
    summary: 'Finalize a logged model: set its status (READY once its artifacts are uploaded)',
    request: modelIdPath.extend({ status: statusField() }),
    response: loggedModelResponse,
    handler: async (input, { project }) => ({
      model: loggedModelJson(await finalizeLoggedModel(project.db, input.model_id, input.status)),
    }),
  }),
  endpoint({
    method: 'DELETE',
    paths: [`${LOGGED_MODELS}/:model_id`],
    access: 'manage',
    tag: TAG,
    summary: 'Delete a logged model (soft delete: hidden from get and search)',
    request: modelIdPath,
    response: emptySchema,
    handler: async (input, { project }) => {
      await deleteLoggedModel(project.db, input.model_id);
      return {};
    },
  }),
  endpoint({
    method: 'POST',
    paths: [`${LOGGED_MODELS}/:model_id/params`],
    access: 'edit',
    tag: TAG,
    summary: 'Log params of a logged model (a logged param cannot change value)',
    request: modelIdPath.extend({ params: keyValueList() }),
    response: emptySchema,
    handler: async (input, { project }) => {
      await logLoggedModelParams(project.db, input.model_id, paramsOnce(input.params));
      return {};
    },
  }),
  endpoint({
    method: 'PATCH',
    paths: [`${LOGGED_MODELS}/:model_id/tags`],
    access: 'edit',
    tag: TAG,
    summary: 'Set tags on a logged model',
    request: modelIdPath.extend({ tags: keyValueList() }),
    response: emptySchema,
    handler: async (input, { project }) => {
      await setLoggedModelTags(project.db, input.model_id, keyValues(input.tags));
      return {};
    },
  }),
  endpoint({
    method: 'DELETE',
    paths: [`${LOGGED_MODELS}/:model_id/tags/:tag_key`],
    access: 'edit',
    tag: TAG,
    summary: 'Delete a tag of a logged model',
    request: modelIdPath.extend({ tag_key: requiredString() }),
    response: emptySchema,
    handler: async (input, { project }) => {
      await deleteLoggedModelTag(project.db, input.model_id, input.tag_key);
      return {};
    },
  }),
  endpoint({
    method: 'POST',
    paths: [`${LOGGED_MODELS}/search`],
    access: 'read',
    tag: TAG,
    summary: 'Search logged models (filter, datasets, order_by incl. metrics, paging)',
    request: z.object({
      experiment_ids: z.array(z.string()).min(1),
      filter: z.string().optional(),
      datasets: z
        .array(
          z.object({ dataset_name: z.string().optional(), dataset_digest: z.string().optional() }),
        )
        .optional(),
      max_results: int64().optional(),
      order_by: z
        .array(
          z.object({
            field_name: z.string().optional(),
            ascending: z.boolean().optional(),
            dataset_name: z.string().optional(),
            dataset_digest: z.string().optional(),
          }),
        )
        .optional(),
      page_token: z.string().optional(),
    }),
    response: z.object({
      models: z.array(loggedModelJsonSchema).optional(),
      next_page_token: z.string().optional(),
    }),
    handler: async (input, { project }) => {
      const page = await searchLoggedModelIds(project.db, {
        experimentIds: input.experiment_ids,
        filter: input.filter,
        datasets: input.datasets,
        orderBy: input.order_by,
        maxResults: input.max_results,
        pageToken: input.page_token || undefined,
      });
      const models = await loadLoggedModels(project.db, page.modelIds);
      return {
        ...(models.length ? { models: models.map(loggedModelJson) } : {}),
        ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
      };
    },
  }),
  endpoint({
    method: 'POST',
    paths: ['/2.0/mlflow/runs/outputs'],
    access: 'edit',
    tag: 'Runs',
    summary: 'Log the logged models a run produced (shown in the run as outputs.model_outputs)',
    request: z.object({
      run_id: requiredString(),
      models: z.array(z.object({ model_id: requiredString(), step: int64().optional() })).min(1),
    }),
    response: emptySchema,
    handler: async (input, { project }) => {
      await logRunOutputs(
        project.db,
        input.run_id,
        onceEach(
          input.models.map((m) => ({ model_id: m.model_id, step: m.step ?? 0 })),
          (m) => m.model_id,
          'Model',
        ),
      );
      return {};
    },
  }),
];
