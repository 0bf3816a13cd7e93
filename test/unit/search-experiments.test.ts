// searchExperimentIds against a real in-memory SQLite database built by the project's migrations.
// The expected ids and orders are what MLflow's own SQL store returned for the same rows.
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MlflowError } from '../../src/errors.js';
import {
  searchExperimentIds,
  type ExperimentSearchOptions,
} from '../../src/search/experiment-search.js';
import { migrateToLatest } from '../../src/store/projects.js';
import type { Database } from '../../src/store/schema.js';

const EXPERIMENTS = [
  { id: 0, name: 'Default', created: 1000, tags: {} },
  { id: 1, name: 'alpha', created: 3000, tags: { team: 'Vision', k: 'v1' } },
  { id: 2, name: 'Beta', created: 2000, tags: { team: 'nlp' } },
  { id: 3, name: 'gamma_x', created: 3000, tags: {} },
  { id: 4, name: 'delta%', created: 1500, tags: { team: 'vision' } },
  { id: 5, name: 'old', created: 500, tags: {}, deleted: true },
];

let db: Kysely<Database>;

beforeAll(async () => {
  db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
  await migrateToLatest(db);
  // The migration creates experiment 0; replace it so its times are known.
  await db.deleteFrom('experiments').execute();
  for (const e of EXPERIMENTS) {
    await db
      .insertInto('experiments')
      .values({
        experiment_id: e.id,
        name: e.name,
        artifact_location: `a/${e.id}`,
        lifecycle_stage: e.deleted ? 'deleted' : 'active',
        creation_time: e.created,
        last_update_time: e.created + 7,
      })
      .execute();
    for (const [key, value] of Object.entries(e.tags)) {
      await db.insertInto('experiment_tags').values({ experiment_id: e.id, key, value }).execute();
    }
  }
});

afterAll(async () => {
  await db.destroy();
});

const search = (opts: Partial<ExperimentSearchOptions> = {}) =>
  searchExperimentIds(db, { viewType: 'ACTIVE_ONLY', orderBy: [], maxResults: 1000, ...opts });

const ids = async (opts: Partial<ExperimentSearchOptions>) => (await search(opts)).experimentIds;

describe('searchExperimentIds', () => {
  it('orders by creation_time DESC, experiment_id ASC by default', async () => {
    expect(await ids({})).toEqual([1, 3, 2, 4, 0]);
  });

  it('honours the view type', async () => {
    expect(await ids({ viewType: 'DELETED_ONLY' })).toEqual([5]);
    expect(await ids({ viewType: 'ALL' })).toEqual([1, 3, 2, 4, 0, 5]);
  });

  it.each([
    ["name = 'alpha'", [1]],
    ["name != 'alpha'", [3, 2, 4, 0]],
    // LIKE is case-sensitive, ILIKE is not, _ is a wildcard and % in a name is just data.
    ["name LIKE 'a%'", [1]],
    ["name LIKE '%a%'", [1, 3, 2, 4, 0]],
    ["name ILIKE 'b%'", [2]],
    ["name LIKE 'gamma_x'", [3]],
    ['creation_time > 1500', [1, 3, 2]],
    ['last_update_time = 3007', [1, 3]],
    ["tags.team = 'vision'", [4]],
    ["tags.team LIKE 'V%'", [1]],
    ["tags.team ILIKE 'V%'", [1, 4]],
    ["tags.team != 'nlp'", [1, 4]],
    ['tags.team IS NULL', [3, 0]],
    ['tags.team IS NOT NULL', [1, 2, 4]],
    ["experiment_id = '0'", [0]],
    ["experiment_id IN ('0', '1')", [1, 0]],
    ["experiment_id NOT IN ('0')", [1, 3, 2, 4]],
    ["name = 'alpha' and tags.k = 'v1'", [1]],
  ])('filters %s', async (filter, expected) => {
    expect(await ids({ filter })).toEqual(expected);
  });

  it.each([
    [['name'], [2, 0, 1, 4, 3]],
    [['name DESC'], [3, 4, 1, 0, 2]],
    // Without experiment_id in the order, MLflow breaks ties by experiment_id DESC.
    [['creation_time'], [0, 4, 2, 3, 1]],
    [['last_update_time DESC'], [3, 1, 2, 4, 0]],
    [['experiment_id'], [0, 1, 2, 3, 4]],
  ])('orders by %j', async (orderBy, expected) => {
    expect(await ids({ orderBy })).toEqual(expected);
  });

  it('pages with MLflow tokens', async () => {
    const first = await search({ maxResults: 2 });
    expect(first).toEqual({ experimentIds: [1, 3], nextPageToken: 'eyJvZmZzZXQiOiAyfQ==' });
    const second = await search({ maxResults: 2, pageToken: first.nextPageToken });
    expect(second.experimentIds).toEqual([2, 4]);
    const third = await search({ maxResults: 2, pageToken: second.nextPageToken });
    expect(third).toEqual({ experimentIds: [0] });
  });

  it.each<[Partial<ExperimentSearchOptions>, string]>([
    [
      { maxResults: 0 },
      "Invalid value 0 for parameter 'max_results' supplied. It must be a positive integer",
    ],
    [{ orderBy: ['tags.team'] }, 'Invalid order_by entity: tag'],
    // Filter comparators are checked before order_by is parsed.
    [{ filter: "tags.team like 'V%'", orderBy: ['bogus'] }, 'Invalid comparator for tag: like'],
    [{ pageToken: 'abc' }, 'Invalid page token, could not base64-decode'],
  ])('rejects %j', async (opts, message) => {
    await expect(search(opts)).rejects.toSatisfy(
      (err) =>
        err instanceof MlflowError &&
        err.code === 'INVALID_PARAMETER_VALUE' &&
        err.message === message,
    );
  });
});
