// The JSON text inside dataset requests: tags (`{"key": "value"}`) and records (a list of
// `{"inputs", "outputs"?, "expectations"?, "tags"?, "source"?}`), read with Python's json
// semantics so that hashes and stored values match what MLflow's server makes of them.
import { MlflowError } from '../../errors.js';
import {
  isPyDict,
  pyLoads,
  PyJsonSyntaxError,
  pyStrOf,
  type PyDict,
  type PyJson,
} from '../../python-json.js';
import type { NewDatasetRecord } from '../../store/evaluation-dataset-records.js';

const SOURCE_TYPES = ['UNSPECIFIED', 'TRACE', 'HUMAN', 'DOCUMENT', 'CODE'];

function parseJsonText(field: string, text: string): PyJson {
  try {
    return pyLoads(text);
  } catch (err) {
    if (!(err instanceof PyJsonSyntaxError)) throw err;
    throw MlflowError.invalidParameter(`Invalid JSON in '${field}': ${err.message}`);
  }
}

/**
 * Tags sent as a JSON object. Values become text as MLflow's `str(value)` makes them; with
 * `dropNulls` (set_dataset_tags) a null value is skipped, at create it is stored as null.
 */
export function parseTagsText(
  text: string | undefined,
  opts: { dropNulls: boolean },
): [string, string | null][] {
  if (!text) return [];
  const tags = parseJsonText('tags', text);
  if (!isPyDict(tags)) {
    throw MlflowError.invalidParameter("Invalid value for 'tags': expected a JSON object.");
  }
  const out: [string, string | null][] = [];
  for (const [key, value] of tags) {
    if (value === null) {
      if (!opts.dropNulls) out.push([key, null]);
    } else out.push([key, pyStrOf(value)]);
  }
  return out;
}

function invalidRecord(index: number, why: string): MlflowError {
  return MlflowError.invalidParameter(`Invalid record at index ${index}: ${why}`);
}

function optionalDict(record: PyDict, key: string, index: number): PyJson {
  const value = record.get(key) ?? null;
  if (value !== null && !isPyDict(value)) {
    throw invalidRecord(index, `'${key}' must be a JSON object.`);
  }
  return value;
}

/** `DatasetRecordSource.from_dict`: the source type standardised to upper case and checked. */
function parseSource(value: PyJson | undefined, index: number): PyDict | null {
  if (value === undefined || value === null) return null;
  if (!isPyDict(value)) throw invalidRecord(index, "'source' must be a JSON object.");
  const extra = [...value.keys()].find((k) => k !== 'source_type' && k !== 'source_data');
  if (extra) throw invalidRecord(index, `unexpected key '${extra}' in 'source'.`);
  const type = value.get('source_type');
  if (typeof type !== 'string') throw invalidRecord(index, "'source.source_type' is required.");
  const upper = type.toUpperCase();
  if (!SOURCE_TYPES.includes(upper)) {
    throw MlflowError.invalidParameter(
      `Invalid dataset record source type: ${upper}. Valid source types: ` +
        `[${SOURCE_TYPES.map((t) => `'${t}'`).join(', ')}]`,
    );
  }
  const data = value.get('source_data') ?? null;
  if (data !== null && !isPyDict(data)) {
    throw invalidRecord(index, "'source.source_data' must be a JSON object.");
  }
  return new Map<string, PyJson>([
    ['source_type', upper],
    ['source_data', data ?? new Map()],
  ]);
}

export function parseRecordsText(text: string): NewDatasetRecord[] {
  const records = parseJsonText('records', text);
  if (!Array.isArray(records)) {
    throw MlflowError.invalidParameter("Invalid value for 'records': expected a JSON array.");
  }
  return records.map((record, index) => {
    if (!isPyDict(record)) throw invalidRecord(index, 'a record must be a JSON object.');
    const inputs = record.get('inputs') ?? new Map();
    if (!isPyDict(inputs)) throw invalidRecord(index, "'inputs' must be a JSON object.");
    return {
      inputs,
      ...(record.has('outputs') ? { outputs: record.get('outputs') } : {}),
      expectations: optionalDict(record, 'expectations', index),
      tags: optionalDict(record, 'tags', index),
      source: parseSource(record.get('source'), index),
    };
  });
}
