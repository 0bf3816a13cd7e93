// A metric's whole history, for get-history without a page size: handed out page by page, each page
// held column by column in typed arrays (10 000 points take 250 kB, against some 2 MB as row
// objects), in MLflow's order (timestamp, step, value), which is the order of the `metrics` primary
// key (migration 0006). The API layer streams each page out as it comes, so a history of any
// length is served while holding a few pages of it.
import SQLite from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { RUN_KEY_OF_ID, runKeyOf } from './metrics.js';
import { sqliteStatementsOf } from './sqlite-statements.js';

export interface MetricHistoryColumns {
  length: number;
  value: Float64Array<ArrayBuffer>;
  timestamp: Float64Array<ArrayBuffer>;
  step: Float64Array<ArrayBuffer>;
  /** 1 where the stored value stands for NaN (stored as 0, as MLflow does). */
  isNan: Uint8Array<ArrayBuffer>;
}

/** Consecutive pages of one history. Each page's arrays are its own, free to be transferred. */
export interface MetricHistoryPages {
  /** The next page (never empty), or undefined once the history is exhausted. */
  next(): MetricHistoryColumns | undefined;
  /** Ends the read; safe to call more than once, and needed only when stopping early. */
  close(): void;
}

// Rows come in pages after the last key read, straight from the primary key's B-tree: no table
// rows and no sort. Most of the read is better-sqlite3 making a JS value per column per row, so a
// page has three columns: `is_nan` travels as a NULL value (NaN is stored as 0), and integers come
// as numbers (rounded beyond 2^53 exactly as `Number(bigint)` rounds).
const PAGE_WHERE =
  `from metrics where run_key = ${RUN_KEY_OF_ID} and key = ? ` +
  'and (timestamp, step, value, is_nan) > (?, ?, ?, ?) ' +
  'order by timestamp, step, value, is_nan';
const HISTORY_PAGE_SQL = `select iif(is_nan = 0, value, null), timestamp, step ${PAGE_WHERE} limit ?`;
// The exact key of a page's last row, when the page's own columns do not give it: a NaN point (its
// stored value is not sent) or an integer beyond 2^53 (read as BigInt here).
const BOUNDARY_SQL = `select timestamp, step, value, is_nan ${PAGE_WHERE} limit 1 offset ?`;
const PAGE_ROWS = 10_000;

type PageRow = [number | null, number, number];
/** (timestamp, step, value, is_nan): the position after which the next page starts. */
type RowKey = [bigint | number, bigint | number, number, bigint | number];

function toColumns(rows: PageRow[]): MetricHistoryColumns {
  const n = rows.length;
  const page = {
    length: n,
    value: new Float64Array(n),
    timestamp: new Float64Array(n),
    step: new Float64Array(n),
    isNan: new Uint8Array(n),
  };
  for (let i = 0; i < n; i++) {
    const [value, timestamp, step] = rows[i];
    if (value === null) page.isNan[i] = 1;
    else page.value[i] = value;
    page.timestamp[i] = timestamp;
    page.step[i] = step;
  }
  return page;
}

/** Reads one history page by page through `prepare`d statements of one connection. */
class PageReader {
  private readonly page: SQLite.Statement;
  private readonly boundary: SQLite.Statement;
  // Below every stored key: a REAL -Infinity sorts before any integer timestamp.
  private after: RowKey = [-Infinity, -Infinity, -Infinity, -1];
  done = false;

  constructor(
    prepare: (sql: string) => SQLite.Statement,
    private readonly runId: string,
    private readonly key: string,
  ) {
    this.page = prepare(HISTORY_PAGE_SQL).raw(true);
    this.boundary = prepare(BOUNDARY_SQL).raw(true).safeIntegers(true);
  }

  read(): MetricHistoryColumns | undefined {
    if (this.done) return undefined;
    const bounds = [this.runId, this.key, ...this.after];
    const rows = this.page.all(...bounds, PAGE_ROWS) as PageRow[];
    if (rows.length < PAGE_ROWS) {
      this.done = true;
    } else {
      const [value, timestamp, step] = rows[rows.length - 1];
      this.after =
        value !== null && Number.isSafeInteger(timestamp) && Number.isSafeInteger(step)
          ? [timestamp, step, value, 0]
          : (this.boundary.get(...bounds, PAGE_ROWS - 1) as RowKey);
    }
    return rows.length ? toColumns(rows) : undefined;
  }
}

function fromList(pages: MetricHistoryColumns[]): MetricHistoryPages {
  return { next: () => pages.shift(), close: () => (pages.length = 0) };
}

/**
 * The rest of a history longer than a page, read through a read-only connection of its own inside
 * one read transaction: the answer is one snapshot of the history (WAL keeps it while writers go
 * on), and the project's connection stays free for other requests however slowly the client reads.
 */
function snapshotPages(file: string, runId: string, key: string): MetricHistoryPages {
  const sqlite = new SQLite(file, { readonly: true, fileMustExist: true });
  let open = true;
  const close = () => {
    if (!open) return;
    open = false;
    sqlite.close(); // ends the read transaction with it
  };
  try {
    sqlite.exec('begin');
    const reader = new PageReader((sql) => sqlite.prepare(sql), runId, key);
    return {
      next: () => {
        const page = open ? reader.read() : undefined;
        if (!page || reader.done) close();
        return page;
      },
      close,
    };
  } catch (err) {
    close();
    throw err;
  }
}

/** The whole history of metric `key` of a run (empty for an unknown run, as MLflow answers). */
export async function openMetricHistory(
  db: Kysely<Database>,
  runId: string,
  key: string,
): Promise<MetricHistoryPages> {
  const first = await db.transaction().execute(async (trx) => {
    const statements = sqliteStatementsOf(trx);
    if (!statements) return undefined;
    const reader = new PageReader((sql) => statements.prepare(sql), runId, key);
    const pages = [reader.read()];
    const { memory, name } = statements.sqlite;
    // A database without a file cannot be opened twice: read it all here.
    while (memory && !reader.done) pages.push(reader.read());
    return {
      pages: pages.filter((p): p is MetricHistoryColumns => p !== undefined),
      complete: reader.done,
      file: name,
    };
  });
  if (!first) {
    const all = await readThroughKysely(db, runId, key);
    return fromList(all.length ? [all] : []);
  }
  // Most histories fit one page, read on the project's connection; a longer one is read again
  // from its start in a snapshot of its own.
  return first.complete ? fromList(first.pages) : snapshotPages(first.file, runId, key);
}

/** Any other dialect: one query for the whole history. */
async function readThroughKysely(
  db: Kysely<Database>,
  runId: string,
  key: string,
): Promise<MetricHistoryColumns> {
  const rows = await db
    .selectFrom('metrics')
    .select(['value', 'timestamp', 'step', 'is_nan'])
    .where('run_key', '=', runKeyOf(runId))
    .where('key', '=', key)
    .orderBy('timestamp')
    .orderBy('step')
    .orderBy('value')
    .orderBy('is_nan')
    .execute();
  return toColumns(
    rows.map((r): PageRow => [
      r.is_nan ? null : Number(r.value),
      Number(r.timestamp),
      Number(r.step),
    ]),
  );
}
