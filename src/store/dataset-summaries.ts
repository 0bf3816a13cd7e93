// The datasets runs of some experiments used, each with the context its input was logged with
// (`mlflow.data.context`, e.g. "training"): MLflow's SearchDatasets, which its UI lists per
// experiment. A dataset logged under two contexts is summarized twice.
import type { Db } from './experiments.js';

/** MLflow caps the summaries of one search at this many. */
export const MAX_DATASET_SUMMARIES = 1000;

export interface DatasetSummary {
  experiment_id: number;
  name: string;
  digest: string;
  /** Null when the input carries no context tag. */
  context: string | null;
}

export async function datasetSummaries(db: Db, experimentIds: number[]): Promise<DatasetSummary[]> {
  if (!experimentIds.length) return [];
  return (
    db
      .selectFrom('datasets')
      .innerJoin('inputs', 'inputs.source_id', 'datasets.dataset_uuid')
      .leftJoin('input_tags', (join) =>
        join
          .onRef('input_tags.input_uuid', '=', 'inputs.input_uuid')
          .on('input_tags.name', '=', 'mlflow.data.context'),
      )
      .select([
        'datasets.experiment_id',
        'datasets.name',
        'datasets.digest',
        'input_tags.value as context',
      ])
      .distinct()
      .where('datasets.experiment_id', 'in', experimentIds)
      // MLflow leaves the order to the database; a fixed one keeps pages reproducible.
      .orderBy('datasets.experiment_id')
      .orderBy('datasets.name')
      .orderBy('datasets.digest')
      .orderBy('context')
      .limit(MAX_DATASET_SUMMARIES)
      .execute()
  );
}
