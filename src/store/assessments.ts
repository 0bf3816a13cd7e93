// Assessments (feedback, expectations) on traces, as MLflow's SQL store keeps them: values stored
// as json.dumps text, an assessment that overrides another marks it invalid (restored when the
// overriding one is deleted), updates keep source, span, create time, validity and overrides.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { MlflowError } from '../errors.js';
import type { AssessmentsTable, Database } from './schema.js';
import type { Db } from './experiments.js';
import { getTraceInfo } from './traces.js';

export const SOURCE_RUN_ID_KEY = 'mlflow.assessment.sourceRunId';

export interface AssessmentInput {
  name: string;
  type: 'feedback' | 'expectation';
  /** json.dumps of the value (Python spacing), or null for a null value. */
  value: string | null;
  /** The value as parsed, for the numeric view search compares with > and <. */
  parsedValue: unknown;
  error: string | null;
  sourceType: string;
  sourceId: string | null;
  spanId: string | null;
  rationale: string | null;
  metadata: Record<string, string> | null;
  overrides: string | null;
  createTime: number;
  lastUpdateTime: number;
}

function numericView(value: unknown): { aggregate_value: number | null; is_numeric_value: number } {
  if (typeof value === 'boolean') return { aggregate_value: value ? 1 : 0, is_numeric_value: 0 };
  if (typeof value === 'number' && Number.isFinite(value)) {
    return { aggregate_value: value, is_numeric_value: 1 };
  }
  return { aggregate_value: null, is_numeric_value: 0 };
}

async function findAssessment(db: Db, traceId: string, id: string): Promise<AssessmentsTable> {
  const row = await db
    .selectFrom('assessments')
    .selectAll()
    .where('trace_id', '=', traceId)
    .where('assessment_id', '=', id)
    .executeTakeFirst();
  if (row) return row;
  await getTraceInfo(db, traceId);
  throw MlflowError.notFound(`Assessment with ID '${id}' not found for trace '${traceId}'`);
}

export async function createAssessment(
  db: Kysely<Database>,
  traceId: string,
  input: AssessmentInput,
): Promise<AssessmentsTable> {
  return db.transaction().execute(async (trx) => {
    await getTraceInfo(trx, traceId);
    if (input.overrides) {
      await findAssessment(trx, traceId, input.overrides);
      await trx
        .updateTable('assessments')
        .set({ valid: 0 })
        .where('assessment_id', '=', input.overrides)
        .execute();
    }
    const row: AssessmentsTable = {
      assessment_id: `a-${randomUUID().replaceAll('-', '')}`,
      trace_id: traceId,
      name: input.name,
      assessment_type: input.type,
      value: input.value,
      error: input.error,
      created_timestamp: input.createTime,
      last_updated_timestamp: input.lastUpdateTime,
      source_type: input.sourceType,
      source_id: input.sourceId,
      run_id: input.metadata?.[SOURCE_RUN_ID_KEY] ?? null,
      span_id: input.spanId,
      rationale: input.rationale,
      overrides: input.overrides,
      valid: 1,
      assessment_metadata: input.metadata ? JSON.stringify(input.metadata) : null,
      ...numericView(input.parsedValue),
    };
    await trx.insertInto('assessments').values(row).execute();
    return row;
  });
}

export async function getAssessment(
  db: Kysely<Database>,
  traceId: string,
  id: string,
): Promise<AssessmentsTable> {
  return findAssessment(db, traceId, id);
}

export interface AssessmentUpdate {
  name?: string;
  /** A new value of this type; the stored assessment must be of the same type. */
  value?: Pick<AssessmentInput, 'type' | 'value' | 'parsedValue' | 'error'>;
  rationale?: string;
  metadata?: Record<string, string>;
}

export async function updateAssessment(
  db: Kysely<Database>,
  traceId: string,
  id: string,
  update: AssessmentUpdate,
): Promise<AssessmentsTable> {
  return db.transaction().execute(async (trx) => {
    const existing = await findAssessment(trx, traceId, id);
    const changes: Partial<AssessmentsTable> = { last_updated_timestamp: Date.now() };
    if (update.value) {
      if (update.value.type !== existing.assessment_type) {
        throw MlflowError.invalidParameter(
          update.value.type === 'expectation'
            ? 'Cannot update expectation value on a Feedback assessment.'
            : 'Cannot update feedback value on an Expectation assessment.',
        );
      }
      changes.value = update.value.value;
      changes.error = update.value.type === 'feedback' ? update.value.error : existing.error;
      Object.assign(changes, numericView(update.value.parsedValue));
    }
    if (update.name !== undefined) changes.name = update.name;
    if (update.rationale !== undefined && existing.assessment_type === 'feedback') {
      changes.rationale = update.rationale;
    }
    if (update.metadata !== undefined) {
      const old = existing.assessment_metadata
        ? (JSON.parse(existing.assessment_metadata) as Record<string, string>)
        : {};
      changes.assessment_metadata = JSON.stringify({ ...old, ...update.metadata });
    }
    await trx.updateTable('assessments').set(changes).where('assessment_id', '=', id).execute();
    return { ...existing, ...changes };
  });
}

/** Deletes an assessment (nothing if it is gone); the one it overrode becomes valid again. */
export async function deleteAssessment(
  db: Kysely<Database>,
  traceId: string,
  id: string,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('assessments')
      .select('overrides')
      .where('trace_id', '=', traceId)
      .where('assessment_id', '=', id)
      .executeTakeFirst();
    if (!row) return;
    await trx.deleteFrom('assessments').where('assessment_id', '=', id).execute();
    if (row.overrides) {
      await trx
        .updateTable('assessments')
        .set({ valid: 1 })
        .where('assessment_id', '=', row.overrides)
        .execute();
    }
  });
}
