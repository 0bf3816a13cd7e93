// Model version persistence: one project's registered model versions with their tags and aliases.
// A deleted version stays as a redacted row in stage `Deleted_Internal`, as in MLflow, so its
// number is never handed out again; every read here leaves such rows out.
import type { Kysely } from 'kysely';
import { MlflowError } from '../errors.js';
import { STAGE_DELETED_INTERNAL, type Stage } from './model-version-stages.js';
import type { Db } from './experiments.js';
import { getRegisteredModelRow } from './registered-models.js';
import type { Database, ModelVersionsTable } from './schema.js';
import { lockOn } from './write-locks.js';

export interface ModelVersion extends ModelVersionsTable {
  tags: { key: string; value: string }[];
  aliases: string[];
}

export interface VersionKey {
  name: string;
  version: number;
}

export function versionNotFound(name: string, version: number | string): MlflowError {
  return MlflowError.notFound(`Model Version (name=${name}, version=${version}) not found`);
}

// Keys per query: keeps the bound parameters far below SQLite's limit for any page size.
const KEYS_PER_QUERY = 500;

const keyOf = (k: { name: string; version: number }) => JSON.stringify([k.name, Number(k.version)]);

/** Versions (with tags and aliases) for one slice of keys: rows of those names and numbers. */
async function loadSlice(db: Db, keys: VersionKey[]): Promise<ModelVersion[]> {
  const names = [...new Set(keys.map((k) => k.name))];
  const versions = [...new Set(keys.map((k) => k.version))];
  const [rows, tags, aliases] = await Promise.all([
    db
      .selectFrom('model_versions')
      .selectAll()
      .where('name', 'in', names)
      .where('version', 'in', versions)
      .where('current_stage', '!=', STAGE_DELETED_INTERNAL)
      .execute(),
    db
      .selectFrom('model_version_tags')
      .selectAll()
      .where('name', 'in', names)
      .where('version', 'in', versions)
      .orderBy('key')
      .execute(),
    db
      .selectFrom('registered_model_aliases')
      .selectAll()
      .where('name', 'in', names)
      .where('version', 'in', versions)
      .orderBy('alias')
      .execute(),
  ]);
  const byKey = new Map(
    rows.map((r) => [keyOf(r), { ...r, tags: [], aliases: [] } as ModelVersion]),
  );
  for (const t of tags) byKey.get(keyOf(t))?.tags.push({ key: t.key, value: t.value });
  for (const a of aliases) byKey.get(keyOf(a))?.aliases.push(a.alias);
  return [...byKey.values()];
}

/** Loads versions with their tags and aliases, in the order of `keys`; missing ones are skipped. */
export async function loadModelVersions(db: Db, keys: VersionKey[]): Promise<ModelVersion[]> {
  const found = new Map<string, ModelVersion>();
  for (let i = 0; i < keys.length; i += KEYS_PER_QUERY) {
    for (const mv of await loadSlice(db, keys.slice(i, i + KEYS_PER_QUERY))) {
      found.set(keyOf(mv), mv);
    }
  }
  return keys.map((k) => found.get(keyOf(k))).filter((v): v is ModelVersion => v !== undefined);
}

export async function getModelVersion(
  db: Db,
  name: string,
  version: number,
): Promise<ModelVersion> {
  const [found] = await loadModelVersions(db, [{ name, version }]);
  if (!found) throw versionNotFound(name, version);
  return found;
}

async function assertVersionExists(db: Db, name: string, version: number): Promise<void> {
  const row = await db
    .selectFrom('model_versions')
    .select('version')
    .where('name', '=', name)
    .where('version', '=', version)
    .where('current_stage', '!=', STAGE_DELETED_INTERNAL)
    .executeTakeFirst();
  if (!row) throw versionNotFound(name, version);
}

/**
 * The latest version in each stage, per model, as MLflow lists a model's `latest_versions`:
 * stages in the order their first version appears, each with its highest version.
 */
export async function latestVersionsByModel(
  db: Db,
  names: string[],
  stages?: readonly string[],
): Promise<Map<string, ModelVersion[]>> {
  const result = new Map<string, ModelVersion[]>(names.map((n) => [n, []]));
  if (names.length === 0 || stages?.length === 0) return result;
  let query = db
    .selectFrom('model_versions')
    .select((eb) => ['name', eb.fn.max('version').as('latest'), eb.fn.min('version').as('first')])
    .where('name', 'in', names)
    .where('current_stage', '!=', STAGE_DELETED_INTERNAL);
  if (stages) query = query.where('current_stage', 'in', [...stages]);
  const rows = await query
    .groupBy(['name', 'current_stage'])
    .orderBy('name')
    .orderBy('first')
    .execute();
  const keys = rows.map((r) => ({ name: r.name, version: Number(r.latest) }));
  for (const mv of await loadModelVersions(db, keys)) result.get(mv.name)?.push(mv);
  return result;
}

export interface NewModelVersion {
  name: string;
  source: string;
  storageLocation: string;
  runId: string | null;
  runLink: string;
  description: string;
  modelId: string | null;
  tags: { key: string; value: string }[];
}

export async function createModelVersion(
  db: Kysely<Database>,
  input: NewModelVersion,
): Promise<ModelVersion> {
  const { name } = input;
  const version = await db.transaction().execute(async (trx) => {
    await getRegisteredModelRow(trx, name);
    await lockOn(trx, `model_versions:${name}`);
    // Deleted versions count: MLflow never gives a number out twice.
    const { maxVersion } = await trx
      .selectFrom('model_versions')
      .select((eb) => eb.fn.max('version').as('maxVersion'))
      .where('name', '=', name)
      .executeTakeFirstOrThrow();
    const next = Number(maxVersion ?? 0) + 1;
    const now = Date.now();
    await trx
      .insertInto('model_versions')
      .values({
        name,
        version: next,
        creation_time: now,
        last_updated_time: now,
        description: input.description,
        user_id: null,
        current_stage: 'None',
        source: input.source,
        storage_location: input.storageLocation,
        run_id: input.runId,
        run_link: input.runLink,
        status: 'READY',
        status_message: null,
        model_id: input.modelId,
      })
      .execute();
    if (input.tags.length) {
      // The last value wins for a key given twice, as in MLflow.
      const tags = new Map(input.tags.map((t) => [t.key, t.value]));
      await trx
        .insertInto('model_version_tags')
        .values([...tags].map(([key, value]) => ({ name, version: next, key, value })))
        .execute();
    }
    await trx
      .updateTable('registered_models')
      .set({ last_updated_time: now })
      .where('name', '=', name)
      .execute();
    return next;
  });
  return getModelVersion(db, name, version);
}

/** Sets the description; `null` clears it, as an update without a description does in MLflow. */
export async function updateModelVersionDescription(
  db: Kysely<Database>,
  key: VersionKey,
  description: string | null,
): Promise<ModelVersion> {
  await db.transaction().execute(async (trx) => {
    await assertVersionExists(trx, key.name, key.version);
    await trx
      .updateTable('model_versions')
      .set({ description, last_updated_time: Date.now() })
      .where('name', '=', key.name)
      .where('version', '=', key.version)
      .execute();
  });
  return getModelVersion(db, key.name, key.version);
}

export async function transitionModelVersionStage(
  db: Kysely<Database>,
  key: VersionKey,
  stage: Stage,
  archiveExisting: boolean,
): Promise<ModelVersion> {
  await db.transaction().execute(async (trx) => {
    await assertVersionExists(trx, key.name, key.version);
    const now = Date.now();
    if (archiveExisting) {
      await trx
        .updateTable('model_versions')
        .set({ current_stage: 'Archived', last_updated_time: now })
        .where('name', '=', key.name)
        .where('version', '!=', key.version)
        .where('current_stage', '=', stage)
        .execute();
    }
    await trx
      .updateTable('model_versions')
      .set({ current_stage: stage, last_updated_time: now })
      .where('name', '=', key.name)
      .where('version', '=', key.version)
      .execute();
    await trx
      .updateTable('registered_models')
      .set({ last_updated_time: now })
      .where('name', '=', key.name)
      .execute();
  });
  return getModelVersion(db, key.name, key.version);
}

/**
 * Deletes a version the way MLflow does: the row stays, redacted, in stage `Deleted_Internal`;
 * its aliases go. Its tags go too (MLflow keeps them, but nothing can read them any more).
 */
export async function deleteModelVersion(db: Kysely<Database>, key: VersionKey): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await assertVersionExists(trx, key.name, key.version);
    const now = Date.now();
    await trx
      .deleteFrom('registered_model_aliases')
      .where('name', '=', key.name)
      .where('version', '=', key.version)
      .execute();
    await trx
      .deleteFrom('model_version_tags')
      .where('name', '=', key.name)
      .where('version', '=', key.version)
      .execute();
    await trx
      .updateTable('model_versions')
      .set({
        current_stage: STAGE_DELETED_INTERNAL,
        last_updated_time: now,
        description: null,
        user_id: null,
        source: 'REDACTED-SOURCE-PATH',
        storage_location: null,
        run_id: 'REDACTED-RUN-ID',
        run_link: 'REDACTED-RUN-LINK',
        status_message: null,
        model_id: null,
      })
      .where('name', '=', key.name)
      .where('version', '=', key.version)
      .execute();
    await trx
      .updateTable('registered_models')
      .set({ last_updated_time: now })
      .where('name', '=', key.name)
      .execute();
  });
}

export async function setModelVersionTag(
  db: Kysely<Database>,
  key: VersionKey,
  tag: { key: string; value: string },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await assertVersionExists(trx, key.name, key.version);
    await trx
      .insertInto('model_version_tags')
      .values({ name: key.name, version: key.version, key: tag.key, value: tag.value })
      .onConflict((oc) => oc.columns(['name', 'version', 'key']).doUpdateSet({ value: tag.value }))
      .execute();
  });
}

/** Deleting a tag that is not there is no error (MLflow's behaviour); a missing version is. */
export async function deleteModelVersionTag(
  db: Kysely<Database>,
  key: VersionKey,
  tagKey: string,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await assertVersionExists(trx, key.name, key.version);
    await trx
      .deleteFrom('model_version_tags')
      .where('name', '=', key.name)
      .where('version', '=', key.version)
      .where('key', '=', tagKey)
      .execute();
  });
}

export async function setRegisteredModelAlias(
  db: Kysely<Database>,
  key: VersionKey,
  alias: string,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await assertVersionExists(trx, key.name, key.version);
    await trx
      .insertInto('registered_model_aliases')
      .values({ name: key.name, alias, version: key.version })
      .onConflict((oc) => oc.columns(['name', 'alias']).doUpdateSet({ version: key.version }))
      .execute();
  });
}

export async function getModelVersionByAlias(
  db: Db,
  name: string,
  alias: string,
): Promise<ModelVersion> {
  await getRegisteredModelRow(db, name);
  const row = await db
    .selectFrom('registered_model_aliases')
    .select('version')
    .where('name', '=', name)
    .where('alias', '=', alias)
    .executeTakeFirst();
  // Sic: MLflow reports an unknown alias as a bad parameter, not as a missing resource.
  if (!row) throw MlflowError.invalidParameter(`Registered model alias ${alias} not found.`);
  return getModelVersion(db, name, Number(row.version));
}

/** The highest live version of a model (MLflow's `latest` alias), optionally within one stage. */
export async function latestModelVersion(
  db: Db,
  name: string,
  stage?: string,
): Promise<ModelVersion | undefined> {
  let query = db
    .selectFrom('model_versions')
    .select('version')
    .where('name', '=', name)
    .where('current_stage', '!=', STAGE_DELETED_INTERNAL);
  if (stage) query = query.where('current_stage', '=', stage);
  const row = await query.orderBy('version', 'desc').limit(1).executeTakeFirst();
  return row ? getModelVersion(db, name, Number(row.version)) : undefined;
}
