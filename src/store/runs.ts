// Run persistence: run rows, their params and tags, dataset inputs, and loading whole runs.
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { MlflowError } from '../errors.js';
import type { Db } from './experiments.js';
import { assertExperimentActive } from './experiments.js';
import { getActiveRunRow, getRunRow } from './run-rows.js';
import { metricRunOf, writeMetrics, type MetricPoint } from './metrics.js';
import {
  loadRunModelLinks,
  writeLoggedModelMetrics,
  writeModelInputs,
  type ModelMetricLink,
  type RunModelLinks,
} from './run-model-links.js';
import type { Database, RunsTable } from './schema.js';
import { lockOn } from './write-locks.js';

export const RUN_NAME_TAG = 'mlflow.runName';

export interface KeyValue {
  key: string;
  value: string;
}

export interface DatasetInput {
  tags: KeyValue[];
  dataset: {
    name: string;
    digest: string;
    source_type: string;
    source: string;
    schema?: string;
    profile?: string;
  };
}

export interface Run extends RunModelLinks {
  info: RunsTable;
  metrics: MetricPoint[];
  params: KeyValue[];
  tags: KeyValue[];
  datasetInputs: DatasetInput[];
}

export async function createRun(
  db: Kysely<Database>,
  input: {
    experimentId: number;
    userId: string;
    startTime: number;
    runName: string;
    tags: KeyValue[];
  },
): Promise<string> {
  return db.transaction().execute(async (trx) => {
    const experiment = await assertExperimentActive(trx, input.experimentId);
    const runId = randomUUID().replace(/-/g, '');
    await lockOn(trx, 'run_key');
    await trx
      .insertInto('runs')
      .values({
        run_uuid: runId,
        // The next integer key: the counter's lock is held, so no other run takes it.
        run_key: sql<number>`(select coalesce(max(run_key), 0) + 1 from runs)`,
        experiment_id: input.experimentId,
        name: input.runName,
        source_type: 'UNKNOWN',
        source_name: '',
        entry_point_name: '',
        user_id: input.userId,
        status: 'RUNNING',
        start_time: input.startTime,
        end_time: null,
        deleted_time: null,
        source_version: '',
        lifecycle_stage: 'active',
        artifact_uri: `${experiment.artifact_location.replace(/\/+$/, '')}/${runId}/artifacts`,
      })
      .execute();
    await upsertTags(trx, runId, input.tags);
    return runId;
  });
}

async function upsertTags(db: Db, runId: string, tags: KeyValue[]): Promise<void> {
  if (!tags.length) return;
  // One value per key; the last one given wins, as successive set-tag calls would leave it.
  const unique = new Map(tags.map((t) => [t.key, t.value]));
  await db
    .insertInto('tags')
    .values([...unique].map(([key, value]) => ({ run_uuid: runId, key, value })))
    .onConflict((oc) =>
      oc.columns(['run_uuid', 'key']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })),
    )
    .execute();
}

export async function updateRun(
  db: Kysely<Database>,
  runId: string,
  changes: { status?: string; endTime?: number; runName?: string },
): Promise<RunsTable> {
  return db.transaction().execute(async (trx) => {
    await getActiveRunRow(trx, runId);
    const set: Partial<RunsTable> = {};
    if (changes.status !== undefined) set.status = changes.status;
    if (changes.endTime !== undefined) set.end_time = changes.endTime;
    if (changes.runName) set.name = changes.runName;
    if (Object.keys(set).length)
      await trx.updateTable('runs').set(set).where('run_uuid', '=', runId).execute();
    if (changes.runName)
      await upsertTags(trx, runId, [{ key: RUN_NAME_TAG, value: changes.runName }]);
    return getRunRow(trx, runId);
  });
}

export async function setRunLifecycle(
  db: Kysely<Database>,
  runId: string,
  stage: 'active' | 'deleted',
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await getRunRow(trx, runId);
    await trx
      .updateTable('runs')
      .set({ lifecycle_stage: stage, deleted_time: stage === 'deleted' ? Date.now() : null })
      .where('run_uuid', '=', runId)
      .execute();
  });
}

/**
 * Rewrites one of an active run's tags from its current value (undefined when unset) in one
 * transaction, so two writers appending to the same tag (a run's logged-model history) never
 * lose each other's entry.
 */
export async function updateRunTag(
  db: Kysely<Database>,
  runId: string,
  key: string,
  next: (current: string | undefined) => string,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await getActiveRunRow(trx, runId);
    const current = await trx
      .selectFrom('tags')
      .select('value')
      .where('run_uuid', '=', runId)
      .where('key', '=', key)
      .executeTakeFirst();
    await upsertTags(trx, runId, [{ key, value: next(current?.value ?? undefined) }]);
  });
}

/** Sets a tag; `mlflow.runName` also renames the run, keeping the two in step as MLflow does. */
export async function setRunTag(db: Kysely<Database>, runId: string, tag: KeyValue): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await getActiveRunRow(trx, runId);
    await upsertTags(trx, runId, [tag]);
    if (tag.key === RUN_NAME_TAG) {
      await trx
        .updateTable('runs')
        .set({ name: tag.value })
        .where('run_uuid', '=', runId)
        .execute();
    }
  });
}

export async function deleteRunTag(
  db: Kysely<Database>,
  runId: string,
  key: string,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await getActiveRunRow(trx, runId);
    const result = await trx
      .deleteFrom('tags')
      .where('run_uuid', '=', runId)
      .where('key', '=', key)
      .executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) {
      throw MlflowError.notFound(`No tag with name: ${key} in run with id ${runId}`);
    }
  });
}

function pyRepr(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

async function insertParams(
  db: Db,
  runId: string,
  params: KeyValue[],
  single: boolean,
): Promise<void> {
  if (!params.length) return;
  const existing = await db
    .selectFrom('params')
    .select(['key', 'value'])
    .where('run_uuid', '=', runId)
    .where(
      'key',
      'in',
      params.map((p) => p.key),
    )
    .execute();
  const known = new Map(existing.map((p) => [p.key, p.value]));
  const conflicts = params.filter((p) => known.has(p.key) && known.get(p.key) !== p.value);
  if (conflicts.length) {
    if (single) {
      const p = conflicts[0];
      throw MlflowError.invalidParameter(
        `Changing param values is not allowed. Param with key='${p.key}' was already logged with ` +
          `value='${known.get(p.key)}' for run ID='${runId}'. Attempted logging new value '${p.value}'.`,
      );
    }
    const described = conflicts
      .map(
        (p) =>
          `{'key': ${pyRepr(p.key)}, 'old_value': ${pyRepr(known.get(p.key) ?? '')}, 'new_value': ${pyRepr(p.value)}}`,
      )
      .join(', ');
    throw MlflowError.invalidParameter(
      `Changing param values is not allowed. Params were already logged='[${described}]' for run ID='${runId}'.`,
    );
  }
  const fresh = params.filter((p) => !known.has(p.key));
  if (fresh.length) {
    await db
      .insertInto('params')
      .values(fresh.map((p) => ({ run_uuid: runId, key: p.key, value: p.value })))
      .execute();
  }
}

export async function logParam(
  db: Kysely<Database>,
  runId: string,
  param: KeyValue,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await getActiveRunRow(trx, runId);
    await insertParams(trx, runId, [param], true);
  });
}

/** Metrics, params and tags of one request, written in one transaction: all or nothing. */
export async function logBatch(
  db: Kysely<Database>,
  runId: string,
  batch: { metrics: (MetricPoint & ModelMetricLink)[]; params: KeyValue[]; tags: KeyValue[] },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const run = await getActiveRunRow(trx, runId);
    await insertParams(trx, runId, batch.params, false);
    await writeMetrics(trx, metricRunOf(run), batch.metrics);
    await writeLoggedModelMetrics(trx, run, batch.metrics);
    await upsertTags(trx, runId, batch.tags);
    const runName = batch.tags.filter((t) => t.key === RUN_NAME_TAG).at(-1);
    if (runName)
      await trx
        .updateTable('runs')
        .set({ name: runName.value })
        .where('run_uuid', '=', runId)
        .execute();
  });
}

export async function logInputs(
  db: Kysely<Database>,
  runId: string,
  inputs: DatasetInput[],
  modelIds: string[] = [],
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const run = await getActiveRunRow(trx, runId);
    await writeModelInputs(trx, runId, modelIds);
    for (const input of inputs) {
      const { dataset } = input;
      let stored = await trx
        .selectFrom('datasets')
        .select('dataset_uuid')
        .where('experiment_id', '=', run.experiment_id)
        .where('name', '=', dataset.name)
        .where('digest', '=', dataset.digest)
        .executeTakeFirst();
      if (!stored) {
        stored = { dataset_uuid: randomUUID().replace(/-/g, '') };
        await trx
          .insertInto('datasets')
          .values({
            dataset_uuid: stored.dataset_uuid,
            experiment_id: run.experiment_id,
            name: dataset.name,
            digest: dataset.digest,
            dataset_source_type: dataset.source_type,
            dataset_source: dataset.source,
            dataset_schema: dataset.schema ?? null,
            dataset_profile: dataset.profile ?? null,
          })
          .execute();
      }
      const link = await trx
        .selectFrom('inputs')
        .select('input_uuid')
        .where('source_type', '=', 'DATASET')
        .where('source_id', '=', stored.dataset_uuid)
        .where('destination_type', '=', 'RUN')
        .where('destination_id', '=', runId)
        .executeTakeFirst();
      if (link) continue; // MLflow keeps the first logging of a dataset for a run.
      const inputId = randomUUID().replace(/-/g, '');
      await trx
        .insertInto('inputs')
        .values({
          input_uuid: inputId,
          source_type: 'DATASET',
          source_id: stored.dataset_uuid,
          destination_type: 'RUN',
          destination_id: runId,
        })
        .execute();
      const tags = new Map(input.tags.map((t) => [t.key, t.value]));
      if (tags.size) {
        await trx
          .insertInto('input_tags')
          .values([...tags].map(([name, value]) => ({ input_uuid: inputId, name, value })))
          .execute();
      }
    }
  });
}

/** Loads whole runs (info, latest metrics, params, tags, dataset inputs) in the order given. */
export async function loadRuns(db: Db, runIds: string[]): Promise<Run[]> {
  if (!runIds.length) return [];
  const runs = new Map<string, Run>();
  const rows = await db.selectFrom('runs').selectAll().where('run_uuid', 'in', runIds).execute();
  const modelLinks = await loadRunModelLinks(db, runIds);
  for (const info of rows) {
    const links = modelLinks.get(info.run_uuid) ?? { modelInputs: [], modelOutputs: [] };
    runs.set(info.run_uuid, {
      info,
      metrics: [],
      params: [],
      tags: [],
      datasetInputs: [],
      ...links,
    });
  }

  const [metrics, params, tags, inputs] = await Promise.all([
    db
      .selectFrom('latest_metrics')
      .selectAll()
      .where('run_uuid', 'in', runIds)
      .orderBy('key')
      .execute(),
    db.selectFrom('params').selectAll().where('run_uuid', 'in', runIds).orderBy('key').execute(),
    db.selectFrom('tags').selectAll().where('run_uuid', 'in', runIds).orderBy('key').execute(),
    db
      .selectFrom('inputs')
      .innerJoin('datasets', 'datasets.dataset_uuid', 'inputs.source_id')
      .select([
        'inputs.input_uuid',
        'inputs.destination_id',
        'datasets.name',
        'datasets.digest',
        'datasets.dataset_source_type',
        'datasets.dataset_source',
        'datasets.dataset_schema',
        'datasets.dataset_profile',
      ])
      .where('inputs.source_type', '=', 'DATASET')
      .where('inputs.destination_type', '=', 'RUN')
      .where('inputs.destination_id', 'in', runIds)
      .execute(),
  ]);
  for (const m of metrics) {
    runs.get(m.run_uuid)?.metrics.push({
      key: m.key,
      value: m.is_nan ? NaN : Number(m.value),
      timestamp: Number(m.timestamp),
      step: Number(m.step),
    });
  }
  for (const p of params) runs.get(p.run_uuid)?.params.push({ key: p.key, value: p.value });
  for (const t of tags) runs.get(t.run_uuid)?.tags.push({ key: t.key, value: t.value });

  if (inputs.length) {
    const inputTags = await db
      .selectFrom('input_tags')
      .selectAll()
      .where(
        'input_uuid',
        'in',
        inputs.map((i) => i.input_uuid),
      )
      .orderBy('name')
      .execute();
    const tagsByInput = new Map<string, KeyValue[]>();
    for (const t of inputTags) {
      const list = tagsByInput.get(t.input_uuid) ?? [];
      list.push({ key: t.name, value: t.value });
      tagsByInput.set(t.input_uuid, list);
    }
    for (const i of inputs) {
      runs.get(i.destination_id)?.datasetInputs.push({
        tags: tagsByInput.get(i.input_uuid) ?? [],
        dataset: {
          name: i.name,
          digest: i.digest,
          source_type: i.dataset_source_type,
          source: i.dataset_source,
          ...(i.dataset_schema !== null ? { schema: i.dataset_schema } : {}),
          ...(i.dataset_profile !== null ? { profile: i.dataset_profile } : {}),
        },
      });
    }
  }
  return runIds.map((id) => runs.get(id)).filter((r): r is Run => r !== undefined);
}

export async function getRun(db: Db, runId: string): Promise<Run> {
  const [run] = await loadRuns(db, [runId]);
  if (!run) throw MlflowError.notFound(`Run with id=${runId} not found`);
  return run;
}
