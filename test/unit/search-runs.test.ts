// searchRunIds against a real in-memory SQLite database built by the project's migrations. The
// expected ids and orders are what MLflow's own SQL store returned for the same rows and requests.
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MlflowError } from '../../src/errors.js';
import { searchRunIds, type RunSearchOptions } from '../../src/search/run-search.js';
import { migrateToLatest } from '../../src/store/projects.js';
import type { Database } from '../../src/store/schema.js';

interface RunSeed {
  id: string;
  exp: number;
  name: string;
  start: number;
  end?: number;
  status?: string;
  user?: string;
  deleted?: boolean;
  metrics?: Record<string, number>;
  params?: Record<string, string>;
  tags?: Record<string, string>;
  /** [dataset name, digest, context tag] */
  datasets?: Array<[string, string, string?]>;
}

const RUNS: RunSeed[] = [
  {
    id: 'r1',
    exp: 1,
    name: 'apple',
    start: 100,
    end: 200,
    status: 'FINISHED',
    metrics: { acc: 0.9, loss: 0.1 },
    params: { lr: '0.01', opt: 'Adam' },
    tags: { env: 'prod' },
    datasets: [
      ['mnist', 'd1', 'train'],
      ['cifar', 'd2', 'eval'],
    ],
  },
  {
    id: 'r2',
    exp: 1,
    name: 'Apricot',
    start: 300,
    end: 400,
    status: 'FAILED',
    user: 'bob',
    metrics: { acc: 0.7, loss: NaN },
    params: { lr: '0.1', opt: 'adam' },
    tags: { env: 'dev' },
    datasets: [['mnist', 'd1', 'eval']],
  },
  {
    id: 'r3',
    exp: 1,
    name: 'banana',
    start: 300,
    metrics: { acc: NaN },
    params: { lr: '0.001' },
    tags: { env: 'Prod', x_y: 'a*b?[c]' },
    datasets: [['Mnist', 'd3']],
  },
  {
    id: 'r4',
    exp: 1,
    name: 'cherry_1',
    start: 50,
    user: 'carol',
    metrics: { acc: -1.5, loss: 2 },
    params: { opt: 'sgd' },
  },
  {
    id: 'r5',
    exp: 1,
    name: 'cherry21',
    start: 50,
    end: 60,
    status: 'FINISHED',
    metrics: { loss: 0 },
    params: { lr: '0.01' },
    tags: { env: 'prod' },
  },
  {
    id: 'r6',
    exp: 2,
    name: 'delta',
    start: 500,
    metrics: { acc: 0.95, inf: Infinity },
    params: { lr: '0.5' },
    tags: { env: 'prod' },
  },
  { id: 'r7', exp: 2, name: 'epsilon', start: 10, deleted: true, metrics: { acc: 0.95 } },
  { id: 'r8', exp: 3, name: 'zeta', start: 700, tags: { note: "it''s" } },
  {
    id: 'r9',
    exp: 1,
    name: '50%_off',
    start: 900,
    metrics: { acc: 0.5 },
    params: { opt: 'a_b' },
    tags: { env: '100%' },
  },
  {
    id: 'r10',
    exp: 1,
    name: 'tie',
    start: 300,
    status: 'KILLED',
    user: 'dave',
    metrics: { acc: 0.7 },
    params: { lr: '0.1' },
  },
];

async function seed(db: Kysely<Database>): Promise<void> {
  for (const id of [1, 2, 3]) {
    await db
      .insertInto('experiments')
      .values({
        experiment_id: id,
        name: `exp${id}`,
        artifact_location: `a/${id}`,
        lifecycle_stage: 'active',
        creation_time: 0,
        last_update_time: 0,
      })
      .execute();
  }
  let inputs = 0;
  for (const run of RUNS) {
    await db
      .insertInto('runs')
      .values({
        run_uuid: run.id,
        experiment_id: run.exp,
        name: run.name,
        source_type: 'LOCAL',
        source_name: '',
        entry_point_name: '',
        user_id: run.user ?? 'alice',
        status: run.status ?? 'RUNNING',
        start_time: run.start,
        end_time: run.end ?? null,
        deleted_time: null,
        source_version: '',
        lifecycle_stage: run.deleted ? 'deleted' : 'active',
        artifact_uri: `a/${run.id}`,
      })
      .execute();
    // As MLflow does, every run carries its name as the mlflow.runName tag too.
    const tags = { ...run.tags, 'mlflow.runName': run.name };
    for (const [key, value] of Object.entries(tags)) {
      await db.insertInto('tags').values({ run_uuid: run.id, key, value }).execute();
    }
    for (const [key, value] of Object.entries(run.params ?? {})) {
      await db.insertInto('params').values({ run_uuid: run.id, key, value }).execute();
    }
    for (const [key, value] of Object.entries(run.metrics ?? {})) {
      const isNan = Number.isNaN(value);
      await db
        .insertInto('latest_metrics')
        .values({
          run_uuid: run.id,
          key,
          value: isNan ? 0 : value,
          timestamp: 1,
          step: 0,
          is_nan: isNan ? 1 : 0,
        })
        .execute();
    }
    for (const [name, digest, context] of run.datasets ?? []) {
      inputs++;
      const existing = await db
        .selectFrom('datasets')
        .select('dataset_uuid')
        .where('experiment_id', '=', run.exp)
        .where('name', '=', name)
        .where('digest', '=', digest)
        .executeTakeFirst();
      const datasetId = existing?.dataset_uuid ?? `ds${inputs}`;
      if (!existing) {
        await db
          .insertInto('datasets')
          .values({
            dataset_uuid: datasetId,
            experiment_id: run.exp,
            name,
            digest,
            dataset_source_type: 'local',
            dataset_source: '{}',
            dataset_schema: null,
            dataset_profile: null,
          })
          .execute();
      }
      await db
        .insertInto('inputs')
        .values({
          input_uuid: `in${inputs}`,
          source_type: 'DATASET',
          source_id: datasetId,
          destination_type: 'RUN',
          destination_id: run.id,
        })
        .execute();
      if (context) {
        await db
          .insertInto('input_tags')
          .values({ input_uuid: `in${inputs}`, name: 'mlflow.data.context', value: context })
          .execute();
      }
    }
  }
}

let db: Kysely<Database>;

beforeAll(async () => {
  db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
  await migrateToLatest(db);
  await seed(db);
});

afterAll(async () => {
  await db.destroy();
});

const search = (opts: Partial<RunSearchOptions> = {}) =>
  searchRunIds(db, {
    experimentIds: [1, 2, 3],
    runViewType: 'ACTIVE_ONLY',
    orderBy: [],
    maxResults: 1000,
    ...opts,
  });

const ids = async (opts: Partial<RunSearchOptions>) => (await search(opts)).runIds;

async function rejection(opts: Partial<RunSearchOptions>): Promise<[string, string]> {
  try {
    await search(opts);
  } catch (err) {
    if (err instanceof MlflowError) return [err.code, err.message];
    throw err;
  }
  throw new Error('expected the search to fail');
}

describe('searchRunIds scope', () => {
  it('orders by start_time DESC then run id by default, active runs only', async () => {
    expect(await ids({})).toEqual(['r9', 'r8', 'r6', 'r10', 'r2', 'r3', 'r1', 'r4', 'r5']);
  });

  it('honours the view type', async () => {
    expect(await ids({ runViewType: 'DELETED_ONLY' })).toEqual(['r7']);
    expect(await ids({ runViewType: 'ALL' })).toEqual([
      'r9',
      'r8',
      'r6',
      'r10',
      'r2',
      'r3',
      'r1',
      'r4',
      'r5',
      'r7',
    ]);
  });

  it('searches only the given experiments', async () => {
    expect(await ids({ experimentIds: [2, 3] })).toEqual(['r8', 'r6']);
    expect(await ids({ experimentIds: [] })).toEqual([]);
  });
});

describe('searchRunIds filters', () => {
  it.each([
    ['metrics.acc > 0.6', ['r6', 'r10', 'r2', 'r1']],
    // NaN never satisfies a comparison except !=, and its stored 0 never matches.
    ['metrics.acc != 0.9', ['r9', 'r6', 'r10', 'r2', 'r3', 'r4']],
    ['metrics.acc = 0', []],
    ['metrics.loss = 0', ['r5']],
    ['metrics.inf >= 1e308', ['r6']],
    ['metrics.acc >= -1.5 and metrics.loss < 1', ['r1']],
    ["params.lr = '0.01'", ['r1', 'r5']],
    // != only matches runs that have the key.
    ["params.lr != '0.01'", ['r6', 'r10', 'r2', 'r3']],
    // LIKE is case-sensitive, ILIKE is not; _ and % are wildcards.
    ["params.opt LIKE 'a%'", ['r9', 'r2']],
    ["params.opt like 'A%'", ['r1']],
    ["params.opt ILIKE 'a%'", ['r9', 'r2', 'r1']],
    ["params.opt LIKE 'a_b'", ['r9']],
    // GLOB's own wildcards in the data are matched literally.
    ["tags.x_y LIKE 'a*b?[c]'", ['r3']],
    ["tags.env LIKE '100%'", ['r9']],
    ['params.lr IS NULL', ['r9', 'r8', 'r4']],
    ['params.opt IS NULL and tags.env IS NOT NULL', ['r6', 'r3', 'r5']],
    ["tags.env = 'prod'", ['r6', 'r1', 'r5']],
    ["tags.env ILIKE 'PROD'", ['r6', 'r3', 'r1', 'r5']],
    ["tags.note = 'it''s'", ['r8']],
    ["tags.mlflow.runName = 'tie'", ['r10']],
    ["attributes.status = 'FINISHED'", ['r1', 'r5']],
    ["status != 'RUNNING'", ['r10', 'r2', 'r1', 'r5']],
    ["attributes.user_id LIKE '%o%'", ['r2', 'r4']],
    ["user_id = 'alice' AND status = 'RUNNING'", ['r9', 'r8', 'r6', 'r3']],
    ["attributes.run_name = 'apple'", ['r1']],
    ["run_name LIKE 'cherry_1'", ['r4', 'r5']],
    ["`Run name` ILIKE 'ap%'", ['r2', 'r1']],
    ["run_id IN ('r1', 'r3', 'r99')", ['r3', 'r1']],
    ["attributes.run_id NOT IN ('r1', 'r3')", ['r9', 'r8', 'r6', 'r10', 'r2', 'r4', 'r5']],
    ["run_id = 'r2'", ['r2']],
    ['start_time >= 300', ['r9', 'r8', 'r6', 'r10', 'r2', 'r3']],
    ['created < 100', ['r4', 'r5']],
    // Runs without an end time match no end_time comparison.
    ['end_time != 200', ['r2', 'r5']],
    ["datasets.name = 'mnist'", ['r2', 'r1']],
    ["datasets.name LIKE 'M%'", ['r3']],
    ["datasets.name ILIKE 'M%'", ['r2', 'r3', 'r1']],
    ["datasets.name IN ('cifar', 'Mnist')", ['r3', 'r1']],
    ["datasets.name NOT IN ('mnist')", ['r3', 'r1']],
    ["datasets.digest = 'd1'", ['r2', 'r1']],
    ["datasets.context = 'train'", ['r1']],
    ["datasets.context IN ('eval')", ['r2', 'r1']],
    ["datasets.context = 'train' and datasets.name = 'cifar'", ['r1']],
  ])('%s', async (filter, expected) => {
    expect(await ids({ filter })).toEqual(expected);
  });
});

describe('searchRunIds order_by', () => {
  it.each([
    // Real values, then NaN, then runs without the metric, in either direction.
    [['metrics.acc'], ['r4', 'r9', 'r10', 'r2', 'r1', 'r6', 'r3', 'r8', 'r5']],
    [['metrics.acc DESC'], ['r6', 'r1', 'r10', 'r2', 'r9', 'r4', 'r3', 'r8', 'r5']],
    [['metrics.loss DESC'], ['r4', 'r1', 'r5', 'r2', 'r9', 'r8', 'r6', 'r10', 'r3']],
    // Params sort as text; runs without the param come last.
    [['params.lr'], ['r3', 'r1', 'r5', 'r10', 'r2', 'r6', 'r9', 'r8', 'r4']],
    [
      ['params.lr DESC', 'run_name'],
      ['r6', 'r2', 'r10', 'r1', 'r5', 'r3', 'r9', 'r4', 'r8'],
    ],
    [
      ['tags.env', 'start_time'],
      ['r9', 'r3', 'r2', 'r5', 'r1', 'r6', 'r4', 'r10', 'r8'],
    ],
    [['start_time ASC'], ['r4', 'r5', 'r1', 'r10', 'r2', 'r3', 'r6', 'r8', 'r9']],
    [['created'], ['r4', 'r5', 'r1', 'r10', 'r2', 'r3', 'r6', 'r8', 'r9']],
    // Runs without an end time come last in both directions.
    [['end_time'], ['r5', 'r1', 'r2', 'r9', 'r8', 'r6', 'r10', 'r3', 'r4']],
    [['end_time DESC'], ['r2', 'r1', 'r5', 'r9', 'r8', 'r6', 'r10', 'r3', 'r4']],
    [['run_name DESC'], ['r8', 'r10', 'r6', 'r4', 'r5', 'r3', 'r1', 'r2', 'r9']],
    [['attr.run_id'], ['r1', 'r10', 'r2', 'r3', 'r4', 'r5', 'r6', 'r8', 'r9']],
    [
      ['status', 'user_id DESC'],
      ['r2', 'r1', 'r5', 'r10', 'r4', 'r9', 'r8', 'r6', 'r3'],
    ],
  ])('%j', async (orderBy, expected) => {
    expect(await ids({ orderBy })).toEqual(expected);
  });

  it('combines with filters', async () => {
    expect(
      await ids({ filter: 'metrics.acc > -5', orderBy: ['metrics.acc DESC', 'params.opt'] }),
    ).toEqual(['r6', 'r1', 'r2', 'r10', 'r9', 'r4']);
  });

  it('rejects a field given twice with INVALID_PARAMETER_VALUE', async () => {
    expect(await rejection({ orderBy: ['start_time', 'created DESC'] })).toEqual([
      'INVALID_PARAMETER_VALUE',
      "`order_by` contains duplicate fields: ['start_time', 'created DESC']",
    ]);
  });
});

describe('searchRunIds pages', () => {
  it('returns a token only when more rows follow, and the token continues the order', async () => {
    const pages: string[][] = [];
    let pageToken: string | undefined;
    do {
      const page = await search({ maxResults: 3, orderBy: ['metrics.acc DESC'], pageToken });
      pages.push(page.runIds);
      pageToken = page.nextPageToken;
    } while (pageToken);
    expect(pages).toEqual([
      ['r6', 'r1', 'r10'],
      ['r2', 'r9', 'r4'],
      ['r3', 'r8', 'r5'],
    ]);
  });

  it('continues a metric order across real, NaN and missing values at every page size', async () => {
    const whole = await ids({ orderBy: ['metrics.acc DESC'] });
    for (let maxResults = 1; maxResults <= whole.length; maxResults++) {
      const paged: string[] = [];
      let pageToken: string | undefined;
      do {
        const page = await search({ maxResults, orderBy: ['metrics.acc DESC'], pageToken });
        paged.push(...page.runIds);
        pageToken = page.nextPageToken;
      } while (pageToken);
      expect(paged).toEqual(whole);
    }
  });

  it('omits the token when the page holds exactly the remaining rows', async () => {
    expect(await search({ maxResults: 9 })).toEqual({
      runIds: ['r9', 'r8', 'r6', 'r10', 'r2', 'r3', 'r1', 'r4', 'r5'],
    });
    expect((await search({ maxResults: 8 })).nextPageToken).toBe('eyJvZmZzZXQiOiA4fQ==');
  });

  it('starts where a token points', async () => {
    expect(await ids({ pageToken: 'eyJvZmZzZXQiOiAyfQ==' })).toEqual([
      'r6',
      'r10',
      'r2',
      'r3',
      'r1',
      'r4',
      'r5',
    ]);
  });
});

describe('searchRunIds errors', () => {
  it.each<[Partial<RunSearchOptions>, string]>([
    [
      { maxResults: 50001 },
      "Invalid value 50001 for parameter 'max_results' supplied. It must be at most 50000",
    ],
    [{ pageToken: 'abc' }, 'Invalid page token, could not base64-decode'],
    [
      { filter: 'metrics.acc > 0.6 OR metrics.acc < 0' },
      "Invalid clause(s) in filter string: 'OR'",
    ],
    // MLflow validates in this order: filter syntax, order_by, comparators, page token.
    [
      { filter: 'metrics.acc LIKE 1', orderBy: ['bogus'], pageToken: 'abc' },
      "Invalid attribute key 'bogus' specified. Valid keys are '{'run_id', 'run_name', " +
        "'status', 'user_id', 'artifact_uri', 'start_time', 'end_time', 'created', 'Created'}'",
    ],
    [
      { filter: 'metrics.acc LIKE 1', pageToken: 'abc' },
      "Invalid comparator 'LIKE' not one of '{'=', '!=', '>', '>=', '<', '<='}",
    ],
    [{ orderBy: ['datasets.name'] }, "Invalid identifier type 'dataset'"],
  ])('%j', async (opts, message) => {
    expect(await rejection(opts)).toEqual(['INVALID_PARAMETER_VALUE', message]);
  });
});
