// What PostgreSQL lacks of SQLite's that queries rely on (nothing changes on SQLite):
// - rows answered in the order they were first written, where MLflow answers so (an evaluation
//   dataset's tags): SQLite's rowid is that order (an upsert keeps its row); here such tables get
//   a sequence-numbered column;
// - reading JSON text that may not be JSON: SQLite's json_valid() guards its JSON functions; here
//   `trackd_try_jsonb(text)` answers NULL instead of failing the query.
import { sql, type Kysely } from 'kysely';
import { isSqlite } from './dialect.js';

export const INSERTION_ORDERED = ['evaluation_dataset_tags'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  if (isSqlite(db)) return;
  for (const table of INSERTION_ORDERED) {
    await sql`alter table ${sql.table(table)} add column insertion_seq bigserial`.execute(db);
  }
  await sql`create function trackd_try_jsonb(text text) returns jsonb
    language plpgsql immutable as $$
    begin
      return text::jsonb;
    exception when others then
      return null;
    end $$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (isSqlite(db)) return;
  await sql`drop function trackd_try_jsonb(text)`.execute(db);
  for (const table of INSERTION_ORDERED) {
    await sql`alter table ${sql.table(table)} drop column insertion_seq`.execute(db);
  }
}
