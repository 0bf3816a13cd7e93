// MLflow's JSON for evaluation datasets and their records: the Dataset message (tags, schema and
// profile as JSON text), and the records list that GetDatasetRecords returns as one JSON string,
// each record in DatasetRecord.to_dict()'s key order, written with Python's json.dumps.
import { z } from 'zod';
import { isPyDict, pyDumps, pyLoads, type PyDict, type PyJson } from '../../python-json.js';
import type { DatasetRecordRow } from '../../store/evaluation-dataset-records.js';
import type { EvaluationDataset } from '../../store/evaluation-datasets.js';

export const datasetJsonSchema = z.object({
  dataset_id: z.string(),
  name: z.string(),
  tags: z.string().optional().describe('A JSON object of tag keys to values, as text'),
  schema: z.string().optional().describe('JSON text: field types of inputs, outputs, expectations'),
  profile: z.string().optional().describe('JSON text, e.g. {"num_records": 2}'),
  digest: z.string(),
  created_time: z.number().int(),
  last_update_time: z.number().int(),
  created_by: z.string().optional(),
  last_updated_by: z.string().optional(),
  experiment_ids: z.array(z.string()).optional(),
});

export type DatasetJson = z.infer<typeof datasetJsonSchema>;

export const datasetResponse = z.object({ dataset: datasetJsonSchema });

/** A dataset as MLflow writes it; experiment ids only where MLflow's answer carries them. */
export function datasetJson(dataset: EvaluationDataset, experimentIds?: string[]): DatasetJson {
  const { info } = dataset;
  return {
    dataset_id: info.dataset_id,
    name: info.name,
    tags: pyDumps(new Map<string, PyJson>(dataset.tags)),
    ...(info.schema !== null ? { schema: info.schema } : {}),
    ...(info.profile !== null ? { profile: info.profile } : {}),
    digest: info.digest ?? '',
    created_time: Number(info.created_time),
    last_update_time: Number(info.last_update_time),
    ...(info.created_by !== null ? { created_by: info.created_by } : {}),
    ...(info.last_updated_by !== null ? { last_updated_by: info.last_updated_by } : {}),
    ...(experimentIds?.length ? { experiment_ids: experimentIds } : {}),
  };
}

const loads = (text: string | null): PyJson => (text === null ? null : pyLoads(text));

/** DatasetRecord.to_dict() of a stored record. */
function recordDict(row: DatasetRecordRow): PyDict {
  const d: PyDict = new Map();
  d.set('dataset_record_id', row.dataset_record_id);
  d.set('dataset_id', row.dataset_id);
  d.set('inputs', loads(row.inputs));
  const expectations = loads(row.expectations);
  if (expectations !== null) d.set('expectations', expectations);
  const tags = loads(row.tags);
  d.set('tags', tags ?? new Map());
  const source = loads(row.source);
  if (isPyDict(source)) {
    const data = source.get('source_data');
    d.set(
      'source',
      new Map<string, PyJson>([
        ['source_type', source.get('source_type') ?? 'UNSPECIFIED'],
        ['source_data', data ?? new Map()],
      ]),
    );
  }
  if (row.source_id !== null) d.set('source_id', row.source_id);
  if (isPyDict(source)) d.set('source_type', source.get('source_type') ?? 'UNSPECIFIED');
  d.set('created_time', BigInt(row.created_time));
  d.set('last_update_time', BigInt(row.last_update_time));
  if (row.created_by !== null) d.set('created_by', row.created_by);
  if (row.last_updated_by !== null) d.set('last_updated_by', row.last_updated_by);
  const wrapped = loads(row.outputs);
  const outputs = isPyDict(wrapped) ? wrapped.get('mlflow_wrapped') : undefined;
  if (outputs !== undefined && outputs !== null) d.set('outputs', outputs);
  return d;
}

/** `json.dumps([record.to_dict() for record in records])`. */
export function recordsJsonText(rows: DatasetRecordRow[]): string {
  return pyDumps(rows.map(recordDict));
}
