// runs/log-batch: metrics, params and tags in one all-or-nothing request, with MLflow's limits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExperiment, createRun, expectError } from '../support/fixtures.js';
import { post, startTestApp, type TestApp } from '../support/test-app.js';

const LOG_BATCH = '/api/2.0/mlflow/runs/log-batch';

let t: TestApp;
let experimentId: string;
beforeAll(async () => {
  t = await startTestApp();
  experimentId = await createExperiment(t, 'log-batch');
});
afterAll(async () => {
  await t.close();
});

async function newRun(): Promise<string> {
  return (await createRun(t, experimentId)).runId;
}

async function getRunData(runId: string) {
  const res = await t.api.get('/api/2.0/mlflow/runs/get').query({ run_id: runId });
  expect(res.status).toBe(200);
  return res.body.run.data as {
    metrics?: { key: string; value: unknown; timestamp: number; step: number }[];
    params?: { key: string; value: string }[];
    tags?: { key: string; value: string }[];
  };
}

const metric = (i: number) => ({ key: `m${i}`, value: i, timestamp: 1, step: 0 });
const param = (i: number) => ({ key: `p${i}`, value: String(i) });
const tag = (i: number) => ({ key: `t${i}`, value: String(i) });
const range = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));

describe('runs/log-batch', () => {
  it('logs metrics, params and tags together', async () => {
    const runId = await newRun();
    const res = await post(t, LOG_BATCH, {
      run_id: runId,
      metrics: [{ key: 'loss', value: 0.25, timestamp: 10, step: 1 }],
      params: [{ key: 'lr', value: '0.01' }],
      tags: [{ key: 'stage', value: 'dev' }],
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    const data = await getRunData(runId);
    expect(data.metrics).toEqual([{ key: 'loss', value: 0.25, timestamp: 10, step: 1 }]);
    expect(data.params).toEqual([{ key: 'lr', value: '0.01' }]);
    expect(data.tags).toContainEqual({ key: 'stage', value: 'dev' });
  });

  it('accepts an empty batch', async () => {
    const runId = await newRun();
    const res = await post(t, LOG_BATCH, { run_id: runId });
    expect(res.status).toBe(200);
  });

  it('renames the run when the batch sets mlflow.runName', async () => {
    const { runId } = await createRun(t, experimentId, { run_name: 'before' });
    await post(t, LOG_BATCH, {
      run_id: runId,
      tags: [{ key: 'mlflow.runName', value: 'after' }],
    });
    const run = await t.api.get('/api/2.0/mlflow/runs/get').query({ run_id: runId });
    expect(run.body.run.info.run_name).toBe('after');
  });

  it('accepts exactly 1000 metrics, 100 params and 100 tags in separate batches', async () => {
    const runId = await newRun();
    expect((await post(t, LOG_BATCH, { run_id: runId, metrics: range(1000, metric) })).status).toBe(
      200,
    );
    expect((await post(t, LOG_BATCH, { run_id: runId, params: range(100, param) })).status).toBe(
      200,
    );
    expect((await post(t, LOG_BATCH, { run_id: runId, tags: range(100, tag) })).status).toBe(200);
    const data = await getRunData(runId);
    expect(data.metrics).toHaveLength(1000);
    expect(data.params).toHaveLength(100);
  });

  it('truncates long param (6000) and tag (8000) values', async () => {
    const runId = await newRun();
    const res = await post(t, LOG_BATCH, {
      run_id: runId,
      params: [{ key: 'p', value: 'x'.repeat(6001) }],
      tags: [{ key: 't', value: 'y'.repeat(8001) }],
    });
    expect(res.status).toBe(200);
    const data = await getRunData(runId);
    expect(data.params).toEqual([{ key: 'p', value: 'x'.repeat(6000) }]);
    expect(data.tags?.find((x) => x.key === 't')?.value).toBe('y'.repeat(8000));
  });

  it('round-trips non-finite metric values', async () => {
    const runId = await newRun();
    const res = await post(t, LOG_BATCH, {
      run_id: runId,
      metrics: [
        { key: 'nan', value: 'NaN', timestamp: 1, step: 0 },
        { key: 'pos', value: 'Infinity', timestamp: 1, step: 0 },
        { key: 'neg', value: '-Infinity', timestamp: 1, step: 0 },
      ],
    });
    expect(res.status).toBe(200);
    const data = await getRunData(runId);
    const values = Object.fromEntries((data.metrics ?? []).map((m) => [m.key, m.value]));
    expect(values).toEqual({ nan: 'NaN', pos: 'Infinity', neg: '-Infinity' });
  });

  it('writes nothing when one part of the batch is rejected', async () => {
    const runId = await newRun();
    await post(t, LOG_BATCH, { run_id: runId, params: [{ key: 'p', value: '1' }] });
    const res = await post(t, LOG_BATCH, {
      run_id: runId,
      metrics: [{ key: 'should-not-exist', value: 1, timestamp: 1 }],
      params: [{ key: 'p', value: '2' }],
      tags: [{ key: 'nor-this', value: 'x' }],
    });
    expect(res.status).toBe(400);
    const data = await getRunData(runId);
    expect(data.metrics).toBeUndefined();
    expect(data.tags?.some((x) => x.key === 'nor-this')).toBe(false);
  });
});

describe('runs/log-batch validation', () => {
  let runId: string;
  beforeAll(async () => {
    runId = await newRun();
  });

  it.each([
    ['metrics[0].key', { metrics: [{ value: 1, timestamp: 1 }] }],
    ['metrics[0].value', { metrics: [{ key: 'a', timestamp: 1 }] }],
    ['metrics[0].timestamp', { metrics: [{ key: 'a', value: 1 }] }],
    ['params[0].key', { params: [{ value: '1' }] }],
    ['tags[0].key', { tags: [{ value: '1' }] }],
  ])('names %s when it is missing', async (field, body) => {
    const res = await post(t, LOG_BATCH, { run_id: runId, ...body });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      `Missing value for required parameter '${field}'. See the API docs for more information about request parameters.`,
    );
  });

  it('names the index of a missing field beyond the first entry', async () => {
    const res = await post(t, LOG_BATCH, {
      run_id: runId,
      metrics: [metric(0), metric(1), { key: 'x', value: 1 }],
    });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      "Missing value for required parameter 'metrics[2].timestamp'",
    );
  });

  it('rejects a missing run_id', async () => {
    const res = await post(t, LOG_BATCH, { metrics: [] });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      "Missing value for required parameter 'run_id'",
    );
  });

  it('rejects metrics that are not a list', async () => {
    const res = await post(t, LOG_BATCH, { run_id: runId, metrics: 'x' });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      `Invalid value "x" for parameter 'metrics' supplied:  Hint: Value was of type 'str'.`,
    );
  });

  it('rejects a negative metric timestamp, naming the entry', async () => {
    const res = await post(t, LOG_BATCH, {
      run_id: runId,
      metrics: [{ key: 'a', value: 1, timestamp: -5 }],
    });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      "Invalid value -5 for parameter 'metrics[0].timestamp' supplied: metric 'a' (value=1.0). Timestamp must be a nonnegative long (64-bit integer) ",
    );
  });

  it.each([
    ['params', "params[0].key'", { params: [{ key: '../p', value: '9' }] }],
    ['tags', "tags[0].key'", { tags: [{ key: '../p', value: '9' }] }],
    ['metrics', "metrics[0].name'", { metrics: [{ key: '../p', value: 9, timestamp: 1 }] }],
  ])('rejects a path-like key in %s, naming the entry', async (_kind, field, body) => {
    const res = await post(t, LOG_BATCH, { run_id: runId, ...body });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      `Invalid value "../p" for parameter '${field} supplied: Names may be treated as files`,
    );
  });

  it('rejects duplicate param keys in one batch', async () => {
    const res = await post(t, LOG_BATCH, {
      run_id: runId,
      params: [
        { key: 'd', value: '1' },
        { key: 'd', value: '2' },
      ],
    });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      "Duplicate parameter keys have been submitted: ['d']. Please ensure the request contains only one param value per param key.",
    );
  });

  it('rejects duplicate param keys even with equal values', async () => {
    const res = await post(t, LOG_BATCH, {
      run_id: runId,
      params: [
        { key: 'same', value: '1' },
        { key: 'same', value: '1' },
      ],
    });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      "Duplicate parameter keys have been submitted: ['same']",
    );
  });

  it('rejects a changed param value with MLflow batch message', async () => {
    const run = await newRun();
    await post(t, LOG_BATCH, { run_id: run, params: [{ key: 'p', value: '1' }] });
    const res = await post(t, LOG_BATCH, {
      run_id: run,
      params: [
        { key: 'p', value: '9' },
        { key: 'fresh', value: '1' },
      ],
    });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      `Changing param values is not allowed. Params were already logged='[{'key': 'p', 'old_value': '1', 'new_value': '9'}]' for run ID='${run}'.`,
    );
  });

  it('accepts re-logging a param with the same value', async () => {
    const run = await newRun();
    await post(t, LOG_BATCH, { run_id: run, params: [{ key: 'p', value: '1' }] });
    const res = await post(t, LOG_BATCH, { run_id: run, params: [{ key: 'p', value: '1' }] });
    expect(res.status).toBe(200);
  });

  it('rejects more than 1000 metrics', async () => {
    const res = await post(t, LOG_BATCH, { run_id: runId, metrics: range(1001, metric) });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      'A batch logging request can contain at most 1000 metrics. Got 1001 metrics. Please split up metrics across multiple requests and try again.',
    );
  });

  it('rejects more than 100 params', async () => {
    const res = await post(t, LOG_BATCH, { run_id: runId, params: range(101, param) });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      'A batch logging request can contain at most 100 params. Got 101 params.',
    );
  });

  it('rejects more than 100 tags', async () => {
    const res = await post(t, LOG_BATCH, { run_id: runId, tags: range(101, tag) });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      'A batch logging request can contain at most 100 tags. Got 101 tags.',
    );
  });

  it('rejects more than 1000 entities in total', async () => {
    const res = await post(t, LOG_BATCH, {
      run_id: runId,
      metrics: range(1000, metric),
      tags: [tag(0)],
    });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      'A batch logging request can contain at most 1000 metrics, params, and tags. Got 1001 metrics, params, and tags.',
    );
  });

  it('rejects a param key longer than 250 characters', async () => {
    const res = await post(t, LOG_BATCH, {
      run_id: runId,
      params: [{ key: 'k'.repeat(251), value: '1' }],
    });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      "'Param key' exceeds the maximum length of 250 characters",
    );
  });

  it('rejects a tag key longer than 250 characters, naming the entry', async () => {
    const res = await post(t, LOG_BATCH, {
      run_id: runId,
      tags: [{ key: 'k'.repeat(251), value: '1' }],
    });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      "'tags[0].key' exceeds the maximum length of 250 characters",
    );
  });

  it('rejects a metric name longer than 250 characters', async () => {
    const res = await post(t, LOG_BATCH, {
      run_id: runId,
      metrics: [{ key: 'k'.repeat(251), value: 1, timestamp: 1 }],
    });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      "'Metric name' exceeds the maximum length of 250 characters",
    );
  });

  it('answers an unknown run with RESOURCE_DOES_NOT_EXIST', async () => {
    const res = await post(t, LOG_BATCH, { run_id: 'nope' });
    expectError(res, 404, 'RESOURCE_DOES_NOT_EXIST', 'Run with id=nope not found');
  });
});
