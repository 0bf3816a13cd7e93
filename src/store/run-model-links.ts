// The links between runs and logged models: metrics a run logs for a model (copied into
// logged_model_metrics, as MLflow's SQL store does) and the run→model edges kept in `inputs`
// (models a run used, `log-inputs`; models it produced, `log-outputs`), read back for run JSON.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { MlflowError } from '../errors.js';
import type { Db } from './experiments.js';
import { getActiveRunRow } from './run-rows.js';
import type { Database } from './schema.js';

/** What a metric logged to a run may say about the model it measures (MLflow 3's Metric). */
export interface ModelMetricLink {
  model_id?: string;
  dataset_name?: string;
  dataset_digest?: string;
}

/** SQL has no NaN or infinities: MLflow stores NaN as 0 and ±Infinity as ±max double. */
function storableValue(value: number): number {
  if (Number.isNaN(value)) return 0;
  if (value === Infinity) return Number.MAX_VALUE;
  if (value === -Infinity) return -Number.MAX_VALUE;
  return value;
}

async function assertModelsExist(
  db: Db,
  modelIds: string[],
  code: 'BAD_REQUEST' | 'RESOURCE_DOES_NOT_EXIST',
): Promise<void> {
  const wanted = [...new Set(modelIds)];
  if (!wanted.length) return;
  const found = new Set<string>();
  for (let i = 0; i < wanted.length; i += 500) {
    const rows = await db
      .selectFrom('logged_models')
      .select('model_id')
      .where('model_id', 'in', wanted.slice(i, i + 500))
      .execute();
    for (const r of rows) found.add(r.model_id);
  }
  const missing = wanted.find((id) => !found.has(id));
  if (missing) throw new MlflowError(code, `Logged model with ID '${missing}' not found.`);
}

/**
 * Copies the metrics that name a model into the model's metrics, in the caller's transaction (the
 * run's own history is written by the caller). A model id that does not exist is refused with
 * MLflow's status (400), before anything is written.
 */
export async function writeLoggedModelMetrics(
  db: Db,
  run: { run_uuid: string; experiment_id: number },
  metrics: ({ key: string; value: number; timestamp: number; step: number } & ModelMetricLink)[],
): Promise<void> {
  const linked = metrics.filter((m) => m.model_id);
  if (!linked.length) return;
  await assertModelsExist(
    db,
    linked.map((m) => m.model_id!),
    'BAD_REQUEST',
  );
  for (let i = 0; i < linked.length; i += 90) {
    await db
      .insertInto('logged_model_metrics')
      .values(
        linked.slice(i, i + 90).map((m) => ({
          model_id: m.model_id!,
          metric_name: m.key,
          metric_timestamp_ms: m.timestamp,
          metric_step: m.step,
          metric_value: storableValue(m.value),
          experiment_id: run.experiment_id,
          run_id: run.run_uuid,
          dataset_uuid: null,
          dataset_name: m.dataset_name || null,
          dataset_digest: m.dataset_digest || null,
        })),
      )
      // The same point logged twice (a client retry) is kept once.
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

export interface ModelOutput {
  model_id: string;
  step: number;
}

/** Run→model edges in `inputs`, as MLflow keeps them. */
const EDGE = {
  input: { source_type: 'RUN_INPUT', destination_type: 'MODEL_INPUT' },
  output: { source_type: 'RUN_OUTPUT', destination_type: 'MODEL_OUTPUT' },
} as const;

async function writeEdges(
  db: Db,
  runId: string,
  kind: keyof typeof EDGE,
  models: ModelOutput[],
): Promise<void> {
  if (!models.length) return;
  await assertModelsExist(
    db,
    models.map((m) => m.model_id),
    'RESOURCE_DOES_NOT_EXIST',
  );
  // One edge per run and model; logging it again keeps the first (and its step).
  const unique = [...new Map(models.map((m) => [m.model_id, m])).values()];
  await db
    .insertInto('inputs')
    .values(
      unique.map((m) => ({
        input_uuid: randomUUID().replace(/-/g, ''),
        ...EDGE[kind],
        source_id: runId,
        destination_id: m.model_id,
        step: m.step,
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** Models a run used (log-inputs `models`), in the caller's transaction. */
export async function writeModelInputs(db: Db, runId: string, modelIds: string[]): Promise<void> {
  await writeEdges(
    db,
    runId,
    'input',
    modelIds.map((model_id) => ({ model_id, step: 0 })),
  );
}

/** Models a run produced (log-outputs); the run must be active. */
export async function logRunOutputs(
  db: Kysely<Database>,
  runId: string,
  models: ModelOutput[],
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await getActiveRunRow(trx, runId);
    await writeEdges(trx, runId, 'output', models);
  });
}

export interface RunModelLinks {
  modelInputs: { model_id: string }[];
  modelOutputs: ModelOutput[];
}

/** The models each run used and produced (`inputs.model_inputs`, `outputs.model_outputs`). */
export async function loadRunModelLinks(
  db: Db,
  runIds: string[],
): Promise<Map<string, RunModelLinks>> {
  const links = new Map<string, RunModelLinks>(
    runIds.map((id) => [id, { modelInputs: [], modelOutputs: [] }]),
  );
  if (!runIds.length) return links;
  const rows = await db
    .selectFrom('inputs')
    .select(['source_type', 'source_id', 'destination_id', 'step'])
    .where('source_type', 'in', [EDGE.input.source_type, EDGE.output.source_type])
    .where('source_id', 'in', runIds)
    .orderBy('destination_id')
    .execute();
  for (const row of rows) {
    const entry = links.get(row.source_id);
    if (!entry) continue;
    if (row.source_type === EDGE.input.source_type) {
      entry.modelInputs.push({ model_id: row.destination_id });
    } else {
      entry.modelOutputs.push({ model_id: row.destination_id, step: Number(row.step) });
    }
  }
  return links;
}
