// MLflow's SearchDatasets rules (at least one, at most 20 experiments; ids must be integers) in
// front of the store's summaries, for the REST endpoint and the GraphQL field alike.
import { MlflowError } from '../errors.js';
import { datasetSummaries, type DatasetSummary } from '../store/dataset-summaries.js';
import { parseExperimentId, type Db } from '../store/experiments.js';

const MAX_EXPERIMENT_IDS = 20;

export async function searchDatasetSummaries(
  db: Db,
  experimentIds: string[],
): Promise<DatasetSummary[]> {
  if (!experimentIds.length) {
    throw MlflowError.invalidParameter(
      'SearchDatasets request must specify at least one experiment_id.',
    );
  }
  if (experimentIds.length > MAX_EXPERIMENT_IDS) {
    throw MlflowError.invalidParameter(
      `SearchDatasets request cannot specify more than ${MAX_EXPERIMENT_IDS} experiment_ids. ` +
        `Received ${experimentIds.length} experiment_ids.`,
    );
  }
  return datasetSummaries(db, experimentIds.map(parseExperimentId));
}
