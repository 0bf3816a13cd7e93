// Migration 0012: spans keep their token usage and cost attributes in columns of their own;
// spans stored before it get them from their content.
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrationProvider } from '../../migrations/project/index.js';

let sqlite: SQLite.Database;
let db: Kysely<unknown>;
let migrator: Migrator;

const USAGE = '{"input_tokens": 10, "output_tokens": 2, "total_tokens": 12}';
const COST = '{"input_cost": 0.1, "output_cost": 0.2, "total_cost": 0.30000000000000004}';

beforeEach(async () => {
  sqlite = new SQLite(':memory:');
  sqlite.pragma('foreign_keys = ON');
  db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: sqlite }) });
  migrator = new Migrator({ db, provider: migrationProvider, allowUnorderedMigrations: true });
  const { error } = await migrator.migrateTo('0009_evaluation_datasets');
  if (error) throw error;
  sqlite
    .prepare(
      `insert into trace_info (request_id, experiment_id, timestamp_ms, status)
       values ('tr-1', 0, 1, 'OK')`,
    )
    .run();
  const span = sqlite.prepare(
    `insert into spans (trace_id, span_id, status, start_time_unix_nano) values ('tr-1', ?, 'OK', 1)`,
  );
  const content = sqlite.prepare(
    `insert into span_contents (trace_id, span_id, content) values ('tr-1', ?, ?)`,
  );
  const attributes = (attrs: Record<string, string>) => JSON.stringify({ attributes: attrs });
  span.run('a');
  content.run('a', attributes({ 'mlflow.chat.tokenUsage': USAGE, 'mlflow.llm.cost': COST }));
  span.run('b');
  content.run('b', attributes({ 'mlflow.spanType': '"LLM"' }));
});

afterEach(async () => {
  await db.destroy();
});

describe('migration 0012: span usage', () => {
  it('copies the usage and cost of spans stored before it into the new columns', async () => {
    const { error } = await migrator.migrateTo('0012_span_usage');
    expect(error).toBeUndefined();
    expect(
      sqlite.prepare('select span_id, token_usage, cost from spans order by span_id').raw().all(),
    ).toEqual([
      ['a', USAGE, COST],
      ['b', null, null],
    ]);
  });

  it('down drops the columns again', async () => {
    await migrator.migrateTo('0012_span_usage');
    const { error } = await migrator.migrateTo('0009_evaluation_datasets');
    expect(error).toBeUndefined();
    const columns = (sqlite.pragma('table_info(spans)') as { name: string }[]).map((c) => c.name);
    expect(columns).not.toContain('token_usage');
    expect(columns).not.toContain('cost');
  });
});
