// Evaluation-dataset records, as MLflow's SQL store keeps them: one record per distinct inputs
// (the upsert key is sha256 of json.dumps(inputs, sort_keys=True)), merged on a repeat; the
// dataset's schema, profile, digest and last update follow each upsert. Pages are read in
// (created_time, dataset_record_id) order behind a base64 "<created_time>:<record_id>" token.
import { createHash, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { MlflowError } from '../errors.js';
import {
  isPyDict,
  pyDumps,
  pyLoads,
  pyTruthy,
  pyTypeName,
  type PyDict,
  type PyJson,
} from '../python-json.js';
import { datasetDigest, getEvaluationDataset, MLFLOW_USER_TAG } from './evaluation-datasets.js';
import type { Db } from './experiments.js';
import type { Database, EvaluationDatasetRecordsTable } from './schema.js';

/** MLflow wraps outputs (which need not be an object) under this key when storing them. */
const WRAPPED_OUTPUT_KEY = 'mlflow_wrapped';

export const DATASET_RECORDS_DEFAULT_MAX_RESULTS = 1000;

export type DatasetRecordRow = EvaluationDatasetRecordsTable;

/** A record as the client sends it; `outputs` undefined means the key was absent. */
export interface NewDatasetRecord {
  inputs: PyDict;
  outputs?: PyJson;
  expectations: PyJson;
  tags: PyJson;
  /** `{"source_type": <standardised>, "source_data": {...}}`, already validated. */
  source: PyDict | null;
}

export function inputHash(inputs: PyDict): string {
  return createHash('sha256')
    .update(pyDumps(inputs, { sortKeys: true }))
    .digest('hex');
}

const loads = (text: string | null): PyJson => (text === null ? null : pyLoads(text));

function userOf(tags: PyJson): string | null | undefined {
  if (!isPyDict(tags) || !tags.has(MLFLOW_USER_TAG)) return undefined;
  const user = tags.get(MLFLOW_USER_TAG)!;
  return typeof user === 'string' ? user : pyDumps(user);
}

/** `dict.update` of a stored JSON object with a new one; the result as stored text. */
function updated(stored: string | null, extra: PyDict): string {
  const base = loads(stored);
  const merged: PyDict = isPyDict(base) ? new Map(base) : new Map();
  for (const [k, v] of extra) merged.set(k, v);
  return pyDumps(merged);
}

function merge(row: DatasetRecordRow, record: NewDatasetRecord, now: number): DatasetRecordRow {
  const next = { ...row, last_update_time: now };
  if (record.outputs !== undefined) {
    next.outputs =
      record.outputs === null ? null : pyDumps(new Map([[WRAPPED_OUTPUT_KEY, record.outputs]]));
  }
  if (pyTruthy(record.expectations) && isPyDict(record.expectations)) {
    next.expectations = updated(row.expectations, record.expectations);
  }
  if (pyTruthy(record.tags) && isPyDict(record.tags)) {
    next.tags = updated(row.tags, record.tags);
  }
  const user = userOf(record.tags);
  if (user !== undefined) next.last_updated_by = user;
  return next;
}

function sourceIdOf(source: PyDict | null): string | null {
  const data = source?.get('source_data');
  if (!isPyDict(data)) return null;
  const id = data.get(source!.get('source_type') === 'TRACE' ? 'trace_id' : 'source_id');
  return id === undefined || id === null ? null : typeof id === 'string' ? id : pyDumps(id);
}

function insertRow(
  datasetId: string,
  hash: string,
  record: NewDatasetRecord,
  now: number,
): DatasetRecordRow {
  const user = userOf(record.tags) ?? null;
  // An absent `outputs` is stored as {} (MLflow's default), an explicit null as nothing.
  const outputs = record.outputs === undefined ? new Map() : record.outputs;
  return {
    dataset_record_id: `dr-${randomUUID().replace(/-/g, '')}`,
    dataset_id: datasetId,
    inputs: pyDumps(record.inputs),
    outputs: outputs === null ? null : pyDumps(new Map([[WRAPPED_OUTPUT_KEY, outputs]])),
    expectations: record.expectations === null ? null : pyDumps(record.expectations),
    tags: pyDumps(record.tags ?? new Map()),
    source: record.source ? pyDumps(record.source) : null,
    source_id: sourceIdOf(record.source),
    source_type: record.source ? (record.source.get('source_type') as string) : null,
    created_time: now,
    last_update_time: now,
    created_by: user,
    last_updated_by: user,
    input_hash: hash,
  };
}

/** MLflow's `_update_dataset_schema`: new keys of inputs, outputs and expectations get a type. */
function updatedSchema(stored: string | null, records: NewDatasetRecord[]): string | null {
  if (!records.length && !stored) return null;
  const parsed = loads(stored);
  const schema: PyDict = isPyDict(parsed)
    ? parsed
    : new Map<string, PyJson>([
        ['inputs', new Map()],
        ['outputs', new Map()],
        ['expectations', new Map()],
        ['version', '1.0'],
      ]);
  const addKeys = (section: string, values: PyDict) => {
    const target = schema.get(section);
    if (!isPyDict(target)) return;
    for (const [k, v] of values) if (!target.has(k)) target.set(k, pyTypeName(v));
  };
  for (const record of records) {
    if (pyTruthy(record.inputs)) addKeys('inputs', record.inputs);
    const outputs = record.outputs;
    if (outputs !== undefined && outputs !== null) {
      if (isPyDict(outputs)) addKeys('outputs', outputs);
      else if (!pyTruthy(schema.get('outputs') ?? null)) schema.set('outputs', pyTypeName(outputs));
    }
    if (pyTruthy(record.expectations) && isPyDict(record.expectations)) {
      addKeys('expectations', record.expectations);
    }
  }
  return pyDumps(schema);
}

/** Inserts or merges records; answers MLflow's counts. The dataset must exist. */
export async function upsertDatasetRecords(
  db: Kysely<Database>,
  datasetId: string,
  records: NewDatasetRecord[],
): Promise<{ inserted: number; updated: number }> {
  return db.transaction().execute(async (trx) => {
    const dataset = await getEvaluationDataset(trx, datasetId);
    const now = Date.now();
    const hashes = records.map((r) => inputHash(r.inputs));
    const existing = new Map<string, { row: DatasetRecordRow; isNew: boolean }>();
    const unique = [...new Set(hashes)];
    for (let i = 0; i < unique.length; i += 500) {
      const rows = await trx
        .selectFrom('evaluation_dataset_records')
        .selectAll()
        .where('dataset_id', '=', datasetId)
        .where('input_hash', 'in', unique.slice(i, i + 500))
        .execute();
      for (const row of rows) existing.set(row.input_hash, { row, isNew: false });
    }
    let inserted = 0;
    let updatedCount = 0;
    let updatedBy: string | null = null;
    const touched = new Set<string>();
    records.forEach((record, i) => {
      const hash = hashes[i];
      updatedBy = userOf(record.tags) ?? updatedBy;
      const found = existing.get(hash);
      if (found) {
        found.row = merge(found.row, record, now);
        updatedCount++;
      } else {
        existing.set(hash, { row: insertRow(datasetId, hash, record, now), isNew: true });
        inserted++;
      }
      touched.add(hash);
    });
    const fresh = [...touched].map((h) => existing.get(h)!).filter((e) => e.isNew);
    for (let i = 0; i < fresh.length; i += 50) {
      await trx
        .insertInto('evaluation_dataset_records')
        .values(fresh.slice(i, i + 50).map((e) => e.row))
        .execute();
    }
    for (const hash of touched) {
      const entry = existing.get(hash)!;
      if (entry.isNew) continue;
      const { outputs, expectations, tags, last_update_time, last_updated_by } = entry.row;
      await trx
        .updateTable('evaluation_dataset_records')
        .set({ outputs, expectations, tags, last_update_time, last_updated_by })
        .where('dataset_record_id', '=', entry.row.dataset_record_id)
        .execute();
    }
    const count = await countRecords(trx, datasetId);
    const schema = updatedSchema(dataset.info.schema, records);
    await trx
      .updateTable('evaluation_datasets')
      .set({
        last_update_time: now,
        last_updated_by: updatedBy,
        digest: datasetDigest(dataset.info.name, now),
        ...(schema ? { schema } : {}),
        ...(count > 0 ? { profile: pyDumps(new Map([['num_records', BigInt(count)]])) } : {}),
      })
      .where('dataset_id', '=', datasetId)
      .execute();
    return { inserted, updated: updatedCount };
  });
}

async function countRecords(db: Db, datasetId: string): Promise<number> {
  const { n } = await db
    .selectFrom('evaluation_dataset_records')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('dataset_id', '=', datasetId)
    .executeTakeFirstOrThrow();
  return Number(n);
}

type Cursor =
  { kind: 'after'; createdTime: number; recordId: string } | { kind: 'offset'; n: number };

/** MLflow's token, or (as MLflow falls back to) a plain offset. */
function parseRecordsToken(token: string): Cursor {
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const time = decoded.slice(0, colon);
  if (colon > 0 && /^\s*[+-]?\d+\s*$/.test(time) && Number.isSafeInteger(Number(time))) {
    return { kind: 'after', createdTime: Number(time), recordId: decoded.slice(colon + 1) };
  }
  if (/^\s*\d+\s*$/.test(token)) return { kind: 'offset', n: Number(token) };
  throw MlflowError.invalidParameter(`Invalid page token '${token}'`);
}

/** One page of a dataset's records; an unknown dataset has none (as in MLflow). */
export async function getDatasetRecordsPage(
  db: Db,
  datasetId: string,
  maxResults: number,
  pageToken?: string,
): Promise<{ records: DatasetRecordRow[]; nextPageToken?: string }> {
  let query = db
    .selectFrom('evaluation_dataset_records')
    .selectAll()
    .where('dataset_id', '=', datasetId)
    .orderBy('created_time')
    .orderBy('dataset_record_id')
    .limit(maxResults + 1);
  if (pageToken) {
    const cursor = parseRecordsToken(pageToken);
    if (cursor.kind === 'offset') query = query.offset(cursor.n);
    else {
      const { createdTime, recordId } = cursor;
      query = query.where((eb) =>
        eb.or([
          eb('created_time', '>', createdTime),
          eb.and([eb('created_time', '=', createdTime), eb('dataset_record_id', '>', recordId)]),
        ]),
      );
    }
  }
  const rows = await query.execute();
  if (rows.length <= maxResults) return { records: rows };
  const page = rows.slice(0, maxResults);
  const last = page[page.length - 1];
  const cursor = `${Number(last.created_time)}:${last.dataset_record_id}`;
  return { records: page, nextPageToken: Buffer.from(cursor).toString('base64') };
}

/** Deletes records by id; lowers the dataset's profile count as MLflow does. */
export async function deleteDatasetRecords(
  db: Kysely<Database>,
  datasetId: string,
  recordIds: string[],
): Promise<number> {
  if (!recordIds.length) return 0;
  return db.transaction().execute(async (trx) => {
    let deleted = 0;
    for (let i = 0; i < recordIds.length; i += 500) {
      const result = await trx
        .deleteFrom('evaluation_dataset_records')
        .where('dataset_id', '=', datasetId)
        .where('dataset_record_id', 'in', recordIds.slice(i, i + 500))
        .executeTakeFirst();
      deleted += Number(result.numDeletedRows);
    }
    if (deleted === 0) return 0;
    const row = await trx
      .selectFrom('evaluation_datasets')
      .select('profile')
      .where('dataset_id', '=', datasetId)
      .executeTakeFirst();
    if (row) {
      const profile = loads(row.profile);
      const before = isPyDict(profile) ? profile.get('num_records') : undefined;
      const count = Math.max(0, (typeof before === 'bigint' ? Number(before) : 0) - deleted);
      // MLflow writes json.dumps(None) — the text "null" — once no record is left.
      const text = count > 0 ? pyDumps(new Map([['num_records', BigInt(count)]])) : 'null';
      await trx
        .updateTable('evaluation_datasets')
        .set({ profile: text })
        .where('dataset_id', '=', datasetId)
        .execute();
    }
    return deleted;
  });
}
