// Registered scorers, as MLflow's SQL store keeps them: one scorer per experiment and name (its id
// stays the same across versions), versions numbered from 1, and the online scoring
// configuration that samples an experiment's traces for a scorer.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { MlflowError } from '../errors.js';
import { assertExperimentActive, type Db } from './experiments.js';
import type { Database, OnlineScoringConfigsTable, ScorersTable } from './schema.js';
import { lockOn } from './write-locks.js';

export interface ScorerVersion {
  scorer_id: string;
  experiment_id: number;
  scorer_name: string;
  scorer_version: number;
  serialized_scorer: string;
  creation_time: number;
}

const scorerNotFound = (name: string, experimentId: number, version?: number) =>
  MlflowError.notFound(
    version === undefined
      ? `Scorer with name '${name}' not found for experiment ${experimentId}.`
      : `Scorer with name '${name}' and version ${version} not found for experiment ${experimentId}.`,
  );

/** An active experiment's scorer of that name, or undefined. */
async function findScorer(db: Db, experimentId: number, name: string) {
  await assertExperimentActive(db, experimentId);
  return db
    .selectFrom('scorers')
    .selectAll()
    .where('experiment_id', '=', experimentId)
    .where('scorer_name', '=', name)
    .executeTakeFirst();
}

function versions(db: Db) {
  return db
    .selectFrom('scorer_versions as v')
    .innerJoin('scorers as s', 's.scorer_id', 'v.scorer_id')
    .select([
      's.scorer_id',
      's.experiment_id',
      's.scorer_name',
      'v.scorer_version',
      'v.serialized_scorer',
      'v.creation_time',
    ]);
}

/**
 * A new version of the experiment's scorer `name` (version 1 makes the scorer). `bind` runs in the
 * same transaction with the scorer's id, to record which gateway endpoint its judge calls.
 */
export async function registerScorerVersion(
  db: Kysely<Database>,
  input: {
    experimentId: number;
    name: string;
    serializedScorer: string;
    bind?: (trx: Db, scorerId: string) => Promise<void>;
  },
): Promise<ScorerVersion> {
  return db.transaction().execute(async (trx) => {
    // One registration of a name at a time: the first makes the scorer, the next numbers after it.
    await lockOn(trx, `scorers:${input.experimentId}:${input.name}`);
    let scorer: ScorersTable | undefined = await findScorer(trx, input.experimentId, input.name);
    if (!scorer) {
      scorer = {
        scorer_id: randomUUID(),
        experiment_id: input.experimentId,
        scorer_name: input.name,
      };
      await trx.insertInto('scorers').values(scorer).execute();
    }
    const { latest } = await trx
      .selectFrom('scorer_versions')
      .select((eb) => eb.fn.max('scorer_version').as('latest'))
      .where('scorer_id', '=', scorer.scorer_id)
      .executeTakeFirstOrThrow();
    const version: ScorerVersion = {
      ...scorer,
      experiment_id: Number(scorer.experiment_id),
      scorer_version: Number(latest ?? 0) + 1,
      serialized_scorer: input.serializedScorer,
      creation_time: Date.now(),
    };
    await trx
      .insertInto('scorer_versions')
      .values({
        scorer_id: version.scorer_id,
        scorer_version: version.scorer_version,
        serialized_scorer: version.serialized_scorer,
        creation_time: version.creation_time,
      })
      .execute();
    await input.bind?.(trx, scorer.scorer_id);
    return version;
  });
}

/** Each scorer's latest version, by name. */
export async function listLatestScorers(db: Db, experimentId: number): Promise<ScorerVersion[]> {
  await assertExperimentActive(db, experimentId);
  return versions(db)
    .where('s.experiment_id', '=', experimentId)
    .where('v.scorer_version', '=', (eb) =>
      eb
        .selectFrom('scorer_versions as latest')
        .select((e) => e.fn.max('latest.scorer_version').as('max'))
        .whereRef('latest.scorer_id', '=', 's.scorer_id'),
    )
    .orderBy('s.scorer_name')
    .execute();
}

export async function listScorerVersions(
  db: Db,
  experimentId: number,
  name: string,
): Promise<ScorerVersion[]> {
  const scorer = await findScorer(db, experimentId, name);
  if (!scorer) throw scorerNotFound(name, experimentId);
  return versions(db)
    .where('s.scorer_id', '=', scorer.scorer_id)
    .orderBy('v.scorer_version')
    .execute();
}

/** A version, or the latest when none is named. */
export async function getScorerVersion(
  db: Db,
  experimentId: number,
  name: string,
  version?: number,
): Promise<ScorerVersion> {
  const scorer = await findScorer(db, experimentId, name);
  if (!scorer) throw scorerNotFound(name, experimentId);
  let query = versions(db).where('s.scorer_id', '=', scorer.scorer_id);
  query =
    version === undefined
      ? query.orderBy('v.scorer_version', 'desc').limit(1)
      : query.where('v.scorer_version', '=', version);
  const row = await query.executeTakeFirst();
  if (!row) throw scorerNotFound(name, experimentId, version);
  return row;
}

/**
 * One version, or the whole scorer (with its online configurations and its endpoint binding)
 * when no version is named.
 */
export async function deleteScorer(
  db: Kysely<Database>,
  experimentId: number,
  name: string,
  version?: number,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const scorer = await findScorer(trx, experimentId, name);
    if (!scorer) throw scorerNotFound(name, experimentId);
    let del = trx.deleteFrom('scorer_versions').where('scorer_id', '=', scorer.scorer_id);
    if (version !== undefined) del = del.where('scorer_version', '=', version);
    const result = await del.executeTakeFirst();
    if (!Number(result.numDeletedRows)) throw scorerNotFound(name, experimentId, version);
    if (version === undefined) {
      await trx
        .deleteFrom('gateway_endpoint_bindings')
        .where('resource_type', '=', 'scorer')
        .where('resource_id', '=', scorer.scorer_id)
        .execute();
      await trx
        .deleteFrom('online_scoring_configs')
        .where('scorer_id', '=', scorer.scorer_id)
        .execute();
      await trx.deleteFrom('scorers').where('scorer_id', '=', scorer.scorer_id).execute();
    }
  });
}

/**
 * Replaces the scorer's online configuration. `check` sees the scorer's latest version first
 * (MLflow refuses to sample with a scorer that cannot run unattended).
 */
export async function upsertOnlineScoringConfig(
  db: Kysely<Database>,
  input: {
    experimentId: number;
    name: string;
    sampleRate: number;
    filterString?: string;
    check: (latest: ScorerVersion | undefined) => void;
  },
): Promise<OnlineScoringConfigsTable> {
  return db.transaction().execute(async (trx) => {
    const scorer = await findScorer(trx, input.experimentId, input.name);
    if (!scorer) throw scorerNotFound(input.name, input.experimentId);
    const latest = await versions(trx)
      .where('s.scorer_id', '=', scorer.scorer_id)
      .orderBy('v.scorer_version', 'desc')
      .limit(1)
      .executeTakeFirst();
    input.check(latest);
    await trx
      .deleteFrom('online_scoring_configs')
      .where('scorer_id', '=', scorer.scorer_id)
      .execute();
    const row: OnlineScoringConfigsTable = {
      online_scoring_config_id: randomUUID().replaceAll('-', ''),
      scorer_id: scorer.scorer_id,
      sample_rate: input.sampleRate,
      experiment_id: input.experimentId,
      filter_string: input.filterString ?? null,
    };
    await trx.insertInto('online_scoring_configs').values(row).execute();
    return row;
  });
}

export async function getOnlineScoringConfigs(
  db: Db,
  scorerIds: string[],
): Promise<OnlineScoringConfigsTable[]> {
  if (!scorerIds.length) return [];
  return db
    .selectFrom('online_scoring_configs')
    .selectAll()
    .where('scorer_id', 'in', scorerIds)
    .execute();
}
