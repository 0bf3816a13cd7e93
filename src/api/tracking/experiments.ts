// MLflow's experiment API family: create, get, get-by-name, search, update, delete, restore, tags.
import { z } from 'zod';
import { MlflowError } from '../../errors.js';
import { searchExperimentIds } from '../../search/experiment-search.js';
import {
  createExperiment,
  deleteExperimentTag,
  findExperimentByName,
  getExperiment,
  loadExperiments,
  parseExperimentId,
  renameExperiment,
  setExperimentLifecycle,
  setExperimentTag,
} from '../../store/experiments.js';
import {
  absoluteArtifactLocation,
  validateExperimentName,
  validateExperimentTag,
} from '../../services/validation.js';
import { emptySchema, experimentSchema } from '../wire/entities.js';
import { experimentJson } from '../wire/experiment-json.js';
import { endpoint } from '../../http/endpoint.js';
import { int64, requiredString } from '../wire/fields.js';
import { viewType } from '../wire/view-type.js';

const V2 = '/2.0/mlflow/experiments';
const TAG = 'Experiments';
const SEARCH_DEFAULT_MAX_RESULTS = 1000;

const tagSchema = z.object({ key: z.string().optional(), value: z.string().optional() });

const experimentResponse = z.object({ experiment: experimentSchema });

const experimentIdOnly = z.object({ experiment_id: requiredString() });

const searchRequest = z.object({
  max_results: int64().optional(),
  page_token: z.string().optional(),
  filter: z.string().optional(),
  order_by: z.array(z.string()).optional(),
  view_type: viewType().optional(),
});

export const experimentEndpoints = [
  endpoint({
    method: 'POST',
    paths: [`${V2}/create`],
    access: 'edit',
    tag: TAG,
    summary: 'Create an experiment',
    request: z.object({
      name: requiredString(),
      artifact_location: z.string().optional(),
      tags: z.array(tagSchema).optional(),
    }),
    response: z.object({ experiment_id: z.string() }),
    handler: async (input, { project }) => {
      const name = validateExperimentName(input.name);
      const artifactLocation = input.artifact_location
        ? absoluteArtifactLocation(input.artifact_location)
        : undefined;
      const tags = (input.tags ?? []).map((t) => {
        validateExperimentTag(t.key, t.value ?? '');
        return { key: t.key as string, value: t.value ?? '' };
      });
      const id = await createExperiment(project.db, {
        name,
        artifactLocation,
        tags,
      });
      return { experiment_id: String(id) };
    },
  }),
  endpoint({
    method: 'GET',
    paths: [`${V2}/get`],
    access: 'read',
    tag: TAG,
    summary: 'Get an experiment by id',
    request: experimentIdOnly,
    response: experimentResponse,
    handler: async (input, { project }) => {
      const experiment = await getExperiment(project.db, parseExperimentId(input.experiment_id));
      return { experiment: experimentJson(experiment, project.name) };
    },
  }),
  endpoint({
    method: 'GET',
    paths: [`${V2}/get-by-name`],
    access: 'read',
    tag: TAG,
    summary: 'Get an experiment by name',
    request: z.object({ experiment_name: requiredString() }),
    response: experimentResponse,
    handler: async (input, { project }) => {
      const experiment = await findExperimentByName(project.db, input.experiment_name);
      if (!experiment) {
        throw MlflowError.notFound(
          `Could not find experiment with name '${input.experiment_name}'`,
        );
      }
      return { experiment: experimentJson(experiment, project.name) };
    },
  }),
  ...(['GET', 'POST'] as const).map((method) =>
    endpoint({
      method,
      paths: [`${V2}/search`],
      access: 'read',
      tag: TAG,
      summary: 'Search experiments',
      request: searchRequest,
      response: z.object({
        experiments: z.array(experimentSchema).optional(),
        next_page_token: z.string().optional(),
      }),
      handler: async (input, { project }) => {
        const page = await searchExperimentIds(project.db, {
          filter: input.filter,
          viewType: input.view_type ?? 'ACTIVE_ONLY',
          orderBy: input.order_by ?? [],
          maxResults: input.max_results ?? SEARCH_DEFAULT_MAX_RESULTS,
          pageToken: input.page_token || undefined,
        });
        const experiments = await loadExperiments(project.db, page.experimentIds);
        return {
          ...(experiments.length
            ? { experiments: experiments.map((e) => experimentJson(e, project.name)) }
            : {}),
          ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
        };
      },
    }),
  ),
  endpoint({
    method: 'POST',
    paths: [`${V2}/update`],
    access: 'edit',
    tag: TAG,
    summary: 'Rename an experiment',
    request: z.object({ experiment_id: requiredString(), new_name: requiredString() }),
    response: emptySchema,
    statuses: { other: { 409: 'RESOURCE_CONFLICT: the experiment is deleted' } },
    handler: async (input, { project }) => {
      const newName = validateExperimentName(input.new_name);
      await renameExperiment(project.db, parseExperimentId(input.experiment_id), newName);
      return {};
    },
  }),
  endpoint({
    method: 'POST',
    paths: [`${V2}/delete`],
    access: 'manage',
    tag: TAG,
    summary: 'Delete an experiment (and mark its runs deleted)',
    request: experimentIdOnly,
    response: emptySchema,
    handler: async (input, { project }) => {
      await setExperimentLifecycle(project.db, parseExperimentId(input.experiment_id), 'deleted');
      return {};
    },
  }),
  endpoint({
    method: 'POST',
    paths: [`${V2}/restore`],
    access: 'manage',
    tag: TAG,
    summary: 'Restore a deleted experiment and its runs',
    request: experimentIdOnly,
    response: emptySchema,
    handler: async (input, { project }) => {
      await setExperimentLifecycle(project.db, parseExperimentId(input.experiment_id), 'active');
      return {};
    },
  }),
  endpoint({
    method: 'POST',
    paths: [`${V2}/set-experiment-tag`],
    access: 'edit',
    tag: TAG,
    summary: 'Set a tag on an experiment',
    request: z.object({
      experiment_id: requiredString(),
      key: requiredString(),
      value: z.string().optional(),
    }),
    response: emptySchema,
    handler: async (input, { project }) => {
      const value = input.value ?? '';
      validateExperimentTag(input.key, value);
      await setExperimentTag(project.db, parseExperimentId(input.experiment_id), {
        key: input.key,
        value,
      });
      return {};
    },
  }),
  endpoint({
    method: 'POST',
    paths: [`${V2}/delete-experiment-tag`],
    access: 'edit',
    tag: TAG,
    summary: 'Delete a tag from an experiment',
    request: z.object({ experiment_id: requiredString(), key: requiredString() }),
    response: emptySchema,
    handler: async (input, { project }) => {
      await deleteExperimentTag(project.db, parseExperimentId(input.experiment_id), input.key);
      return {};
    },
  }),
];
