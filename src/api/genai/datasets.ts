// MLflow 3's evaluation-dataset API (`mlflow.genai.datasets`, /api/3.0/mlflow/datasets): create,
// get, search, delete, tags, records (upsert, pages, delete) and experiment links. Tags and records
// travel as JSON text inside the JSON body, as MLflow's protos define them.
import { z } from 'zod';
import { endpoint } from '../../http/endpoint.js';
import { searchEvaluationDatasetIds } from '../../search/evaluation-dataset-search.js';
import { validateMaxResults } from '../../search/max-results.js';
import {
  DATASET_RECORDS_DEFAULT_MAX_RESULTS,
  deleteDatasetRecords,
  getDatasetRecordsPage,
  upsertDatasetRecords,
} from '../../store/evaluation-dataset-records.js';
import {
  addDatasetToExperiments,
  createEvaluationDataset,
  datasetExperimentIds,
  deleteEvaluationDataset,
  deleteEvaluationDatasetTag,
  getEvaluationDataset,
  loadEvaluationDatasets,
  removeDatasetFromExperiments,
  setEvaluationDatasetTags,
} from '../../store/evaluation-datasets.js';
import { emptySchema } from '../wire/entities.js';
import { int64, requiredString } from '../wire/fields.js';
import {
  datasetJson,
  datasetJsonSchema,
  datasetResponse,
  recordsJsonText,
} from './dataset-json.js';
import { parseRecordsText, parseTagsText } from './dataset-requests.js';

export const DATASETS = '/3.0/mlflow/datasets';
export const TAG = 'Evaluation datasets';

const datasetIdPath = z.object({ dataset_id: requiredString() });
const experimentIds = () => z.array(z.string()).optional();

const searchRequest = z.object({
  experiment_ids: experimentIds(),
  filter_string: z.string().optional(),
  max_results: int64().optional(),
  order_by: z.array(z.string()).optional(),
  page_token: z.string().optional(),
});

const searchResponse = z.object({
  datasets: z.array(datasetJsonSchema).optional(),
  next_page_token: z.string().optional(),
});

const experimentLinkRequest = datasetIdPath.extend({ experiment_ids: experimentIds() });

export const datasetEndpoints = [
  endpoint({
    method: 'POST',
    paths: [`${DATASETS}/create`],
    access: 'edit',
    tag: TAG,
    summary: 'Create an evaluation dataset linked to experiments (tags as JSON text)',
    request: z.object({
      name: requiredString(),
      experiment_ids: experimentIds(),
      tags: z.string().optional(),
    }),
    response: datasetResponse,
    handler: async (input, { project }) => {
      const { dataset, experimentIds: ids } = await createEvaluationDataset(project.db, {
        name: input.name,
        tags: parseTagsText(input.tags, { dropNulls: false }),
        experimentIds: input.experiment_ids ?? [],
      });
      return { dataset: datasetJson(dataset, ids) };
    },
  }),
  // The client POSTs; MLflow routes GET too (fields in the query string).
  ...(['POST', 'GET'] as const).map((method) =>
    endpoint({
      method,
      paths: [`${DATASETS}/search`],
      access: 'read',
      tag: TAG,
      summary: 'Search evaluation datasets (by experiment, filter_string, order_by; paged)',
      request: searchRequest,
      response: searchResponse,
      handler: async (input, { project }) => {
        const page = await searchEvaluationDatasetIds(project.db, {
          experimentIds: input.experiment_ids,
          filter: input.filter_string || undefined,
          // 0 means unset (proto default), as MLflow's handler reads it.
          maxResults: input.max_results || undefined,
          orderBy: input.order_by,
          pageToken: input.page_token || undefined,
        });
        const datasets = await loadEvaluationDatasets(project.db, page.datasetIds);
        return {
          ...(datasets.length ? { datasets: datasets.map((d) => datasetJson(d)) } : {}),
          ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
        };
      },
    }),
  ),
  endpoint({
    method: 'GET',
    paths: [`${DATASETS}/:dataset_id`],
    access: 'read',
    tag: TAG,
    summary: 'Get an evaluation dataset (without its experiment ids, as MLflow)',
    request: datasetIdPath,
    response: datasetResponse,
    handler: async (input, { project }) => ({
      dataset: datasetJson(await getEvaluationDataset(project.db, input.dataset_id)),
    }),
  }),
  endpoint({
    method: 'DELETE',
    paths: [`${DATASETS}/:dataset_id`],
    access: 'manage',
    tag: TAG,
    summary: 'Delete an evaluation dataset with its records (an unknown id is not an error)',
    request: datasetIdPath,
    response: emptySchema,
    handler: async (input, { project }) => {
      await deleteEvaluationDataset(project.db, input.dataset_id);
      return {};
    },
  }),
  endpoint({
    method: 'PATCH',
    paths: [`${DATASETS}/:dataset_id/tags`],
    access: 'edit',
    tag: TAG,
    summary: 'Set tags on an evaluation dataset (tags as JSON text; each key upserted)',
    request: datasetIdPath.extend({ tags: requiredString() }),
    response: emptySchema,
    handler: async (input, { project }) => {
      const tags = parseTagsText(input.tags, { dropNulls: true });
      await setEvaluationDatasetTags(project.db, input.dataset_id, tags);
      return {};
    },
  }),
  endpoint({
    method: 'DELETE',
    paths: [`${DATASETS}/:dataset_id/tags/:key`],
    access: 'edit',
    tag: TAG,
    summary: 'Delete a tag of an evaluation dataset (idempotent)',
    request: datasetIdPath.extend({ key: requiredString() }),
    response: emptySchema,
    handler: async (input, { project }) => {
      await deleteEvaluationDatasetTag(project.db, input.dataset_id, input.key);
      return {};
    },
  }),
  endpoint({
    method: 'POST',
    paths: [`${DATASETS}/:dataset_id/records`],
    access: 'edit',
    tag: TAG,
    summary: 'Upsert records (JSON text): same inputs merge expectations and tags, new ones insert',
    request: datasetIdPath.extend({ records: requiredString() }),
    response: z.object({ inserted_count: z.number().int(), updated_count: z.number().int() }),
    handler: async (input, { project }) => {
      const records = parseRecordsText(input.records);
      const result = await upsertDatasetRecords(project.db, input.dataset_id, records);
      // MLflow sets both counts, so both are written even when 0.
      return { inserted_count: result.inserted, updated_count: result.updated };
    },
  }),
  endpoint({
    method: 'GET',
    paths: [`${DATASETS}/:dataset_id/records`],
    access: 'read',
    tag: TAG,
    summary: "A page of a dataset's records as JSON text, oldest first",
    request: datasetIdPath.extend({
      max_results: int64().optional(),
      page_token: z.string().optional(),
    }),
    response: z.object({ records: z.string(), next_page_token: z.string().optional() }),
    handler: async (input, { project }) => {
      const maxResults = input.max_results || DATASET_RECORDS_DEFAULT_MAX_RESULTS;
      validateMaxResults(maxResults);
      const page = await getDatasetRecordsPage(
        project.db,
        input.dataset_id,
        maxResults,
        input.page_token || undefined,
      );
      return {
        records: recordsJsonText(page.records),
        ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
      };
    },
  }),
  endpoint({
    method: 'DELETE',
    paths: [`${DATASETS}/:dataset_id/records`],
    access: 'edit',
    tag: TAG,
    summary: 'Delete records of a dataset by id',
    request: datasetIdPath.extend({ dataset_record_ids: z.array(z.string()).optional() }),
    response: z.object({ deleted_count: z.number().int() }),
    handler: async (input, { project }) => {
      const n = await deleteDatasetRecords(
        project.db,
        input.dataset_id,
        input.dataset_record_ids ?? [],
      );
      return { deleted_count: n };
    },
  }),
  endpoint({
    method: 'GET',
    paths: [`${DATASETS}/:dataset_id/experiment-ids`],
    access: 'read',
    tag: TAG,
    summary: 'The ids of the experiments a dataset belongs to',
    request: datasetIdPath,
    response: z.object({ experiment_ids: z.array(z.string()).optional() }),
    handler: async (input, { project }) => {
      const ids = await datasetExperimentIds(project.db, input.dataset_id);
      return ids.length ? { experiment_ids: ids } : {};
    },
  }),
  endpoint({
    method: 'POST',
    paths: [`${DATASETS}/:dataset_id/add-experiments`],
    access: 'edit',
    tag: TAG,
    summary: 'Link a dataset to more experiments (each must exist)',
    request: experimentLinkRequest,
    response: datasetResponse,
    handler: async (input, { project }) => ({
      dataset: datasetJson(
        await addDatasetToExperiments(project.db, input.dataset_id, input.experiment_ids ?? []),
      ),
    }),
  }),
  endpoint({
    method: 'POST',
    paths: [`${DATASETS}/:dataset_id/remove-experiments`],
    access: 'edit',
    tag: TAG,
    summary: 'Unlink a dataset from experiments (idempotent)',
    request: experimentLinkRequest,
    response: datasetResponse,
    handler: async (input, { project }) => ({
      dataset: datasetJson(
        await removeDatasetFromExperiments(
          project.db,
          input.dataset_id,
          input.experiment_ids ?? [],
        ),
      ),
    }),
  }),
];
