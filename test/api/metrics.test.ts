// Metric API family: log-metric, get-history (paged) and get-history-bulk-interval (sampled).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExperiment, createRun, expectError } from '../support/fixtures.js';
import { post, startTestApp, type TestApp } from '../support/test-app.js';

const LOG_METRIC = '/api/2.0/mlflow/runs/log-metric';
const HISTORY = '/api/2.0/mlflow/metrics/get-history';
const BULK = '/api/2.0/mlflow/metrics/get-history-bulk-interval';

let t: TestApp;
let experimentId: string;
beforeAll(async () => {
  t = await startTestApp();
  experimentId = await createExperiment(t, 'metrics');
});
afterAll(async () => {
  await t.close();
});

async function newRun(): Promise<string> {
  return (await createRun(t, experimentId)).runId;
}

/** Logs `count` points of `key` with step i, timestamp 1000 + i and value i / 10. */
async function logSeries(runId: string, key: string, count: number): Promise<void> {
  for (let start = 0; start < count; start += 1000) {
    const metrics = [];
    for (let i = start; i < Math.min(count, start + 1000); i++) {
      metrics.push({ key, value: i / 10, timestamp: 1000 + i, step: i });
    }
    const res = await post(t, '/api/2.0/mlflow/runs/log-batch', { run_id: runId, metrics });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }
}

describe('runs/log-metric', () => {
  it('logs a point that get-history returns', async () => {
    const runId = await newRun();
    const res = await post(t, LOG_METRIC, {
      run_id: runId,
      key: 'loss',
      value: 0.5,
      timestamp: 123,
      step: 2,
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    const history = await t.api.get(HISTORY).query({ run_id: runId, metric_key: 'loss' });
    expect(history.status).toBe(200);
    expect(history.body).toEqual({
      metrics: [{ key: 'loss', value: 0.5, timestamp: 123, step: 2 }],
    });
  });

  it('defaults the step to 0', async () => {
    const runId = await newRun();
    await post(t, LOG_METRIC, { run_id: runId, key: 'm', value: 1, timestamp: 5 });
    const history = await t.api.get(HISTORY).query({ run_id: runId, metric_key: 'm' });
    expect(history.body.metrics[0].step).toBe(0);
  });

  it('accepts numbers sent as strings, as protobuf JSON does', async () => {
    const runId = await newRun();
    const res = await post(t, LOG_METRIC, {
      run_id: runId,
      key: 'm',
      value: '1.5',
      timestamp: '7',
      step: '3',
    });
    expect(res.status).toBe(200);
    const history = await t.api.get(HISTORY).query({ run_id: runId, metric_key: 'm' });
    expect(history.body.metrics).toEqual([{ key: 'm', value: 1.5, timestamp: 7, step: 3 }]);
  });

  it('round-trips NaN, Infinity and -Infinity as strings', async () => {
    const runId = await newRun();
    for (const [i, value] of ['NaN', 'Infinity', '-Infinity'].entries()) {
      const res = await post(t, LOG_METRIC, {
        run_id: runId,
        key: 'odd',
        value,
        timestamp: 10 + i,
        step: i,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
    const history = await t.api.get(HISTORY).query({ run_id: runId, metric_key: 'odd' });
    expect(history.body.metrics.map((m: { value: unknown }) => m.value)).toEqual([
      'NaN',
      'Infinity',
      '-Infinity',
    ]);
    const run = await t.api.get('/api/2.0/mlflow/runs/get').query({ run_id: runId });
    expect(run.body.run.data.metrics).toEqual([
      { key: 'odd', value: '-Infinity', timestamp: 12, step: 2 },
    ]);
  });

  it('shows the latest point (highest step) on the run', async () => {
    const runId = await newRun();
    await post(t, LOG_METRIC, { run_id: runId, key: 'acc', value: 0.9, timestamp: 30, step: 5 });
    await post(t, LOG_METRIC, { run_id: runId, key: 'acc', value: 0.1, timestamp: 40, step: 1 });
    const run = await t.api.get('/api/2.0/mlflow/runs/get').query({ run_id: runId });
    expect(run.body.run.data.metrics).toEqual([{ key: 'acc', value: 0.9, timestamp: 30, step: 5 }]);
  });

  it('rejects a negative timestamp', async () => {
    const runId = await newRun();
    const res = await post(t, LOG_METRIC, { run_id: runId, key: 'm', value: 1.5, timestamp: -1 });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      "Invalid value -1 for parameter 'timestamp' supplied: metric 'm' (value=1.5). Timestamp must be a nonnegative long (64-bit integer) ",
    );
  });

  it('rejects a missing timestamp', async () => {
    const runId = await newRun();
    const res = await post(t, LOG_METRIC, { run_id: runId, key: 'm', value: 1 });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      "Missing value for required parameter 'timestamp'",
    );
  });

  it('rejects a missing value', async () => {
    const runId = await newRun();
    const res = await post(t, LOG_METRIC, { run_id: runId, key: 'm', timestamp: 1 });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      "Missing value for required parameter 'value'",
    );
  });

  it('rejects a missing key', async () => {
    const runId = await newRun();
    const res = await post(t, LOG_METRIC, { run_id: runId, value: 1, timestamp: 1 });
    expectError(res, 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'key'");
  });

  it('rejects a missing run id', async () => {
    const res = await post(t, LOG_METRIC, { key: 'm', value: 1, timestamp: 1 });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      "Missing value for required parameter 'run_id'",
    );
  });

  it('rejects a value that is not a number', async () => {
    const runId = await newRun();
    const res = await post(t, LOG_METRIC, { run_id: runId, key: 'm', value: 'abc', timestamp: 1 });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      `Invalid value "abc" for parameter 'value' supplied:  Hint: Value was of type 'str'.`,
    );
  });

  it('rejects a step that is not an integer', async () => {
    const runId = await newRun();
    const res = await post(t, LOG_METRIC, {
      run_id: runId,
      key: 'm',
      value: 1,
      timestamp: 1,
      step: 'x',
    });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      `Invalid value "x" for parameter 'step' supplied:  Hint: Value was of type 'str'.`,
    );
  });

  it('rejects a path-like metric name, naming the field "name"', async () => {
    const runId = await newRun();
    const res = await post(t, LOG_METRIC, { run_id: runId, key: '../m', value: 1, timestamp: 1 });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      `Invalid value "../m" for parameter 'name' supplied: Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to '../m'`,
    );
  });

  it('rejects a metric name longer than 250 characters', async () => {
    const runId = await newRun();
    const res = await post(t, LOG_METRIC, {
      run_id: runId,
      key: 'k'.repeat(251),
      value: 1,
      timestamp: 1,
    });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      "'Metric name' exceeds the maximum length of 250 characters",
    );
  });

  it('answers an unknown run with RESOURCE_DOES_NOT_EXIST', async () => {
    const res = await post(t, LOG_METRIC, { run_id: 'nope', key: 'm', value: 1, timestamp: 1 });
    expectError(res, 404, 'RESOURCE_DOES_NOT_EXIST', 'Run with id=nope not found');
  });
});

describe('metrics/get-history', () => {
  let runId: string;
  beforeAll(async () => {
    runId = await newRun();
    await logSeries(runId, 'loss', 5);
  });

  it('returns the whole history ordered by timestamp without a page token', async () => {
    const res = await t.api.get(HISTORY).query({ run_id: runId, metric_key: 'loss' });
    expect(res.status).toBe(200);
    expect(res.body.metrics.map((m: { step: number }) => m.step)).toEqual([0, 1, 2, 3, 4]);
    expect(res.body.next_page_token).toBeUndefined();
  });

  it('pages with max_results and page_token until the history is exhausted', async () => {
    const steps: number[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const res = await t.api.get(HISTORY).query({
        run_id: runId,
        metric_key: 'loss',
        max_results: 2,
        ...(pageToken ? { page_token: pageToken } : {}),
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.metrics.length).toBeLessThanOrEqual(2);
      steps.push(...res.body.metrics.map((m: { step: number }) => m.step));
      pageToken = res.body.next_page_token;
      pages++;
    } while (pageToken && pages < 10);
    expect(steps).toEqual([0, 1, 2, 3, 4]);
    expect(pages).toBe(3);
  });

  it('answers a metric that was never logged with an empty body', async () => {
    const res = await t.api.get(HISTORY).query({ run_id: runId, metric_key: 'never' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
  });

  it('rejects max_results of 0', async () => {
    const res = await t.api
      .get(HISTORY)
      .query({ run_id: runId, metric_key: 'loss', max_results: 0 });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      "Invalid value 0 for parameter 'max_results' supplied. It must be a positive integer.",
    );
  });

  it('rejects a page token that is not base64', async () => {
    const res = await t.api
      .get(HISTORY)
      .query({ run_id: runId, metric_key: 'loss', page_token: 'garbage' });
    expectError(res, 400, 'INVALID_PARAMETER_VALUE', 'Invalid page token, could not base64-decode');
  });

  it('rejects a page token whose offset is out of range with 400, not 500', async () => {
    const token = Buffer.from('{"offset": 100000000000000000000}').toString('base64');
    const res = await t.api
      .get(HISTORY)
      .query({ run_id: runId, metric_key: 'loss', max_results: 2, page_token: token });
    expectError(res, 400, 'INVALID_PARAMETER_VALUE', 'Invalid page token');
  });

  it('rejects a max_results beyond the safe integer range with MLflow wording', async () => {
    const res = await t.api
      .get(`${HISTORY}?run_id=${runId}&metric_key=loss&max_results=100000000000000000000`)
      .send();
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      `Invalid value "100000000000000000000" for parameter 'max_results' supplied:  Hint: Value was of type 'str'.`,
    );
  });

  it('rejects a request without metric_key', async () => {
    const res = await t.api.get(HISTORY).query({ run_id: runId });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      "Missing value for required parameter 'metric_key'",
    );
  });

  it('rejects a request without run_id', async () => {
    const res = await t.api.get(HISTORY).query({ metric_key: 'loss' });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      "Missing value for required parameter 'run_id'",
    );
  });
});

describe('metrics/get-history-bulk-interval', () => {
  let runId: string;
  let otherRunId: string;
  beforeAll(async () => {
    runId = await newRun();
    otherRunId = await newRun();
    await logSeries(runId, 'loss', 100);
    await logSeries(otherRunId, 'loss', 3);
  });

  function steps(body: { metrics?: { step: number }[] }): number[] {
    return (body.metrics ?? []).map((m) => m.step);
  }

  it('samples at most max_results points and keeps the first and the last', async () => {
    const res = await t.api.get(BULK).query({ run_ids: runId, metric_key: 'loss', max_results: 5 });
    expect(res.status).toBe(200);
    const got = steps(res.body);
    expect(got).toHaveLength(5);
    expect(got[0]).toBe(0);
    expect(got.at(-1)).toBe(99);
    expect([...got].sort((a, b) => a - b)).toEqual(got);
    expect(res.body.metrics[0]).toEqual({
      key: 'loss',
      value: 0,
      timestamp: 1000,
      step: 0,
      run_id: runId,
    });
  });

  it.each([2, 3, 7, 10, 33])('returns exactly %i points including both ends', async (max) => {
    const res = await t.api
      .get(BULK)
      .query({ run_ids: runId, metric_key: 'loss', max_results: max });
    const got = steps(res.body);
    expect(got).toHaveLength(max);
    expect(got[0]).toBe(0);
    expect(got.at(-1)).toBe(99);
    expect(new Set(got).size).toBe(max);
  });

  it('returns every point when the history is shorter than max_results', async () => {
    const res = await t.api.get(BULK).query({ run_ids: otherRunId, metric_key: 'loss' });
    expect(steps(res.body)).toEqual([0, 1, 2]);
  });

  it('restricts the sample to the step range, keeping both of its ends', async () => {
    const res = await t.api.get(BULK).query({
      run_ids: runId,
      metric_key: 'loss',
      max_results: 4,
      start_step: 10,
      end_step: 20,
    });
    expect(res.status).toBe(200);
    const got = steps(res.body);
    expect(got).toHaveLength(4);
    expect(got[0]).toBe(10);
    expect(got.at(-1)).toBe(20);
    expect(got.every((s) => s >= 10 && s <= 20)).toBe(true);
  });

  it('returns points of several runs, each tagged with its run_id', async () => {
    const res = await t.api
      .get(`${BULK}?run_ids=${runId}&run_ids=${otherRunId}&metric_key=loss&max_results=3`)
      .send();
    expect(res.status).toBe(200);
    const byRun = new Map<string, number[]>();
    for (const m of res.body.metrics as { run_id: string; step: number }[]) {
      byRun.set(m.run_id, [...(byRun.get(m.run_id) ?? []), m.step]);
    }
    expect(byRun.get(runId)).toHaveLength(3);
    expect(byRun.get(otherRunId)).toEqual([0, 1, 2]);
  });

  it.each([0, 2501])('rejects max_results=%i', async (max) => {
    const res = await t.api
      .get(BULK)
      .query({ run_ids: runId, metric_key: 'loss', max_results: max });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      'max_results must be between 1 and 2500. See the API docs for more information about request parameters.',
    );
  });

  it('rejects a start step without an end step', async () => {
    const res = await t.api.get(BULK).query({ run_ids: runId, metric_key: 'loss', start_step: 10 });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      'If either start step or end step are specified, both must be specified.',
    );
  });

  it('rejects a start step after the end step', async () => {
    const res = await t.api
      .get(BULK)
      .query({ run_ids: runId, metric_key: 'loss', start_step: 20, end_step: 10 });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      'end_step must be greater than start_step. Found start_step=20 and end_step=10.',
    );
  });

  it('rejects more than 100 run ids', async () => {
    const ids = Array.from({ length: 101 }, (_, i) => `run_ids=r${i}`).join('&');
    const res = await t.api.get(`${BULK}?${ids}&metric_key=loss`);
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      'GetMetricHistoryBulkInterval request must specify at most 100 run_ids. Received 101 run_ids.',
    );
  });

  it('rejects a request without run_ids', async () => {
    const res = await t.api.get(BULK).query({ metric_key: 'loss' });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      "Missing value for required parameter 'run_ids'",
    );
  });

  it('rejects a request without metric_key', async () => {
    const res = await t.api.get(BULK).query({ run_ids: runId });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      "Missing value for required parameter 'metric_key'",
    );
  });

  it('answers a metric that was never logged with an empty body', async () => {
    const res = await t.api.get(BULK).query({ run_ids: runId, metric_key: 'never' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
  });
});

describe('ajax-api metrics/get-history-bulk', () => {
  const FULL = '/ajax-api/2.0/mlflow/metrics/get-history-bulk';
  let a: string;
  let b: string;
  beforeAll(async () => {
    a = await newRun();
    b = await newRun();
    await logSeries(a, 'acc', 4);
    await logSeries(b, 'acc', 3);
  });

  /** Repeated run_id parameters, as the web UI sends them. */
  const ask = (runIds: string[], extra: Record<string, string | number> = {}) =>
    t.api
      .get(FULL)
      .query(
        new URLSearchParams([
          ...runIds.map((id) => ['run_id', id]),
          ...Object.entries(extra).map(([k, v]) => [k, String(v)]),
        ]).toString(),
      );

  it('answers every point of each run, sorted by run id then timestamp, with its run id', async () => {
    const res = await ask([b, a, b], { metric_key: 'acc' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const [first, second] = [a, b].sort();
    const count = (id: string) => (id === a ? 4 : 3);
    const expected = [first, second].flatMap((id) =>
      Array.from({ length: count(id) }, (_, i) => ({
        key: 'acc',
        value: i / 10,
        timestamp: 1000 + i,
        step: i,
        run_id: id,
      })),
    );
    expect(res.body.metrics).toEqual(expected);
  });

  it('cuts at max_results points in all and answers an empty list for nothing', async () => {
    const res = await ask([a, b], { metric_key: 'acc', max_results: 5 });
    expect(res.body.metrics).toHaveLength(5);
    const none = await ask(['0'.repeat(32)], { metric_key: 'acc' });
    expect(none.status).toBe(200);
    expect(none.body).toEqual({ metrics: [] });
  });

  it("is the web UI's: not under /api", async () => {
    const res = await t.api.get(
      `/api/2.0/mlflow/metrics/get-history-bulk?run_id=${a}&metric_key=acc`,
    );
    expect(res.status).toBe(404);
  });

  it('refuses requests without run ids, with too many, or without metric_key, as MLflow', async () => {
    expectError(
      await ask([], { metric_key: 'acc' }),
      400,
      'INVALID_PARAMETER_VALUE',
      'GetMetricHistoryBulk request must specify at least one run_id.',
    );
    expectError(
      await ask(
        Array.from({ length: 101 }, (_, i) => `r${i}`),
        { metric_key: 'acc' },
      ),
      400,
      'INVALID_PARAMETER_VALUE',
      'GetMetricHistoryBulk request cannot specify more than 100 run_ids. Received 101 run_ids.',
    );
    expectError(
      await ask([a]),
      400,
      'INVALID_PARAMETER_VALUE',
      'GetMetricHistoryBulk request must specify a metric_key.',
    );
    expectError(
      await ask([a], { metric_key: 'acc', max_results: -1 }),
      400,
      'INVALID_PARAMETER_VALUE',
    );
    expectError(
      await ask([a], { metric_key: 'acc', max_results: 'x' }),
      400,
      'INVALID_PARAMETER_VALUE',
    );
  });
});
