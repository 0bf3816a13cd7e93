// A metric's whole history, read for get-history without a page size: held column by column in
// typed arrays (a million points take 25 MB, against some 200 MB as row objects), in MLflow's
// order (timestamp, step, value), for the API layer to stream out as JSON.
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { sqliteStatementsOf, type SqliteStatements } from './sqlite-statements.js';

export interface MetricHistoryColumns {
  length: number;
  value: Float64Array;
  timestamp: Float64Array;
  step: Float64Array;
  /** 1 where the stored value stands for NaN (stored as 0, as MLflow does). */
  isNan: Uint8Array;
}

class ColumnsBuilder {
  length = 0;
  private columns = allocate(1024);

  push(value: number, timestamp: number, step: number, isNan: number): void {
    if (this.length === this.columns.value.length) {
      const grown = allocate(this.length * 2);
      grown.value.set(this.columns.value);
      grown.timestamp.set(this.columns.timestamp);
      grown.step.set(this.columns.step);
      grown.isNan.set(this.columns.isNan);
      this.columns = grown;
    }
    const i = this.length++;
    this.columns.value[i] = value;
    this.columns.timestamp[i] = timestamp;
    this.columns.step[i] = step;
    this.columns.isNan[i] = isNan;
  }

  build(): MetricHistoryColumns {
    const n = this.length;
    const c = this.columns;
    return {
      length: n,
      value: c.value.subarray(0, n),
      timestamp: c.timestamp.subarray(0, n),
      step: c.step.subarray(0, n),
      isNan: c.isNan.subarray(0, n),
    };
  }
}

function allocate(capacity: number) {
  return {
    value: new Float64Array(capacity),
    timestamp: new Float64Array(capacity),
    step: new Float64Array(capacity),
    isNan: new Uint8Array(capacity),
  };
}

/** MLflow's history order; `is_nan` last only so that equal-looking points sort stably. */
function compare(h: MetricHistoryColumns, a: number, b: number): number {
  return (
    h.timestamp[a] - h.timestamp[b] ||
    h.step[a] - h.step[b] ||
    h.value[a] - h.value[b] ||
    h.isNan[a] - h.isNan[b]
  );
}

/**
 * Puts points read in the primary key's order (step first) into MLflow's (timestamp first).
 * Timestamps nearly always grow with steps, so the check usually finds nothing to do.
 */
function inMlflowOrder(h: MetricHistoryColumns): MetricHistoryColumns {
  let sorted = true;
  for (let i = 1; i < h.length && sorted; i++) sorted = compare(h, i - 1, i) <= 0;
  if (sorted) return h;
  const order = Uint32Array.from({ length: h.length }, (_, i) => i).sort((a, b) =>
    compare(h, a, b),
  );
  const out = allocate(h.length);
  order.forEach((from, to) => {
    out.value[to] = h.value[from];
    out.timestamp[to] = h.timestamp[from];
    out.step[to] = h.step[from];
    out.isNan[to] = h.isNan[from];
  });
  return { length: h.length, ...out };
}

// Walks the primary key index (run_uuid, key, step, timestamp, value, is_nan), which covers
// every column: no table rows and no sort in SQLite (a sort of a million rows costs more than
// reading them). An index in MLflow's order would avoid the check above but would halve metric
// ingest, which pays for every extra index on `metrics` (measured in BENCHMARKS.md). Rows come in
// pages after the last key read (`all()` of a page costs less per row than `iterate()`).
// Most of the read is better-sqlite3 making a JS value per column per row, so a page has three
// columns: `is_nan` travels as a NULL value (NaN is stored as 0), and integers come as numbers
// (rounded beyond 2^53 exactly as `Number(bigint)` rounds).
const PAGE_WHERE =
  'from metrics where run_uuid = ? and key = ? and (step, timestamp, value, is_nan) > (?, ?, ?, ?) ' +
  'order by step, timestamp, value, is_nan';
const HISTORY_PAGE_SQL = `select iif(is_nan = 0, value, null), timestamp, step ${PAGE_WHERE} limit ?`;
// The exact key of a page's last row, when the page's own columns do not give it: a NaN point (its
// stored value is not sent) or an integer beyond 2^53 (read as BigInt here).
const BOUNDARY_SQL = `select value, timestamp, step, is_nan ${PAGE_WHERE} limit 1 offset ?`;
const PAGE_ROWS = 10_000;

type PageRow = [number | null, number, number];
type RowKey = [number, bigint | number, bigint | number, bigint | number];

function readWithStatements(
  statements: SqliteStatements,
  runId: string,
  key: string,
): MetricHistoryColumns {
  const builder = new ColumnsBuilder();
  const page = statements.prepare(HISTORY_PAGE_SQL).raw(true);
  const boundary = statements.prepare(BOUNDARY_SQL).raw(true).safeIntegers(true);
  // Below every stored key: a REAL -Infinity sorts before any integer step.
  let after: RowKey = [-Infinity, -Infinity, -Infinity, -1];
  for (;;) {
    const bounds = [runId, key, after[2], after[1], after[0], after[3]];
    const rows = page.all(...bounds, PAGE_ROWS) as PageRow[];
    for (const [value, timestamp, step] of rows) {
      if (value === null) builder.push(0, timestamp, step, 1);
      else builder.push(value, timestamp, step, 0);
    }
    if (rows.length < PAGE_ROWS) break;
    const [value, timestamp, step] = rows[rows.length - 1];
    after =
      value !== null && Number.isSafeInteger(timestamp) && Number.isSafeInteger(step)
        ? [value, timestamp, step, 0]
        : (boundary.get(...bounds, PAGE_ROWS - 1) as RowKey);
  }
  return builder.build();
}

/** The whole history of metric `key` of a run (empty for an unknown run, as MLflow answers). */
export async function readMetricHistory(
  db: Kysely<Database>,
  runId: string,
  key: string,
): Promise<MetricHistoryColumns> {
  // A transaction gives one consistent snapshot and holds the connection for the direct read.
  const read = await db.transaction().execute(async (trx) => {
    const statements = sqliteStatementsOf(trx);
    if (statements) return readWithStatements(statements, runId, key);
    const builder = new ColumnsBuilder();
    const rows = await trx
      .selectFrom('metrics')
      .select(['value', 'timestamp', 'step', 'is_nan'])
      .where('run_uuid', '=', runId)
      .where('key', '=', key)
      .orderBy('step')
      .orderBy('timestamp')
      .orderBy('value')
      .orderBy('is_nan')
      .execute();
    for (const r of rows) {
      builder.push(Number(r.value), Number(r.timestamp), Number(r.step), r.is_nan);
    }
    return builder.build();
  });
  return inMlflowOrder(read);
}
