// Sampling a long metric history by rank without reading it (the tables: migration 0007).
// A history is "in order" while each point came after the previous one both by step and by time
// — training loops log that way. Its order by step (the order MLflow samples in) is then the
// metrics table's key order (timestamp first), and every 32nd point by rank is kept as a mark:
// the point of rank k is a seek to mark ⌊k/32⌋ and at most 31 steps along the key. Write side:
// `SeriesWriter` counts each point it stores, keeps the marks, and gives up on them for good
// when a point lands anywhere but at the end. Read side: `sampleInOrder` answers NTILE's sample
// from ranks; undefined sends the caller to the general SQL (out-of-order or unknown history).
import type { Kysely, Transaction } from 'kysely';
import { RANK_MARK_EVERY } from '../../migrations/project/0007_metric_rank_marks.js';
import type { Database } from './schema.js';
import {
  hasSqliteStatements,
  sqliteStatementsOf,
  type SqliteStatements,
} from './sqlite-statements.js';

/** A point as stored (NaN as 0 with `is_nan` set). */
export interface StoredPoint {
  key: string;
  value: number;
  timestamp: number;
  step: number;
  is_nan: number;
}

/** The metrics table's key order within one history: timestamp, step, value, is_nan. */
export function compareKeyOrder(a: StoredPoint, b: StoredPoint): number {
  return a.timestamp - b.timestamp || a.step - b.step || a.value - b.value || a.is_nan - b.is_nan;
}

/** True when `next` lands after `last` in both orders, so every stored point keeps its rank. */
function appends(last: StoredPoint, next: StoredPoint): boolean {
  return (
    next.timestamp >= last.timestamp && next.step >= last.step && compareKeyOrder(next, last) > 0
  );
}

interface Series {
  points: number;
  inOrder: boolean;
  last?: StoredPoint;
  /** How many points before `last` share its timestamp. */
  lastTimeOffset: number;
}

const SERIES_COLUMNS =
  'points, in_order, last_timestamp, last_step, last_value, last_is_nan, last_time_offset';
const MARK_COLUMNS_WRITTEN = 'key, rank, timestamp, step, value, is_nan, time_offset';
/** Rows a multi-row statement takes at most (its bound values stay under SQLite's limit). */
const ROWS_PER_STATEMENT = 200;

/** `(?, …, ?)` for each of `rows` rows of `columns` values. */
function rowsOf(rows: number, columns: number): string {
  const row = `(${new Array<string>(columns).fill('?').join(', ')})`;
  return new Array<string>(rows).fill(row).join(', ');
}

const readSeriesSql = (keys: number) =>
  `select key, ${SERIES_COLUMNS} from metric_series where run_key = ? and key in ${rowsOf(1, keys)}`;
const saveSeriesSql = (rows: number) =>
  `insert into metric_series (run_key, key, ${SERIES_COLUMNS}) values ${rowsOf(rows, 9)} ` +
  'on conflict (run_key, key) do update set points = excluded.points, ' +
  'in_order = excluded.in_order, last_timestamp = excluded.last_timestamp, ' +
  'last_step = excluded.last_step, last_value = excluded.last_value, ' +
  'last_is_nan = excluded.last_is_nan, last_time_offset = excluded.last_time_offset';
const insertMarksSql = (rows: number) =>
  `insert into metric_rank_marks (run_key, ${MARK_COLUMNS_WRITTEN}) values ${rowsOf(rows, 8)}`;
const DROP_MARKS_SQL = 'delete from metric_rank_marks where run_key = ? and key = ?';

type SeriesRow = [string, number, number, number, number, number, number, number];

/** Runs `statementFor(n)` over `values` cut into rows of `width`, `ROWS_PER_STATEMENT` at a time. */
function runInChunks(
  statements: SqliteStatements,
  statementFor: (rows: number) => string,
  values: unknown[],
  width: number,
): void {
  const chunk = ROWS_PER_STATEMENT * width;
  for (let i = 0; i < values.length; i += chunk) {
    const part = values.slice(i, i + chunk);
    statements.prepare(statementFor(part.length / width)).run(...part);
  }
}

/**
 * Keeps the series rows and marks of one run's histories current while a batch of points is
 * stored: one statement reads the series of the batch's keys, one writes them back, one adds the
 * marks — a few statements a batch, not a few a key.
 */
export class SeriesWriter {
  private readonly series = new Map<string, Series>();
  /** Marks to add, each MARK_COLUMNS_WRITTEN. */
  private marks: [string, number, number, number, number, number, number][] = [];

  constructor(
    private readonly statements: SqliteStatements,
    private readonly runKey: number,
    keys: string[],
  ) {
    for (const key of keys) this.series.set(key, { points: 0, inOrder: true, lastTimeOffset: 0 });
    for (let i = 0; i < keys.length; i += ROWS_PER_STATEMENT) {
      const part = keys.slice(i, i + ROWS_PER_STATEMENT);
      const rows = statements
        .prepare(readSeriesSql(part.length))
        .raw()
        .all(runKey, ...part) as SeriesRow[];
      for (const [key, points, inOrder, timestamp, step, value, isNan, timeOffset] of rows) {
        this.series.set(key, {
          points: Number(points),
          inOrder: inOrder === 1,
          last: { key, timestamp, step, value, is_nan: isNan },
          lastTimeOffset: Number(timeOffset),
        });
      }
    }
  }

  /** A point just stored (not one the table already had); its key is one of the batch's. */
  add(point: StoredPoint): void {
    const series = this.series.get(point.key)!;
    if (series.inOrder && series.last && !appends(series.last, point)) {
      series.inOrder = false;
      this.statements.prepare(DROP_MARKS_SQL).run(this.runKey, point.key);
      this.marks = this.marks.filter((mark) => mark[0] !== point.key);
    }
    // In order, the points sharing this one's timestamp are the ones just before it.
    const timeOffset = series.last?.timestamp === point.timestamp ? series.lastTimeOffset + 1 : 0;
    if (series.inOrder && series.points % RANK_MARK_EVERY === 0) {
      this.marks.push([
        point.key,
        series.points,
        point.timestamp,
        point.step,
        point.value,
        point.is_nan,
        timeOffset,
      ]);
    }
    series.points++;
    // Out of order, `last` is no longer needed to decide anything; it stays the newest stored.
    if (!series.last || compareKeyOrder(point, series.last) > 0) {
      series.last = point;
      series.lastTimeOffset = timeOffset;
    }
  }

  save(): void {
    const rows: unknown[] = [];
    for (const [key, series] of this.series) {
      const last = series.last;
      if (!last) continue;
      rows.push(
        this.runKey,
        key,
        series.points,
        series.inOrder ? 1 : 0,
        last.timestamp,
        last.step,
        last.value,
        last.is_nan,
        series.lastTimeOffset,
      );
    }
    runInChunks(this.statements, saveSeriesSql, rows, 9);
    const marks = this.marks.flatMap((mark) => [this.runKey, ...mark]);
    runInChunks(this.statements, insertMarksSql, marks, 8);
  }
}

/** A mark: timestamp, time_offset, step, value, is_nan. */
type Mark = [number, number, number, number, number];
const MARK_COLUMNS = 'timestamp, time_offset, step, value, is_nan from metric_rank_marks ';
const MARK_SQL = `select ${MARK_COLUMNS}where run_key = ? and key = ? and rank = ?`;
// The marks of many ranks at once (a JSON array of them): one statement instead of one a rank.
const MARKS_SQL = `select rank, ${MARK_COLUMNS}where run_key = ? and key = ? and rank in (select value from json_each(?))`;
const POINTS_SQL = 'select key, value, timestamp, step, is_nan from metrics ';
const KEY_ORDER = ' order by timestamp, step, value, is_nan limit ? offset ?';
// From a mark, one seek by timestamp lands on the first point of the mark's timestamp: the rows
// to the wanted rank are stepped over inside SQLite, far cheaper than handing them to JavaScript.
// (SQLite seeks a row-value bound by its first column only, so a `(timestamp, step, …) >= mark`
// bound would cost the same.)
const FROM_TIME_SQL = `${POINTS_SQL}where run_key = ? and key = ? and timestamp >= ?${KEY_ORDER}`;
// Where many points share the mark's timestamp (a batch logged at one time can be thousands),
// the points of that timestamp from the mark's step on, then the later ones.
const AT_TIME_SQL = `${POINTS_SQL}where run_key = ? and key = ? and timestamp = ? and (step, value, is_nan) >= (?, ?, ?)${KEY_ORDER}`;
const LATER_SQL = `${POINTS_SQL}where run_key = ? and key = ? and timestamp > ?${KEY_ORDER}`;
/** Rows of the mark's timestamp a seek may step over before the two-part read pays off. */
const MAX_TIME_OFFSET = 64;
const SERIES_OF_RUN_SQL =
  'select s.run_key, s.points, s.in_order from runs r ' +
  'join metric_series s on s.run_key = r.run_key and s.key = ? where r.run_uuid = ?';

class RankReader {
  constructor(
    private readonly statements: SqliteStatements,
    private readonly runKey: number,
    private readonly key: string,
  ) {}

  /** `count` points from rank `rank` on: from the mark at or before it, along the key. */
  points(rank: number, count: number): StoredPoint[] {
    const markRank = rank - (rank % RANK_MARK_EVERY);
    const mark = this.statements.prepare(MARK_SQL).raw().get(this.runKey, this.key, markRank) as
      Mark | undefined;
    return this.fromMark(mark, markRank, rank - markRank, count);
  }

  /** The point of each of `ranks`, their marks read in one statement. */
  atRanks(ranks: number[]): StoredPoint[] {
    const markRanks = [...new Set(ranks.map((r) => r - (r % RANK_MARK_EVERY)))];
    const rows = this.statements
      .prepare(MARKS_SQL)
      .raw()
      .all(this.runKey, this.key, JSON.stringify(markRanks)) as [number, ...Mark][];
    const marks = new Map(rows.map(([rank, ...mark]) => [Number(rank), mark]));
    return ranks.map((rank) => {
      const markRank = rank - (rank % RANK_MARK_EVERY);
      const [point] = this.fromMark(marks.get(markRank), markRank, rank - markRank, 1);
      if (!point) throw new Error(`metric history ${this.runKey}/${this.key} has no rank ${rank}`);
      return point;
    });
  }

  private fromMark(
    mark: Mark | undefined,
    markRank: number,
    skip: number,
    count: number,
  ): StoredPoint[] {
    if (!mark) {
      throw new Error(`metric history ${this.runKey}/${this.key} has no mark ${markRank}`);
    }
    const [timestamp, timeOffset, step, value, isNan] = mark;
    if (timeOffset <= MAX_TIME_OFFSET) {
      return this.all(FROM_TIME_SQL, timestamp, count, timeOffset + skip);
    }
    const need = skip + count;
    const rows = this.all(AT_TIME_SQL, timestamp, step, value, isNan, need, 0);
    const taken = rows.length;
    if (taken < need) {
      const offset = Math.max(0, skip - taken);
      rows.push(...this.all(LATER_SQL, timestamp, need - taken - offset, offset));
    }
    // Rows of the first part before `skip` are dropped here; the second part skipped its own.
    return taken >= skip ? rows.slice(skip) : rows.slice(taken);
  }

  private all(sql: string, ...bounds: number[]): StoredPoint[] {
    return this.statements.prepare(sql).all(this.runKey, this.key, ...bounds) as StoredPoint[];
  }

  at(rank: number): StoredPoint {
    const [point] = this.points(rank, 1);
    if (!point) throw new Error(`metric history ${this.runKey}/${this.key} has no rank ${rank}`);
    return point;
  }

  /** The first rank in [from, to) whose step is at least `step` (`to` when none): steps rise. */
  firstWithStepAtLeast(step: number, from: number, to: number): number {
    let [lo, hi] = [from, to];
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.at(mid).step >= step) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

/** NTILE(buckets)'s first row of each bucket over `n` rows: larger buckets come first. */
export function bucketStarts(n: number, buckets: number): number[] {
  const size = Math.floor(n / buckets);
  const larger = n % buckets;
  return Array.from({ length: buckets }, (_, i) => i * size + Math.min(i, larger));
}

/**
 * MLflow's sample of one run's history of `key` (optionally within a step range): the first point
 * of each of `buckets` NTILE buckets in step order, the last one replaced by the range's last
 * point. Undefined when this history cannot be sampled by rank (the caller samples in SQL).
 */
export async function sampleInOrder(
  db: Kysely<Database> | Transaction<Database>,
  runId: string,
  key: string,
  buckets: number,
  steps?: { start: number; end: number },
): Promise<StoredPoint[] | undefined> {
  if (!hasSqliteStatements(db)) return undefined;
  // In a transaction, which holds the project's connection: these reads see no other request's
  // uncommitted writes. It is held only while the synchronous reads below run.
  if (db.isTransaction) return sampleWith(sqliteStatementsOf(db)!, runId, key, buckets, steps);
  return db
    .transaction()
    .execute(async (trx) => sampleWith(sqliteStatementsOf(trx)!, runId, key, buckets, steps));
}

function sampleWith(
  statements: SqliteStatements,
  runId: string,
  key: string,
  buckets: number,
  steps?: { start: number; end: number },
): StoredPoint[] | undefined {
  const series = statements.prepare(SERIES_OF_RUN_SQL).get(key, runId) as
    { run_key: number; points: number; in_order: number } | undefined;
  if (!series || series.in_order !== 1) return undefined;
  const reader = new RankReader(statements, Number(series.run_key), key);
  const total = Number(series.points);
  let [first, end] = [0, total];
  if (steps) {
    first = reader.firstWithStepAtLeast(steps.start, 0, total);
    end = reader.firstWithStepAtLeast(steps.end + 1, first, total);
  }
  const n = end - first;
  if (n <= 0) return [];
  if (n <= buckets) return reader.points(first, n);
  const ranks = bucketStarts(n, buckets).map((r) => first + r);
  ranks[ranks.length - 1] = end - 1;
  return reader.atRanks(ranks);
}
