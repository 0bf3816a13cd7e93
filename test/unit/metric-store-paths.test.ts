// The SQLite fast paths of the metric store (prepared statements inside a transaction) and the
// paths PostgreSQL takes (arrays through `unnest`, Kysely reads) must store and read exactly the
// same thing. The PostgreSQL side needs TRACKD_TEST_PG_URL (test/support/postgres.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProjectRegistry } from '../../src/store/projects.js';
import { openMetricHistory } from '../../src/store/metric-history.js';
import { writeMetrics, type MetricPoint } from '../../src/store/metrics.js';
import type { Database } from '../../src/store/schema.js';
import { sqliteStatementsOf } from '../../src/store/sqlite-statements.js';
import { insertBareRun } from '../support/metric-history-db.js';
import { freshDatabase, PG_URL } from '../support/postgres.js';

const RUN = 'a'.repeat(32);
/** The run as metric writes name it: its id and the integer key its history rows carry. */
const METRIC_RUN = { id: RUN, key: 7 };

/** Every page of a history, joined: plain arrays, however the store cut it into pages. */
async function readMetricHistory(db: Kysely<Database>, runId: string, key: string) {
  const pages = await openMetricHistory(db, runId, key);
  const whole = {
    length: 0,
    value: [] as number[],
    timestamp: [] as number[],
    step: [] as number[],
    isNan: [] as number[],
  };
  for (let page = pages.next(); page; page = pages.next()) {
    expect(page.length).toBeGreaterThan(0);
    whole.length += page.length;
    whole.value.push(...page.value);
    whole.timestamp.push(...page.timestamp);
    whole.step.push(...page.step);
    whole.isNan.push(...page.isNan);
  }
  return whole;
}
let dataDir: string;
let registry: ProjectRegistry;

const addRun = (db: Kysely<Database>) => insertBareRun(db, METRIC_RUN);

beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trackd-metric-paths-'));
  registry = new ProjectRegistry(dataDir);
});

afterEach(async () => {
  await registry.closeAll();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Batches with repeats, ties, NaN, infinities and a latest value that moves back and forth. */
const BATCHES: MetricPoint[][] = [
  [
    { key: 'loss', value: 0.5, timestamp: 10, step: 2 },
    { key: 'loss', value: 0.7, timestamp: 5, step: 3 },
    { key: 'acc', value: NaN, timestamp: 1, step: 0 },
  ],
  [
    { key: 'loss', value: 0.5, timestamp: 10, step: 2 }, // the same point again: ignored
    { key: 'loss', value: 0.1, timestamp: 5, step: 3 }, // same step and time, smaller value
    { key: 'acc', value: Infinity, timestamp: 1, step: 0 },
    { key: 'acc', value: -Infinity, timestamp: 0, step: 1 },
  ],
  [
    { key: 'loss', value: 0.9, timestamp: 99, step: 1 }, // older step: latest stays at step 3
    { key: 'acc', value: 0, timestamp: 1, step: 1 },
  ],
];

async function contents(db: Kysely<Database>) {
  const history = await db
    .selectFrom('metrics')
    .selectAll()
    .orderBy('key')
    .orderBy('step')
    .orderBy('timestamp')
    .orderBy('value')
    .orderBy('is_nan')
    .execute();
  const latest = await db.selectFrom('latest_metrics').selectAll().orderBy('key').execute();
  return { history, latest };
}

describe.skipIf(!PG_URL)('metric store paths: SQLite and PostgreSQL', () => {
  let postgres: ProjectRegistry;
  let other: Kysely<Database>;

  beforeEach(async () => {
    postgres = new ProjectRegistry(dataDir, 64, {
      backendStoreUri: await freshDatabase(PG_URL!),
    });
    other = (await postgres.acquire('p', true)).context.db;
  });

  afterEach(() => postgres.closeAll());

  it('stores the same history and latest values with prepared statements as with arrays', async () => {
    const project = (await registry.acquire('p', true)).context.db;
    await addRun(project);
    await addRun(other);
    for (const batch of BATCHES) {
      await project.transaction().execute(async (trx) => {
        expect(sqliteStatementsOf(trx)).toBeDefined();
        await writeMetrics(trx, METRIC_RUN, batch);
      });
      await other.transaction().execute(async (trx) => {
        expect(sqliteStatementsOf(trx)).toBeUndefined();
        await writeMetrics(trx, METRIC_RUN, batch);
      });
    }
    const fast = await contents(project);
    expect(fast).toEqual(await contents(other));
    expect(fast.latest.map((l) => [l.key, l.step, l.value])).toEqual([
      ['acc', 1, 0],
      ['loss', 3, 0.7],
    ]);
    // Histories written on PostgreSQL are sampled by the general SQL, not by rank.
    const series = await other.selectFrom('metric_series').select(['key', 'in_order']).execute();
    expect(series.map((r) => [r.key, r.in_order]).sort()).toEqual([
      ['acc', 0],
      ['loss', 0],
    ]);
  });

  it('reads the same whole history on SQLite as on PostgreSQL', async () => {
    const project = (await registry.acquire('p', true)).context.db;
    for (const db of [project, other]) {
      await addRun(db);
      for (const batch of BATCHES)
        await db.transaction().execute((trx) => writeMetrics(trx, METRIC_RUN, batch));
    }
    for (const key of ['loss', 'acc', 'none']) {
      const fast = await readMetricHistory(project, RUN, key);
      const slow = await readMetricHistory(other, RUN, key);
      expect(fast).toEqual(slow);
    }
    const acc = await readMetricHistory(project, RUN, 'acc');
    // MLflow's order: timestamp first (the -Infinity at time 0 leads although its step is 1), then
    // step, then value (NaN is stored as 0).
    expect(acc.value).toEqual([-Infinity, 0, Infinity, 0]);
    expect(acc.isNan).toEqual([0, 1, 0, 0]);
  });
});

describe('metric store paths', () => {
  it('reads every point of a history longer than a page, with int64 steps beyond 2^53', async () => {
    const project = (await registry.acquire('p', true)).context.db;
    await addRun(project);
    // Steps 2^62 + i are distinct in SQLite but many share one double: a page boundary taken
    // from rounded numbers would skip or repeat points.
    const points = Array.from({ length: 25_000 }, (_, i) => ({
      run_key: METRIC_RUN.key,
      key: 'big',
      value: i % 3,
      timestamp: 7,
      step: (2n ** 62n + BigInt(Math.floor(i / 2))) as unknown as number,
      is_nan: 0,
    }));
    for (let i = 0; i < points.length; i += 1000) {
      await project
        .insertInto('metrics')
        .values(points.slice(i, i + 1000))
        .execute();
    }
    const history = await readMetricHistory(project, RUN, 'big');
    expect(history.length).toBe(25_000);
    expect(history.value.filter((v) => v === 2).length).toBe(8333);
  });

  it('gives no statements outside a transaction, where another request may hold the connection', async () => {
    const project = (await registry.acquire('p', true)).context.db;
    expect(sqliteStatementsOf(project)).toBeUndefined();
  });
});
