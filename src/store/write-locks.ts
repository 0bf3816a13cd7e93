// Writes that read before they write must not interleave: numbers handed out as "the largest so
// far + 1" (experiment ids, run keys, model and scorer versions) must not be handed out twice, and
// a trace's spans and its StartTraceV3 must not both create it. SQLite runs one write transaction
// at a time, so reading and writing inside one transaction is enough. PostgreSQL runs them side by
// side, and several servers may share the database: there the transaction first takes an
// advisory lock with the given name (within the project's schema), held until it ends.
import { PostgresAdapter, sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './schema.js';

export async function lockOn(
  trx: Kysely<Database> | Transaction<Database>,
  name: string,
): Promise<void> {
  if (!(trx.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`select pg_advisory_xact_lock(hashtext(current_schema() || ':' || ${name}))`.execute(
    trx,
  );
}
