// MLflow's SearchDatasets: which datasets the runs of some experiments used, and in what context.
// MLflow serves it for its web UI only, below /ajax-api (and as GraphQL's mlflowSearchDatasets).
import { z } from 'zod';
import { endpoint } from '../../http/endpoint.js';
import { searchDatasetSummaries } from '../../services/dataset-search.js';
import { datasetSummaryJson, datasetSummarySchema } from '../wire/entities.js';

export const datasetSummaryEndpoints = [
  endpoint({
    method: 'POST',
    paths: ['/2.0/mlflow/experiments/search-datasets'],
    prefixes: ['/ajax-api'],
    access: 'read',
    tag: 'Experiments',
    summary: 'Datasets used by the runs of some experiments (1 to 20), with their input context',
    request: z.object({ experiment_ids: z.array(z.string()).optional() }),
    response: z.object({ dataset_summaries: z.array(datasetSummarySchema).optional() }),
    handler: async (input, { project }) => {
      const summaries = await searchDatasetSummaries(project.db, input.experiment_ids ?? []);
      return summaries.length ? { dataset_summaries: summaries.map(datasetSummaryJson) } : {};
    },
  }),
];
