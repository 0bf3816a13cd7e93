// Registered model persistence: one project's registered models with their tags and aliases.
// (Their versions live in model-versions.ts.)
import type { Kysely } from 'kysely';
import { MlflowError } from '../errors.js';
import { IS_PROMPT_TAG_KEY } from '../search/registry-grammar.js';
import type { Db } from './experiments.js';
import type { Database, RegisteredModelsTable } from './schema.js';
import { isUniqueViolation } from './constraint-errors.js';

export interface RegisteredModel extends RegisteredModelsTable {
  tags: { key: string; value: string }[];
  aliases: { alias: string; version: number }[];
}

const alreadyExists = (name: string) =>
  new MlflowError('RESOURCE_ALREADY_EXISTS', `Registered Model (name=${name}) already exists.`);

export async function getRegisteredModelRow(db: Db, name: string): Promise<RegisteredModelsTable> {
  const row = await db
    .selectFrom('registered_models')
    .selectAll()
    .where('name', '=', name)
    .executeTakeFirst();
  if (!row) throw MlflowError.notFound(`Registered Model with name=${name} not found`);
  return row;
}

/** Loads models with tags and aliases, in the order of `names`; missing ones are skipped. */
export async function loadRegisteredModels(db: Db, names: string[]): Promise<RegisteredModel[]> {
  if (names.length === 0) return [];
  const [rows, tags, aliases] = await Promise.all([
    db.selectFrom('registered_models').selectAll().where('name', 'in', names).execute(),
    db
      .selectFrom('registered_model_tags')
      .selectAll()
      .where('name', 'in', names)
      .orderBy('key')
      .execute(),
    db
      .selectFrom('registered_model_aliases')
      .selectAll()
      .where('name', 'in', names)
      .orderBy('alias')
      .execute(),
  ]);
  const byName = new Map(
    rows.map((r) => [r.name, { ...r, tags: [], aliases: [] } as RegisteredModel]),
  );
  for (const t of tags) byName.get(t.name)?.tags.push({ key: t.key, value: t.value });
  for (const a of aliases) {
    byName.get(a.name)?.aliases.push({ alias: a.alias, version: Number(a.version) });
  }
  return names.map((n) => byName.get(n)).filter((m): m is RegisteredModel => m !== undefined);
}

/** MLflow's `RegisteredModel._is_prompt()`: the model's prompt tag is true (any letter case). */
export async function isPromptModel(db: Db, name: string): Promise<boolean> {
  const tag = await db
    .selectFrom('registered_model_tags')
    .select('value')
    .where('name', '=', name)
    .where('key', '=', IS_PROMPT_TAG_KEY)
    .executeTakeFirst();
  return (tag?.value ?? 'false').toLowerCase() === 'true';
}

export async function getRegisteredModel(db: Db, name: string): Promise<RegisteredModel> {
  const [model] = await loadRegisteredModels(db, [name]);
  if (!model) throw MlflowError.notFound(`Registered Model with name=${name} not found`);
  return model;
}

export async function createRegisteredModel(
  db: Kysely<Database>,
  input: { name: string; description: string | null; tags: { key: string; value: string }[] },
): Promise<RegisteredModel> {
  await db.transaction().execute(async (trx) => {
    const now = Date.now();
    try {
      await trx
        .insertInto('registered_models')
        .values({
          name: input.name,
          creation_time: now,
          last_updated_time: now,
          description: input.description,
        })
        .execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw alreadyExists(input.name);
      throw err;
    }
    if (input.tags.length) {
      // The last value wins for a key given twice, as in MLflow.
      const tags = new Map(input.tags.map((t) => [t.key, t.value]));
      await trx
        .insertInto('registered_model_tags')
        .values([...tags].map(([key, value]) => ({ name: input.name, key, value })))
        .execute();
    }
  });
  return getRegisteredModel(db, input.name);
}

export async function updateRegisteredModelDescription(
  db: Kysely<Database>,
  name: string,
  description: string | null,
): Promise<RegisteredModel> {
  await db.transaction().execute(async (trx) => {
    await getRegisteredModelRow(trx, name);
    await trx
      .updateTable('registered_models')
      .set({ description, last_updated_time: Date.now() })
      .where('name', '=', name)
      .execute();
  });
  return getRegisteredModel(db, name);
}

/** Renames a model; its versions, tags and aliases follow (ON UPDATE CASCADE). */
export async function renameRegisteredModel(
  db: Kysely<Database>,
  name: string,
  newName: string,
): Promise<RegisteredModel> {
  await db.transaction().execute(async (trx) => {
    await getRegisteredModelRow(trx, name);
    if (newName === name) return;
    const clash = await trx
      .selectFrom('registered_models')
      .select('name')
      .where('name', '=', newName)
      .executeTakeFirst();
    if (clash) throw alreadyExists(newName);
    const now = Date.now();
    await trx
      .updateTable('registered_models')
      .set({ name: newName, last_updated_time: now })
      .where('name', '=', name)
      .execute();
    await trx
      .updateTable('model_versions')
      .set({ last_updated_time: now })
      .where('name', '=', newName)
      .execute();
  });
  return getRegisteredModel(db, newName);
}

/** Deletes a model with its versions, tags and aliases (ON DELETE CASCADE). */
export async function deleteRegisteredModel(db: Kysely<Database>, name: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await getRegisteredModelRow(trx, name);
    await trx.deleteFrom('registered_models').where('name', '=', name).execute();
  });
}

export async function setRegisteredModelTag(
  db: Kysely<Database>,
  name: string,
  tag: { key: string; value: string },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await getRegisteredModelRow(trx, name);
    await trx
      .insertInto('registered_model_tags')
      .values({ name, key: tag.key, value: tag.value })
      .onConflict((oc) => oc.columns(['name', 'key']).doUpdateSet({ value: tag.value }))
      .execute();
  });
}

/** Deleting a tag that is not there is no error (MLflow's behaviour); a missing model is. */
export async function deleteRegisteredModelTag(
  db: Kysely<Database>,
  name: string,
  key: string,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await getRegisteredModelRow(trx, name);
    await trx
      .deleteFrom('registered_model_tags')
      .where('name', '=', name)
      .where('key', '=', key)
      .execute();
  });
}

/** Deleting an alias that is not there is no error (MLflow's behaviour); a missing model is. */
export async function deleteRegisteredModelAlias(
  db: Kysely<Database>,
  name: string,
  alias: string,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await getRegisteredModelRow(trx, name);
    await trx
      .deleteFrom('registered_model_aliases')
      .where('name', '=', name)
      .where('alias', '=', alias)
      .execute();
  });
}
