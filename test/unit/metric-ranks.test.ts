// Sampling by rank (store/metric-ranks.ts) must give exactly MLflow's sample — NTILE buckets over
// the history in step order, the first point of each, the last point of the range kept — which
// this test computes itself from every point it logged. The rank path answers for histories
// logged in order; anything else goes to the general SQL, with the same answers.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bucketStarts } from '../../src/store/metric-ranks.js';
import { sampleMetricHistory, writeMetrics, type MetricPoint } from '../../src/store/metrics.js';
import { ProjectRegistry } from '../../src/store/projects.js';
import type { Database } from '../../src/store/schema.js';
import { historyDatabase, insertBareRun } from '../support/metric-history-db.js';

const RUN = 'b'.repeat(32);
const METRIC_RUN = { id: RUN, key: 3 };
let dataDir: string;
let registry: ProjectRegistry;
let db: Kysely<Database>;

beforeEach(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trackd-metric-ranks-'));
  registry = new ProjectRegistry(dataDir);
  db = (await registry.acquire('p', true)).context.db;
  await insertBareRun(db, METRIC_RUN);
});

afterEach(async () => {
  await registry.closeAll();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const log = (points: MetricPoint[]) =>
  db.transaction().execute((trx) => writeMetrics(trx, METRIC_RUN, points));

/** Stored value order: NaN is stored as 0 (with is_nan), so it sorts as 0 before a real 0. */
const stored = (v: number) => (Number.isNaN(v) ? 0 : v);
const isNan = (v: number) => (Number.isNaN(v) ? 1 : 0);

/** MLflow's sample of 'loss', computed from the distinct points logged. */
function expectedSample(
  logged: MetricPoint[],
  buckets: number,
  steps?: { start: number; end: number },
): [number, number, number][] {
  const seen = new Map<string, MetricPoint>();
  for (const p of logged.filter((m) => m.key === 'loss'))
    seen.set(`${p.timestamp}/${p.step}/${stored(p.value)}/${isNan(p.value)}`, p);
  const points = [...seen.values()]
    .filter((p) => !steps || (p.step >= steps.start && p.step <= steps.end))
    .sort(
      (a, b) =>
        a.step - b.step ||
        a.timestamp - b.timestamp ||
        stored(a.value) - stored(b.value) ||
        isNan(a.value) - isNan(b.value),
    );
  const picked =
    points.length <= buckets
      ? points
      : [
          ...bucketStarts(points.length, buckets)
            .slice(0, -1)
            .map((i) => points[i]),
          points.at(-1)!,
        ];
  return picked.map((p) => [p.step, p.timestamp, p.value]);
}

async function sample(buckets: number, steps?: { start: number; end: number }) {
  const points = await sampleMetricHistory(db, [RUN], 'loss', buckets, steps);
  return points.map((p): [number, number, number] => [p.step, p.timestamp, p.value]);
}

async function series() {
  const row = await db
    .selectFrom('metric_series')
    .selectAll()
    .where('key', '=', 'loss')
    .executeTakeFirst();
  const marks = await db
    .selectFrom('metric_rank_marks')
    .select(['rank', 'step'])
    .where('key', '=', 'loss')
    .orderBy('rank')
    .execute();
  return { points: Number(row?.points), inOrder: row?.in_order === 1, marks };
}

const SIZES = [1, 2, 7, 31, 32, 33, 100, 999, 1000, 1001, 2500];
const RANGES = [
  undefined,
  { start: 0, end: 0 },
  { start: 10, end: 10 },
  { start: 100, end: 499 },
  { start: 333, end: 2000 },
  { start: -5, end: 3 },
  { start: 5000, end: 6000 },
];

async function expectSamplesMatch(logged: MetricPoint[]) {
  for (const buckets of SIZES) {
    for (const steps of RANGES) {
      expect(await sample(buckets, steps), `${buckets} ${JSON.stringify(steps)}`).toEqual(
        expectedSample(logged, buckets, steps),
      );
    }
  }
}

describe('sampling by rank', () => {
  it('samples an in-order history, logged in batches, as MLflow does, keeping a mark every 32 points', async () => {
    const logged: MetricPoint[] = [];
    for (let batch = 0; batch < 10; batch++) {
      const points = Array.from({ length: 100 }, (_, i) => {
        const step = batch * 100 + i;
        return { key: 'loss', value: 1 / (step + 1), timestamp: 1000 + step, step };
      });
      await log(points);
      logged.push(...points);
    }
    const s = await series();
    expect(s.points).toBe(1000);
    expect(s.inOrder).toBe(true);
    expect(s.marks.map((m) => m.rank)).toEqual(Array.from({ length: 32 }, (_, i) => i * 32));
    expect(s.marks[5].step).toBe(160);
    await expectSamplesMatch(logged);
  });

  it('keeps the order through equal times, repeated steps, NaN, repeats and a batch sent backwards', async () => {
    const logged: MetricPoint[] = [];
    // Three points a step, at one time (the last one a tick later every fourth step: the next
    // step starts at that time); NaN (stored as 0) and a real 0 at one step and time.
    for (let step = 0; step < 300; step++) {
      const time = 50 + Math.floor(step / 4);
      logged.push(
        { key: 'loss', value: step % 7 === 0 ? NaN : step, timestamp: time, step },
        { key: 'loss', value: step + 0.5, timestamp: time, step },
        { key: 'loss', value: step + 0.75, timestamp: time + (step % 4 === 3 ? 1 : 0), step },
      );
    }
    const zero = { key: 'loss', value: 0, timestamp: 50, step: 0 };
    logged.push(zero);
    await log([...logged.slice(0, 400), zero].reverse());
    await log(logged.slice(300, 900)); // 100 points again: ignored, not counted
    const s = await series();
    expect(s.points).toBe(901);
    expect(s.inOrder).toBe(true);
    await expectSamplesMatch(logged);
  });

  it('samples a history logged in batches of hundreds of points at one time', async () => {
    const logged: MetricPoint[] = [];
    // 5 batches of 300 points, each batch at one time; the third split over two requests.
    for (let batch = 0; batch < 5; batch++) {
      const points = Array.from({ length: 300 }, (_, i) => ({
        key: 'loss',
        value: Math.sin(batch * 300 + i),
        timestamp: 7000 + batch,
        step: batch * 300 + i,
      }));
      if (batch === 2) {
        await log(points.slice(0, 100));
        await log(points.slice(100));
      } else await log(points);
      logged.push(...points);
    }
    const { marks, points, inOrder } = await series();
    expect({ points, inOrder }).toEqual({ points: 1500, inOrder: true });
    const offsets = await db
      .selectFrom('metric_rank_marks')
      .select(['rank', 'time_offset'])
      .where('key', '=', 'loss')
      .orderBy('rank')
      .execute();
    expect(offsets.length).toBe(marks.length);
    // Each mark counts the points of its batch before it.
    for (const m of offsets) expect(m.time_offset).toBe(m.rank % 300);
    await expectSamplesMatch(logged);
  });

  it('gives up the marks when a point lands inside the history, and still samples correctly', async () => {
    const logged = Array.from({ length: 500 }, (_, step) => ({
      key: 'loss',
      value: step,
      timestamp: 10 * step,
      step,
    }));
    await log(logged);
    expect((await series()).inOrder).toBe(true);
    // A later time with an earlier step: by step it lands in the middle.
    const late = { key: 'loss', value: -1, timestamp: 99_999, step: 250 };
    await log([late]);
    logged.push(late);
    const s = await series();
    expect(s).toMatchObject({ points: 501, inOrder: false, marks: [] });
    await expectSamplesMatch(logged);
    // It stays given up even when the next points append again.
    const more = { key: 'loss', value: 5, timestamp: 200_000, step: 900 };
    await log([more]);
    logged.push(more);
    expect(await series()).toMatchObject({ points: 502, inOrder: false, marks: [] });
    await expectSamplesMatch(logged);
  });

  it('tracks each key of an interleaved batch apart', async () => {
    const points = Array.from({ length: 200 }, (_, i) => ({
      key: i % 2 ? 'acc' : 'loss',
      value: i,
      timestamp: 300 - i, // time runs backwards: out of order for both keys
      step: i,
    }));
    await log(points);
    // Its first points got marks in this batch; losing the order dropped them again.
    expect(await series()).toMatchObject({ points: 100, inOrder: false, marks: [] });
    await expectSamplesMatch(points);
    const acc = await sampleMetricHistory(db, [RUN], 'acc', 3);
    expect(acc.map((p) => p.step)).toEqual([1, 69, 199]);
  });
});

describe('migration 0007: rank marks for stored histories', () => {
  it('counts each history, marks the in-order ones, and leaves the others to SQL', async () => {
    const { sqlite, migrator, db: raw } = await historyDatabase('0005_metrics_without_rowid');
    try {
      expect((await migrator.migrateTo('0006_metric_run_key')).error).toBeUndefined();
      const insert = sqlite.prepare('insert into metrics values (?, ?, ?, ?, ?, ?)');
      // r2 (key 1): 'long' in order, 70 points; r1 (key 2): 'loss' has NaN at step 2, in order.
      // 40 points at one time, then 30 at the next.
      for (let step = 0; step < 70; step++) {
        insert.run(1, 'long', step / 2, 5000 + Math.floor(step / 40), step, 0);
      }
      // r1's 'acc': a later time at a smaller step: out of order.
      insert.run(2, 'acc', 1, 2000, -4, 0);
      const { error } = await migrator.migrateTo('0007_metric_rank_marks');
      expect(error).toBeUndefined();
      expect(
        sqlite
          .prepare(
            'select run_key, key, points, in_order, last_step, last_time_offset from metric_series order by run_key, key',
          )
          .raw()
          .all(),
      ).toEqual([
        [1, 'long', 70, 1, 69, 29],
        [1, 'loss', 1, 1, 0, 0],
        [2, 'acc', 2, 0, -4, 0],
        [2, 'loss', 3, 1, 2, 0],
      ]);
      expect(
        sqlite
          .prepare(
            'select run_key, key, rank, step, time_offset from metric_rank_marks order by 1, 2, 3',
          )
          .raw()
          .all(),
      ).toEqual([
        [1, 'long', 0, 0, 0],
        [1, 'long', 32, 32, 32],
        [1, 'long', 64, 64, 24],
        [1, 'loss', 0, 0, 0],
        [2, 'loss', 0, 0, 0],
      ]);
      const { error: downError } = await migrator.migrateTo('0006_metric_run_key');
      expect(downError).toBeUndefined();
      const tables = sqlite
        .prepare("select name from sqlite_master where type = 'table'")
        .pluck()
        .all();
      expect(tables).not.toContain('metric_series');
      expect(tables).not.toContain('metric_rank_marks');
    } finally {
      await raw.destroy();
    }
  });
});
