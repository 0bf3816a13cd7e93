// Experiment persistence: one project's experiments and their tags.
import type { Kysely, Transaction } from 'kysely';
import { MlflowError } from '../errors.js';
import type { Database, ExperimentsTable } from './schema.js';
import { isUniqueViolation } from './constraint-errors.js';
import { lockOn } from './write-locks.js';

export type Db = Kysely<Database> | Transaction<Database>;

export interface Experiment extends ExperimentsTable {
  tags: { key: string; value: string }[];
}

export const ARTIFACT_SCHEME_ROOT = 'mlflow-artifacts:';

/** MLflow's SQL store takes experiment ids as strings holding integers. */
export function parseExperimentId(id: string | number): number {
  const text = String(id).trim();
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw MlflowError.invalidParameter(
      `Invalid experiment ID '${String(id)}'. Experiment ID must be a valid integer.`,
    );
  }
  return Number(text);
}

export async function createExperiment(
  db: Kysely<Database>,
  input: { name: string; artifactLocation?: string; tags: { key: string; value: string }[] },
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('experiments')
      .select('experiment_id')
      .where('name', '=', input.name)
      .executeTakeFirst();
    if (existing) {
      throw new MlflowError(
        'RESOURCE_ALREADY_EXISTS',
        `Experiment(name=${input.name}) already exists. Error: (sqlite3.IntegrityError) UNIQUE constraint failed: experiments.name`,
      );
    }
    await lockOn(trx, 'experiments');
    const { maxId } = await trx
      .selectFrom('experiments')
      .select((eb) => eb.fn.max('experiment_id').as('maxId'))
      .executeTakeFirstOrThrow();
    const id = Number(maxId ?? 0) + 1;
    const now = Date.now();
    try {
      await trx
        .insertInto('experiments')
        .values({
          experiment_id: id,
          name: input.name,
          artifact_location: input.artifactLocation || `${ARTIFACT_SCHEME_ROOT}/${id}`,
          lifecycle_stage: 'active',
          creation_time: now,
          last_update_time: now,
        })
        .execute();
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new MlflowError(
          'RESOURCE_ALREADY_EXISTS',
          `Experiment(name=${input.name}) already exists.`,
        );
      }
      throw err;
    }
    if (input.tags.length) {
      // The last value wins for a key given twice, as successive tag writes would.
      const tags = new Map(input.tags.map((t) => [t.key, t.value]));
      await trx
        .insertInto('experiment_tags')
        .values([...tags].map(([key, value]) => ({ experiment_id: id, key, value })))
        .execute();
    }
    return id;
  });
}

export async function loadExperiments(db: Db, ids: number[]): Promise<Experiment[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('experiments')
    .selectAll()
    .where('experiment_id', 'in', ids)
    .execute();
  const tags = await db
    .selectFrom('experiment_tags')
    .select(['experiment_id', 'key', 'value'])
    .where('experiment_id', 'in', ids)
    .orderBy('key')
    .execute();
  const byId = new Map(
    rows.map((r) => [Number(r.experiment_id), { ...r, tags: [] } as Experiment]),
  );
  for (const tag of tags)
    byId.get(Number(tag.experiment_id))?.tags.push({ key: tag.key, value: tag.value });
  return ids.map((id) => byId.get(id)).filter((e): e is Experiment => e !== undefined);
}

/** Every experiment's artifact location (deleted ones too: their files are still the project's). */
export async function experimentArtifactLocations(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('experiments').select('artifact_location').execute();
  return rows.map((r) => r.artifact_location);
}

export async function getExperiment(db: Db, id: number): Promise<Experiment> {
  const [experiment] = await loadExperiments(db, [id]);
  if (!experiment) throw MlflowError.notFound(`No Experiment with id=${id} exists`);
  return experiment;
}

/** The experiment's own row without its tags: one read, for writes needing its state or location. */
export async function getExperimentRow(db: Db, id: number): Promise<ExperimentsTable> {
  const row = await db
    .selectFrom('experiments')
    .selectAll()
    .where('experiment_id', '=', id)
    .executeTakeFirst();
  if (!row) throw MlflowError.notFound(`No Experiment with id=${id} exists`);
  return row;
}

export async function findExperimentByName(db: Db, name: string): Promise<Experiment | undefined> {
  const row = await db
    .selectFrom('experiments')
    .select('experiment_id')
    .where('name', '=', name)
    .executeTakeFirst();
  return row ? getExperiment(db, Number(row.experiment_id)) : undefined;
}

export async function renameExperiment(
  db: Kysely<Database>,
  id: number,
  newName: string,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const experiment = await getExperiment(trx, id);
    if (experiment.lifecycle_stage !== 'active') {
      // MLflow raises INVALID_STATE, a 500 that its client retries for minutes; this is the
      // caller's mistake, so a 409 as for a refused project delete (workspaces.ts).
      throw new MlflowError('RESOURCE_CONFLICT', 'Cannot rename a non-active experiment.');
    }
    const clash = await trx
      .selectFrom('experiments')
      .select('experiment_id')
      .where('name', '=', newName)
      .where('experiment_id', '!=', id)
      .executeTakeFirst();
    if (clash) {
      throw new MlflowError(
        'RESOURCE_ALREADY_EXISTS',
        `Experiment(name=${newName}) already exists.`,
      );
    }
    await trx
      .updateTable('experiments')
      .set({ name: newName, last_update_time: Date.now() })
      .where('experiment_id', '=', id)
      .execute();
  });
}

/** Marks the experiment and every run in it deleted (or active again), as MLflow does. */
export async function setExperimentLifecycle(
  db: Kysely<Database>,
  id: number,
  stage: 'active' | 'deleted',
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const experiment = await getExperiment(trx, id);
    // MLflow looks the experiment up among active (delete) or deleted (restore) ones only, so the
    // wrong state reads as "not found".
    const expected = stage === 'deleted' ? 'active' : 'deleted';
    if (experiment.lifecycle_stage !== expected) {
      throw MlflowError.notFound(`No Experiment with id=${id} exists`);
    }
    const now = Date.now();
    await trx
      .updateTable('experiments')
      .set({ lifecycle_stage: stage, last_update_time: now })
      .where('experiment_id', '=', id)
      .execute();
    await trx
      .updateTable('runs')
      .set({ lifecycle_stage: stage, deleted_time: stage === 'deleted' ? now : null })
      .where('experiment_id', '=', id)
      .execute();
  });
}

export async function assertExperimentActive(db: Db, id: number): Promise<ExperimentsTable> {
  const experiment = await getExperimentRow(db, id);
  if (experiment.lifecycle_stage !== 'active') {
    throw MlflowError.invalidParameter(
      `The experiment ${id} must be in the 'active' state. Current state is ${experiment.lifecycle_stage}.`,
    );
  }
  return experiment;
}

export async function setExperimentTag(
  db: Kysely<Database>,
  id: number,
  tag: { key: string; value: string },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await assertExperimentActive(trx, id);
    await trx
      .insertInto('experiment_tags')
      .values({ experiment_id: id, key: tag.key, value: tag.value })
      .onConflict((oc) => oc.columns(['experiment_id', 'key']).doUpdateSet({ value: tag.value }))
      .execute();
  });
}

export async function deleteExperimentTag(
  db: Kysely<Database>,
  id: number,
  key: string,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await assertExperimentActive(trx, id);
    const result = await trx
      .deleteFrom('experiment_tags')
      .where('experiment_id', '=', id)
      .where('key', '=', key)
      .executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) {
      throw MlflowError.notFound(`No tag with name: ${key} in experiment with id ${id}`);
    }
  });
}
