// A run's row looked up by id, with MLflow's errors for a run that is missing or not active. Both
// the run store and the stores that link to runs (models, inputs) start from here.
import { MlflowError } from '../errors.js';
import type { Db } from './experiments.js';
import type { RunsTable } from './schema.js';

export async function findRunRow(db: Db, runId: string): Promise<RunsTable | undefined> {
  return db.selectFrom('runs').selectAll().where('run_uuid', '=', runId).executeTakeFirst();
}

export async function getRunRow(db: Db, runId: string): Promise<RunsTable> {
  const row = await findRunRow(db, runId);
  if (!row) throw MlflowError.notFound(`Run with id=${runId} not found`);
  return row;
}

export async function getActiveRunRow(db: Db, runId: string): Promise<RunsTable> {
  const row = await getRunRow(db, runId);
  if (row.lifecycle_stage !== 'active') {
    throw MlflowError.invalidParameter(
      `The run ${runId} must be in the 'active' state. Current state is ${row.lifecycle_stage}.`,
    );
  }
  return row;
}
