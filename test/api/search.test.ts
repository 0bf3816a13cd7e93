// Runs and experiments search through the HTTP API: filters, ordering, view types and paging are
// wired to the search grammar (whose own rules have unit tests of their own).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExperiment, createRun, expectError } from '../support/fixtures.js';
import { post, startTestApp, type TestApp } from '../support/test-app.js';

const RUNS_SEARCH = '/api/2.0/mlflow/runs/search';
const EXPERIMENTS_SEARCH = '/api/2.0/mlflow/experiments/search';

let t: TestApp;
let experimentId: string;
const runIds: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestApp();
  experimentId = await createExperiment(t, 'search-runs');
  // Three live runs with distinct loss/lr/tag values, and one deleted run.
  for (const [name, loss, lr, team] of [
    ['alpha', 0.3, '0.1', 'red'],
    ['beta', 0.1, '0.01', 'blue'],
    ['gamma', 0.2, '0.1', 'blue'],
  ] as const) {
    const { runId } = await createRun(t, experimentId, { run_name: name });
    runIds[name] = runId;
    const res = await post(t, '/api/2.0/mlflow/runs/log-batch', {
      run_id: runId,
      metrics: [{ key: 'loss', value: loss, timestamp: 1, step: 0 }],
      params: [{ key: 'lr', value: lr }],
      tags: [{ key: 'team', value: team }],
    });
    expect(res.status).toBe(200);
  }
  const { runId } = await createRun(t, experimentId, { run_name: 'deleted-one' });
  runIds['deleted-one'] = runId;
  await post(t, '/api/2.0/mlflow/runs/delete', { run_id: runId });
});
afterAll(async () => {
  await t.close();
});

function names(body: { runs?: { info: { run_name: string } }[] }): string[] {
  return (body.runs ?? []).map((r) => r.info.run_name);
}

async function searchRuns(body: Record<string, unknown>) {
  return post(t, RUNS_SEARCH, { experiment_ids: [experimentId], ...body });
}

describe('runs/search', () => {
  it('returns active runs of the experiment with their data', async () => {
    const res = await searchRuns({});
    expect(res.status).toBe(200);
    expect(names(res.body).sort()).toEqual(['alpha', 'beta', 'gamma']);
    const alpha = res.body.runs.find(
      (r: { info: { run_name: string } }) => r.info.run_name === 'alpha',
    );
    expect(alpha.data.params).toEqual([{ key: 'lr', value: '0.1' }]);
    expect(alpha.data.metrics).toEqual([{ key: 'loss', value: 0.3, timestamp: 1, step: 0 }]);
  });

  it('filters by metric', async () => {
    const res = await searchRuns({ filter: 'metrics.loss < 0.25' });
    expect(res.status).toBe(200);
    expect(names(res.body).sort()).toEqual(['beta', 'gamma']);
  });

  it('filters by param and tag together', async () => {
    const res = await searchRuns({ filter: "params.lr = '0.1' and tags.team = 'blue'" });
    expect(names(res.body)).toEqual(['gamma']);
  });

  it('filters by run name attribute', async () => {
    const res = await searchRuns({ filter: "attributes.run_name = 'beta'" });
    expect(names(res.body)).toEqual(['beta']);
  });

  it('orders by metric ascending and descending', async () => {
    const asc = await searchRuns({ order_by: ['metrics.loss ASC'] });
    expect(names(asc.body)).toEqual(['beta', 'gamma', 'alpha']);
    const desc = await searchRuns({ order_by: ['metrics.loss DESC'] });
    expect(names(desc.body)).toEqual(['alpha', 'gamma', 'beta']);
  });

  it('pages with max_results and next_page_token', async () => {
    const first = await searchRuns({ order_by: ['metrics.loss ASC'], max_results: 2 });
    expect(names(first.body)).toEqual(['beta', 'gamma']);
    expect(typeof first.body.next_page_token).toBe('string');
    const second = await searchRuns({
      order_by: ['metrics.loss ASC'],
      max_results: 2,
      page_token: first.body.next_page_token,
    });
    expect(names(second.body)).toEqual(['alpha']);
    expect(second.body.next_page_token).toBeUndefined();
  });

  it.each([
    ['ACTIVE_ONLY', ['alpha', 'beta', 'gamma']],
    ['DELETED_ONLY', ['deleted-one']],
    ['ALL', ['alpha', 'beta', 'deleted-one', 'gamma']],
    [1, ['alpha', 'beta', 'gamma']],
    [2, ['deleted-one']],
    [3, ['alpha', 'beta', 'deleted-one', 'gamma']],
  ])('honours run_view_type %j', async (viewType, expected) => {
    const res = await searchRuns({ run_view_type: viewType });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(names(res.body).sort()).toEqual(expected);
  });

  it('answers an empty body when nothing matches', async () => {
    const res = await searchRuns({ filter: 'metrics.loss > 100' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
  });

  it('is also served over GET with repeated query parameters', async () => {
    const res = await t.api
      .get(RUNS_SEARCH)
      .query({ experiment_ids: experimentId, filter: "tags.team = 'blue'", run_view_type: 'ALL' });
    expect(res.status).toBe(200);
    expect(names(res.body).sort()).toEqual(['beta', 'gamma']);
  });

  it('accepts max_results of 50000', async () => {
    const res = await searchRuns({ max_results: 50000 });
    expect(res.status).toBe(200);
  });

  it('rejects max_results above 50000', async () => {
    const res = await searchRuns({ max_results: 50001 });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      "Invalid value 50001 for parameter 'max_results' supplied:  Hint: Value was of type 'int'.",
    );
  });

  it('rejects max_results that is not a number', async () => {
    const res = await searchRuns({ max_results: 'abc' });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      `Invalid value "abc" for parameter 'max_results' supplied:  Hint: Value was of type 'str'.`,
    );
  });

  it('rejects a page token that is not base64', async () => {
    const res = await searchRuns({ page_token: 'garbage' });
    expectError(res, 400, 'INVALID_PARAMETER_VALUE', 'Invalid page token, could not base64-decode');
  });

  it('rejects a page token whose offset is out of range with 400, not 500', async () => {
    // MLflow itself answers 500 ("Python int too large to convert to SQLite INTEGER").
    const token = Buffer.from('{"offset": 100000000000000000000}').toString('base64');
    const res = await searchRuns({ page_token: token });
    expectError(res, 400, 'INVALID_PARAMETER_VALUE', 'Invalid page token');
  });

  it('rejects a malformed filter', async () => {
    const res = await searchRuns({ filter: 'metrics.loss <' });
    expectError(res, 400, 'INVALID_PARAMETER_VALUE', 'Invalid clause(s) in filter string');
  });

  it('rejects an unknown order_by entity', async () => {
    const res = await searchRuns({ order_by: ['bogus.x'] });
    expectError(res, 400, 'INVALID_PARAMETER_VALUE', "Invalid entity type 'bogus'");
  });

  it('rejects a non-integer experiment id', async () => {
    const res = await post(t, RUNS_SEARCH, { experiment_ids: ['abc'] });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      "Invalid experiment ID 'abc'. Experiment ID must be a valid integer.",
    );
  });

  it('rejects an unknown run_view_type with a clear 400 (MLflow falls back to ACTIVE_ONLY)', async () => {
    const res = await searchRuns({ run_view_type: 'BOGUS' });
    expectError(res, 400, 'INVALID_PARAMETER_VALUE', "parameter 'run_view_type'");
  });
});

describe('experiments/search', () => {
  let s: TestApp;
  beforeAll(async () => {
    s = await startTestApp();
    for (const name of ['exp-a', 'exp-b', 'other-c']) {
      const id = await createExperiment(s, name);
      await post(s, '/api/2.0/mlflow/experiments/set-experiment-tag', {
        experiment_id: id,
        key: 'kind',
        value: name.startsWith('exp') ? 'exp' : 'other',
      });
    }
    const gone = await createExperiment(s, 'gone');
    await post(s, '/api/2.0/mlflow/experiments/delete', { experiment_id: gone });
  });
  afterAll(async () => {
    await s.close();
  });

  function experimentNames(body: { experiments?: { name: string }[] }): string[] {
    return (body.experiments ?? []).map((e) => e.name);
  }

  it('lists active experiments, including Default', async () => {
    const res = await post(s, EXPERIMENTS_SEARCH, { max_results: 100 });
    expect(res.status).toBe(200);
    expect(experimentNames(res.body).sort()).toEqual(['Default', 'exp-a', 'exp-b', 'other-c']);
  });

  it('filters by name with LIKE', async () => {
    const res = await post(s, EXPERIMENTS_SEARCH, {
      max_results: 100,
      filter: "name LIKE 'exp-%'",
    });
    expect(experimentNames(res.body).sort()).toEqual(['exp-a', 'exp-b']);
  });

  it('filters by tag', async () => {
    const res = await post(s, EXPERIMENTS_SEARCH, {
      max_results: 100,
      filter: "tags.kind = 'other'",
    });
    expect(experimentNames(res.body)).toEqual(['other-c']);
  });

  it('orders by name', async () => {
    const res = await post(s, EXPERIMENTS_SEARCH, { max_results: 100, order_by: ['name DESC'] });
    expect(experimentNames(res.body)).toEqual(['other-c', 'exp-b', 'exp-a', 'Default']);
  });

  it('pages with max_results and page_token', async () => {
    const seen: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const res = await post(s, EXPERIMENTS_SEARCH, {
        max_results: 3,
        order_by: ['name ASC'],
        ...(pageToken ? { page_token: pageToken } : {}),
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      seen.push(...experimentNames(res.body));
      pageToken = res.body.next_page_token;
      pages++;
    } while (pageToken && pages < 5);
    expect(seen).toEqual(['Default', 'exp-a', 'exp-b', 'other-c']);
    expect(pages).toBe(2);
  });

  it.each([
    ['DELETED_ONLY', ['gone']],
    [2, ['gone']],
    ['ALL', ['Default', 'exp-a', 'exp-b', 'gone', 'other-c']],
    ['3', ['Default', 'exp-a', 'exp-b', 'gone', 'other-c']],
  ])('honours view_type %j over GET', async (viewType, expected) => {
    const res = await s.api
      .get(EXPERIMENTS_SEARCH)
      .query({ max_results: 100, view_type: viewType });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(experimentNames(res.body).sort()).toEqual(expected);
  });

  it('rejects max_results of 0', async () => {
    const res = await post(s, EXPERIMENTS_SEARCH, { max_results: 0 });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      "Invalid value 0 for parameter 'max_results' supplied. It must be a positive integer",
    );
  });

  it('rejects max_results above 50000', async () => {
    const res = await post(s, EXPERIMENTS_SEARCH, { max_results: 50001 });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      "Invalid value 50001 for parameter 'max_results' supplied. It must be at most 50000",
    );
  });

  it('rejects max_results that is not a number', async () => {
    const res = await post(s, EXPERIMENTS_SEARCH, { max_results: 'abc' });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      `Invalid value "abc" for parameter 'max_results' supplied:  Hint: Value was of type 'str'.`,
    );
  });

  it('rejects a bad page token', async () => {
    const res = await post(s, EXPERIMENTS_SEARCH, { max_results: 10, page_token: 'garbage' });
    expectError(res, 400, 'INVALID_PARAMETER_VALUE', 'Invalid page token');
  });

  it('rejects a page token whose offset is out of range with 400, not 500', async () => {
    const token = Buffer.from('{"offset": 100000000000000000000}').toString('base64');
    const res = await post(s, EXPERIMENTS_SEARCH, { max_results: 10, page_token: token });
    expectError(res, 400, 'INVALID_PARAMETER_VALUE', 'Invalid page token');
  });

  it('rejects a malformed filter', async () => {
    const res = await post(s, EXPERIMENTS_SEARCH, { max_results: 10, filter: 'name LIKE' });
    expectError(res, 400, 'INVALID_PARAMETER_VALUE', 'Invalid clause(s) in filter string');
  });
});
