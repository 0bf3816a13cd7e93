// Evaluation-dataset persistence (MLflow 3 `mlflow.genai.datasets`): datasets, their tags and the
// experiments they belong to, with MLflow's SQL store semantics (records are
// evaluation-dataset-records.ts). For others:
//   getEvaluationDataset(db, id) → EvaluationDataset, or RESOURCE_DOES_NOT_EXIST 404
//   datasetDigest(name, time)    → MLflow's 8-hex digest of a dataset state
import { createHash, randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { MlflowError } from '../errors.js';
import type { Db } from './experiments.js';
import type { Database, EvaluationDatasetsTable } from './schema.js';
import { sqlFlavour } from '../search/sql-compare.js';

export const MLFLOW_USER_TAG = 'mlflow.user';

export interface EvaluationDataset {
  info: EvaluationDatasetsTable;
  /** Tag rows by key order; a null value is kept (MLflow's column allows it). */
  tags: [string, string | null][];
}

/** sha256("<name>:<last_update_time>")[:8], MLflow's `_compute_dataset_digest`. */
export function datasetDigest(name: string, lastUpdateTime: number): string {
  return createHash('sha256').update(`${name}:${lastUpdateTime}`).digest('hex').slice(0, 8);
}

/** Loads datasets (info and tags) in the order of `ids`; unknown ids are left out. */
export async function loadEvaluationDatasets(db: Db, ids: string[]): Promise<EvaluationDataset[]> {
  if (!ids.length) return [];
  const rows = await db
    .selectFrom('evaluation_datasets')
    .selectAll()
    .where('dataset_id', 'in', ids)
    .execute();
  const byId = new Map<string, EvaluationDataset>(
    rows.map((info) => [info.dataset_id, { info, tags: [] }]),
  );
  if (byId.size) {
    const tags = await db
      .selectFrom('evaluation_dataset_tags')
      .selectAll()
      .where('dataset_id', 'in', [...byId.keys()])
      // In the order they were first set, as MLflow answers them (the JSON text keeps the
      // order): SQLite's rowid is that order, an upsert keeping its row; PostgreSQL numbers them
      // (migration 0020).
      .orderBy(sqlFlavour(db) === 'sqlite' ? sql`rowid` : sql`insertion_seq`)
      .execute();
    for (const t of tags) byId.get(t.dataset_id)?.tags.push([t.key, t.value]);
  }
  return ids.map((id) => byId.get(id)).filter((d): d is EvaluationDataset => d !== undefined);
}

export async function findEvaluationDataset(
  db: Db,
  id: string,
): Promise<EvaluationDataset | undefined> {
  const [dataset] = await loadEvaluationDatasets(db, [id]);
  return dataset;
}

export async function getEvaluationDataset(db: Db, id: string): Promise<EvaluationDataset> {
  const dataset = await findEvaluationDataset(db, id);
  if (!dataset) throw MlflowError.notFound(`Evaluation dataset with id '${id}' not found`);
  return dataset;
}

/**
 * Experiment ids as integers; each must name an experiment of this project. MLflow's create does
 * not check (its link table has no foreign key); ours does, so a link never dangles.
 */
async function experimentKeys(db: Db, ids: readonly string[]): Promise<number[]> {
  const keys: number[] = [];
  for (const id of ids) {
    const text = String(id).trim();
    const key = /^\d+$/.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(key)) throw MlflowError.notFound(`No Experiment with id=${id}`);
    keys.push(key);
  }
  if (!keys.length) return keys;
  const found = new Set(
    (
      await db
        .selectFrom('experiments')
        .select('experiment_id')
        .where('experiment_id', 'in', keys)
        .execute()
    ).map((r) => Number(r.experiment_id)),
  );
  const missing = keys.findIndex((k) => !found.has(k));
  if (missing >= 0) throw MlflowError.notFound(`No Experiment with id=${ids[missing]}`);
  return [...new Set(keys)];
}

async function upsertTags(
  db: Db,
  datasetId: string,
  tags: [string, string | null][],
): Promise<void> {
  const unique = [...new Map(tags)];
  for (let i = 0; i < unique.length; i += 200) {
    await db
      .insertInto('evaluation_dataset_tags')
      .values(
        unique.slice(i, i + 200).map(([key, value]) => ({ dataset_id: datasetId, key, value })),
      )
      .onConflict((oc) =>
        oc
          .columns(['dataset_id', 'key'])
          .doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })),
      )
      .execute();
  }
}

async function linkExperiments(db: Db, datasetId: string, keys: number[], now: number) {
  if (!keys.length) return;
  await db
    .insertInto('evaluation_dataset_experiments')
    .values(
      keys.map((experiment_id) => ({ dataset_id: datasetId, experiment_id, created_time: now })),
    )
    .onConflict((oc) => oc.columns(['dataset_id', 'experiment_id']).doNothing())
    .execute();
}

export interface NewEvaluationDataset {
  name: string;
  tags: [string, string | null][];
  experimentIds: string[];
}

/** Creates a dataset with no records (schema and profile null), linked to its experiments. */
export async function createEvaluationDataset(
  db: Kysely<Database>,
  input: NewEvaluationDataset,
): Promise<{ dataset: EvaluationDataset; experimentIds: string[] }> {
  const id = await db.transaction().execute(async (trx) => {
    const keys = await experimentKeys(trx, input.experimentIds);
    const datasetId = `d-${randomUUID().replace(/-/g, '')}`;
    const now = Date.now();
    const user = new Map(input.tags).get(MLFLOW_USER_TAG) ?? null;
    await trx
      .insertInto('evaluation_datasets')
      .values({
        dataset_id: datasetId,
        name: input.name,
        schema: null,
        profile: null,
        digest: datasetDigest(input.name, now),
        created_time: now,
        last_update_time: now,
        created_by: user,
        last_updated_by: user,
      })
      .execute();
    await upsertTags(trx, datasetId, input.tags);
    await linkExperiments(trx, datasetId, keys, now);
    return datasetId;
  });
  // The answer lists the experiment ids as given, as MLflow's does.
  return { dataset: await getEvaluationDataset(db, id), experimentIds: input.experimentIds };
}

/** Deletes a dataset with its records, tags and links; an unknown id is a no-op, as in MLflow. */
export async function deleteEvaluationDataset(db: Kysely<Database>, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    // Children first: cascades need SQLite's foreign_keys pragma, which we do not rely on here.
    for (const table of [
      'evaluation_dataset_records',
      'evaluation_dataset_tags',
      'evaluation_dataset_experiments',
      'evaluation_datasets',
    ] as const) {
      await trx.deleteFrom(table).where('dataset_id', '=', id).execute();
    }
  });
}

/** Upserts tags (values already as strings); an unknown dataset is 404 as in MLflow. */
export async function setEvaluationDatasetTags(
  db: Kysely<Database>,
  id: string,
  tags: [string, string | null][],
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (!(await findEvaluationDataset(trx, id))) {
      throw MlflowError.notFound(`Could not find evaluation dataset with ID ${id}`);
    }
    await upsertTags(trx, id, tags);
  });
}

/** Idempotent, as MLflow's: an unknown dataset or tag is not an error. */
export async function deleteEvaluationDatasetTag(
  db: Kysely<Database>,
  id: string,
  key: string,
): Promise<void> {
  await db
    .deleteFrom('evaluation_dataset_tags')
    .where('dataset_id', '=', id)
    .where('key', '=', key)
    .execute();
}

/** The experiments a dataset belongs to, in the order they were linked; [] for an unknown id. */
export async function datasetExperimentIds(db: Db, id: string): Promise<string[]> {
  const rows = await db
    .selectFrom('evaluation_dataset_experiments')
    .select('experiment_id')
    .where('dataset_id', '=', id)
    .orderBy('created_time')
    .orderBy('experiment_id')
    .execute();
  return rows.map((r) => String(r.experiment_id));
}

async function datasetRowForLinks(db: Db, id: string): Promise<EvaluationDatasetsTable> {
  const row = await db
    .selectFrom('evaluation_datasets')
    .selectAll()
    .where('dataset_id', '=', id)
    .executeTakeFirst();
  if (!row) throw MlflowError.notFound(`Dataset '${id}' not found`);
  return row;
}

/** Links a dataset to more experiments (each must exist); bumps its last_update_time. */
export async function addDatasetToExperiments(
  db: Kysely<Database>,
  id: string,
  experimentIds: string[],
): Promise<EvaluationDataset> {
  await db.transaction().execute(async (trx) => {
    await datasetRowForLinks(trx, id);
    const keys = await experimentKeys(trx, experimentIds);
    const now = Date.now();
    await linkExperiments(trx, id, keys, now);
    await trx
      .updateTable('evaluation_datasets')
      .set({ last_update_time: now })
      .where('dataset_id', '=', id)
      .execute();
  });
  return getEvaluationDataset(db, id);
}

/** Unlinks a dataset from experiments (idempotent); bumps last_update_time if a link went. */
export async function removeDatasetFromExperiments(
  db: Kysely<Database>,
  id: string,
  experimentIds: string[],
): Promise<EvaluationDataset> {
  await db.transaction().execute(async (trx) => {
    await datasetRowForLinks(trx, id);
    const keys = experimentIds.map((e) => String(e).trim()).filter((e) => /^\d+$/.test(e));
    if (!keys.length) return;
    const result = await trx
      .deleteFrom('evaluation_dataset_experiments')
      .where('dataset_id', '=', id)
      .where('experiment_id', 'in', keys.map(Number))
      .executeTakeFirst();
    if (Number(result.numDeletedRows) > 0) {
      await trx
        .updateTable('evaluation_datasets')
        .set({ last_update_time: Date.now() })
        .where('dataset_id', '=', id)
        .execute();
    }
  });
  return getEvaluationDataset(db, id);
}
