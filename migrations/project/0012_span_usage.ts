// Each span's token usage and cost attributes (`mlflow.chat.tokenUsage`, `mlflow.llm.cost`, JSON
// text) beside its searchable columns, so that a trace whose spans arrive in several batches can
// have its usage and cost summed again without reading every span's content. Spans stored before
// this migration get theirs from that content (only spans whose content names one are read).
import { sql, type Kysely } from 'kysely';
import { isSqlite } from './dialect.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table spans add column token_usage text`.execute(db);
  await sql`alter table spans add column cost text`.execute(db);
  // Spans stored before exist only in SQLite projects (PostgreSQL projects start at the latest
  // schema), so the backfill is written in SQLite's SQL.
  if (!isSqlite(db)) return;
  await sql`update spans set
      token_usage = (select json_extract(c.content, '$.attributes."mlflow.chat.tokenUsage"')
        from span_contents c where c.trace_id = spans.trace_id and c.span_id = spans.span_id),
      cost = (select json_extract(c.content, '$.attributes."mlflow.llm.cost"')
        from span_contents c where c.trace_id = spans.trace_id and c.span_id = spans.span_id)
    where exists (select 1 from span_contents c
      where c.trace_id = spans.trace_id and c.span_id = spans.span_id
        and (instr(c.content, '"mlflow.chat.tokenUsage"') > 0
          or instr(c.content, '"mlflow.llm.cost"') > 0))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table spans drop column cost`.execute(db);
  await sql`alter table spans drop column token_usage`.execute(db);
}
