// Logged-model persistence (MLflow 3): models, their params and tags, and the metrics logged to
// them through runs (writing those, and run→model edges, is run-model-links.ts). For others:
//   getLoggedModel(db, modelId, { allowDeleted })  → LoggedModel, or RESOURCE_DOES_NOT_EXIST 404
//                                                    ("Logged model with ID '<id>' not found.")
//   findLoggedModel(db, modelId)                    → LoggedModel | undefined (deleted included)
// A deleted model is soft-deleted (lifecycle_stage 'deleted') and answers as missing unless
// `allowDeleted`, as MLflow's get_logged_model does (a model version's `models:/<id>` source
// must name a live one).
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { MlflowError } from '../errors.js';
import { assertExperimentActive, type Db } from './experiments.js';
import type { KeyValue } from './runs.js';
import type { Database, LoggedModelsTable } from './schema.js';

/** LoggedModelStatus as stored (its proto number). */
export const LOGGED_MODEL_STATUS = {
  LOGGED_MODEL_STATUS_UNSPECIFIED: 0,
  LOGGED_MODEL_PENDING: 1,
  LOGGED_MODEL_READY: 2,
  LOGGED_MODEL_UPLOAD_FAILED: 3,
} as const;

export type LoggedModelStatusName = keyof typeof LOGGED_MODEL_STATUS;

export function statusName(status: number): LoggedModelStatusName {
  const entry = Object.entries(LOGGED_MODEL_STATUS).find(([, n]) => n === status);
  return (entry?.[0] ?? 'LOGGED_MODEL_STATUS_UNSPECIFIED') as LoggedModelStatusName;
}

export interface LoggedModelMetric {
  key: string;
  value: number;
  timestamp: number;
  step: number;
  run_id: string;
  model_id: string;
  dataset_name?: string;
  dataset_digest?: string;
}

export interface LoggedModel {
  info: LoggedModelsTable;
  tags: KeyValue[];
  params: KeyValue[];
  metrics: LoggedModelMetric[];
}

function notFound(modelId: string): MlflowError {
  return MlflowError.notFound(`Logged model with ID '${modelId}' not found.`);
}

/** Loads whole models (info, tags, params, metrics) in the order of `modelIds`. */
export async function loadLoggedModels(db: Db, modelIds: string[]): Promise<LoggedModel[]> {
  if (!modelIds.length) return [];
  const models = new Map<string, LoggedModel>();
  const rows = await db
    .selectFrom('logged_models')
    .selectAll()
    .where('model_id', 'in', modelIds)
    .execute();
  for (const info of rows) models.set(info.model_id, { info, tags: [], params: [], metrics: [] });
  if (!models.size) return [];
  const ids = [...models.keys()];
  const [tags, params, metrics] = await Promise.all([
    db
      .selectFrom('logged_model_tags')
      .select(['model_id', 'tag_key', 'tag_value'])
      .where('model_id', 'in', ids)
      .orderBy('tag_key')
      .execute(),
    db
      .selectFrom('logged_model_params')
      .select(['model_id', 'param_key', 'param_value'])
      .where('model_id', 'in', ids)
      .orderBy('param_key')
      .execute(),
    db
      .selectFrom('logged_model_metrics')
      .selectAll()
      .where('model_id', 'in', ids)
      .orderBy('metric_name')
      .orderBy('metric_timestamp_ms')
      .orderBy('metric_step')
      .orderBy('run_id')
      .execute(),
  ]);
  for (const t of tags) models.get(t.model_id)?.tags.push({ key: t.tag_key, value: t.tag_value });
  for (const p of params)
    models.get(p.model_id)?.params.push({ key: p.param_key, value: p.param_value });
  for (const m of metrics) {
    models.get(m.model_id)?.metrics.push({
      key: m.metric_name,
      // MLflow stores a NaN model metric as 0 (its column has no NaN) and reads it back so.
      value: Number(m.metric_value ?? 0),
      timestamp: Number(m.metric_timestamp_ms),
      step: Number(m.metric_step),
      run_id: m.run_id,
      model_id: m.model_id,
      ...(m.dataset_name ? { dataset_name: m.dataset_name } : {}),
      ...(m.dataset_digest ? { dataset_digest: m.dataset_digest } : {}),
    });
  }
  return modelIds.map((id) => models.get(id)).filter((m): m is LoggedModel => m !== undefined);
}

export async function findLoggedModel(db: Db, modelId: string): Promise<LoggedModel | undefined> {
  const [model] = await loadLoggedModels(db, [modelId]);
  return model;
}

export async function getLoggedModel(
  db: Db,
  modelId: string,
  opts: { allowDeleted?: boolean } = {},
): Promise<LoggedModel> {
  const model = await findLoggedModel(db, modelId);
  if (!model || (!opts.allowDeleted && model.info.lifecycle_stage === 'deleted')) {
    throw notFound(modelId);
  }
  return model;
}

/** The model's row, deleted or not, as MLflow's writes look it up; unknown ids are 404. */
async function getLoggedModelRow(db: Db, modelId: string): Promise<LoggedModelsTable> {
  const row = await db
    .selectFrom('logged_models')
    .selectAll()
    .where('model_id', '=', modelId)
    .executeTakeFirst();
  if (!row) throw notFound(modelId);
  return row;
}

/** Keeps the last value of a key given twice in one request, as successive writes would. */
function lastPerKey(items: KeyValue[]): [string, string][] {
  return [...new Map(items.map((i) => [i.key, i.value]))];
}

async function insertParams(db: Db, model: LoggedModelsTable, params: KeyValue[]): Promise<void> {
  const unique = lastPerKey(params);
  if (!unique.length) return;
  const existing = await db
    .selectFrom('logged_model_params')
    .select(['param_key', 'param_value'])
    .where('model_id', '=', model.model_id)
    .where(
      'param_key',
      'in',
      unique.map(([k]) => k),
    )
    .execute();
  const known = new Map(existing.map((p) => [p.param_key, p.param_value]));
  const changed = unique.find(([k, v]) => known.has(k) && known.get(k) !== v);
  if (changed) {
    throw MlflowError.invalidParameter(
      `Changing param values is not allowed. Param with key='${changed[0]}' was already logged ` +
        `with value='${known.get(changed[0])}' for model ID='${model.model_id}'. ` +
        `Attempted logging new value '${changed[1]}'.`,
    );
  }
  const fresh = unique.filter(([k]) => !known.has(k));
  for (let i = 0; i < fresh.length; i += 200) {
    await db
      .insertInto('logged_model_params')
      .values(
        fresh.slice(i, i + 200).map(([key, value]) => ({
          model_id: model.model_id,
          experiment_id: model.experiment_id,
          param_key: key,
          param_value: value,
        })),
      )
      .execute();
  }
}

async function upsertTags(db: Db, model: LoggedModelsTable, tags: KeyValue[]): Promise<void> {
  const unique = lastPerKey(tags);
  for (let i = 0; i < unique.length; i += 200) {
    await db
      .insertInto('logged_model_tags')
      .values(
        unique.slice(i, i + 200).map(([key, value]) => ({
          model_id: model.model_id,
          experiment_id: model.experiment_id,
          tag_key: key,
          tag_value: value,
        })),
      )
      .onConflict((oc) =>
        oc
          .columns(['model_id', 'tag_key'])
          .doUpdateSet((eb) => ({ tag_value: eb.ref('excluded.tag_value') })),
      )
      .execute();
  }
}

export interface NewLoggedModel {
  experimentId: number;
  name: string;
  modelType?: string;
  sourceRunId?: string;
  params: KeyValue[];
  tags: KeyValue[];
}

/** Creates a PENDING model under `<experiment artifact root>/models/<model_id>/artifacts`. */
export async function createLoggedModel(
  db: Kysely<Database>,
  input: NewLoggedModel,
): Promise<LoggedModel> {
  const modelId = await db.transaction().execute(async (trx) => {
    const experiment = await assertExperimentActive(trx, input.experimentId);
    const id = `m-${randomUUID().replace(/-/g, '')}`;
    const now = Date.now();
    const row: LoggedModelsTable = {
      model_id: id,
      experiment_id: input.experimentId,
      name: input.name,
      artifact_location: `${experiment.artifact_location.replace(/\/+$/, '')}/models/${id}/artifacts`,
      creation_timestamp_ms: now,
      last_updated_timestamp_ms: now,
      status: LOGGED_MODEL_STATUS.LOGGED_MODEL_PENDING,
      lifecycle_stage: 'active',
      model_type: input.modelType ?? null,
      source_run_id: input.sourceRunId ?? null,
      status_message: null,
    };
    await trx.insertInto('logged_models').values(row).execute();
    await insertParams(trx, row, input.params);
    await upsertTags(trx, row, input.tags);
    return id;
  });
  return getLoggedModel(db, modelId);
}

export async function logLoggedModelParams(
  db: Kysely<Database>,
  modelId: string,
  params: KeyValue[],
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await insertParams(trx, await getLoggedModelRow(trx, modelId), params);
  });
}

export async function finalizeLoggedModel(
  db: Kysely<Database>,
  modelId: string,
  status: number,
): Promise<LoggedModel> {
  await db.transaction().execute(async (trx) => {
    await getLoggedModelRow(trx, modelId);
    await trx
      .updateTable('logged_models')
      .set({ status, last_updated_timestamp_ms: Date.now() })
      .where('model_id', '=', modelId)
      .execute();
  });
  return getLoggedModel(db, modelId, { allowDeleted: true });
}

/** Soft delete, as MLflow: the row, its data and its artifacts stay until a garbage collection. */
export async function deleteLoggedModel(db: Kysely<Database>, modelId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await getLoggedModelRow(trx, modelId);
    await trx
      .updateTable('logged_models')
      .set({ lifecycle_stage: 'deleted', last_updated_timestamp_ms: Date.now() })
      .where('model_id', '=', modelId)
      .execute();
  });
}

export async function setLoggedModelTags(
  db: Kysely<Database>,
  modelId: string,
  tags: KeyValue[],
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await upsertTags(trx, await getLoggedModelRow(trx, modelId), tags);
  });
}

export async function deleteLoggedModelTag(
  db: Kysely<Database>,
  modelId: string,
  key: string,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await getLoggedModelRow(trx, modelId);
    const result = await trx
      .deleteFrom('logged_model_tags')
      .where('model_id', '=', modelId)
      .where('tag_key', '=', key)
      .executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) {
      throw MlflowError.notFound(`No tag with key '${key}' found for model with ID '${modelId}'.`);
    }
  });
}
