// MLflow's deprecated V2 trace endpoints: StartTrace, EndTrace, GetTraceInfo, SearchTraces; the
// V2 TraceInfo shape (statuses, key/value lists, a 0 duration while running) and MLflow's errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post, startTestApp, type TestApp } from '../support/test-app.js';

const V2 = '/api/2.0/mlflow';
let t: TestApp;
let experimentId: string;

function patch(url: string, body: unknown) {
  return t.api.patch(url).set('Content-Type', 'application/json').send(JSON.stringify(body));
}

async function start(body: Record<string, unknown>): Promise<string> {
  const res = await post(t, `${V2}/traces`, { experiment_id: experimentId, ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.trace_info.request_id as string;
}

beforeAll(async () => {
  t = await startTestApp();
  experimentId = (await post(t, `${V2}/experiments/create`, { name: 'v2' })).body.experiment_id;
});
afterAll(async () => {
  await t.close();
});

describe('StartTrace (V2)', () => {
  it('creates an IN_PROGRESS trace under a 32-hex request id, with tags and metadata', async () => {
    const res = await post(t, `${V2}/traces`, {
      experiment_id: experimentId,
      timestamp_ms: 1_700_000_000_000,
      request_metadata: [{ key: 'mlflow.user', value: 'al' }, { key: 'empty' }],
      tags: [
        { key: 'mlflow.traceName', value: 'first' },
        { key: 'env', value: 'dev' },
        { key: 'env', value: 'prod' },
      ],
    });
    expect(res.status).toBe(200);
    const info = res.body.trace_info;
    expect(info.request_id).toMatch(/^[0-9a-f]{32}$/);
    expect(info).toEqual({
      request_id: info.request_id,
      experiment_id: experimentId,
      timestamp_ms: 1_700_000_000_000,
      execution_time_ms: 0,
      status: 'IN_PROGRESS',
      request_metadata: [
        { key: 'empty', value: '' },
        { key: 'mlflow.user', value: 'al' },
      ],
      tags: [
        { key: 'env', value: 'prod' },
        {
          key: 'mlflow.artifactLocation',
          value: `mlflow-artifacts:/${experimentId}/traces/${info.request_id}/artifacts`,
        },
        { key: 'mlflow.traceName', value: 'first' },
      ],
    });
  });

  it('starts at time 0 when no timestamp is given, and the V3 API sees the trace', async () => {
    const id = await start({});
    const res = await t.api.get(`/api/3.0/mlflow/traces/${id}`);
    expect(res.status).toBe(200);
    expect(res.body.trace.trace_info).toMatchObject({
      trace_id: id,
      request_time: '1970-01-01T00:00:00Z',
      state: 'IN_PROGRESS',
    });
  });

  it.each([
    [{ experiment_id: undefined }, 400, "Missing value for required parameter 'experiment_id'"],
    [{ experiment_id: 'abc' }, 400, "Invalid experiment ID 'abc'"],
    [{ experiment_id: 1 }, 400, "Invalid value 1 for parameter 'experiment_id'"],
    [{ experiment_id: '98765' }, 404, 'No Experiment with id=98765 exists'],
    [{ timestamp_ms: '12x' }, 400, 'Invalid value "12x" for parameter \'timestamp_ms\''],
    [{ tags: [{ value: 'x' }] }, 400, 'Invalid value [{"value":"x"}] for parameter \'tags\''],
    [{ tags: { a: 'b' } }, 400, "Hint: Value was of type 'dict'"],
    [{ request_metadata: [{ key: '' }] }, 400, "parameter 'request_metadata'"],
    [
      { tags: [{ key: 'mlflow.traceName', value: 'x'.repeat(4097) }] },
      400,
      "'Trace name' exceeds the maximum length of 4096 characters",
    ],
  ])('refuses %j', async (body, status, message) => {
    const res = await post(t, `${V2}/traces`, { experiment_id: experimentId, ...body });
    expect(res.status).toBe(status);
    expect(res.body.message).toContain(message);
  });
});

describe('EndTrace (V2)', () => {
  it('sets the status and the duration, merging tags and metadata', async () => {
    const id = await start({
      timestamp_ms: 1000,
      request_metadata: [{ key: 'a', value: '1' }],
      tags: [{ key: 'env', value: 'dev' }],
    });
    const res = await patch(`${V2}/traces/${id}`, {
      timestamp_ms: 1250,
      status: 'ERROR',
      request_metadata: [{ key: 'b', value: '2' }],
      tags: [
        { key: 'env', value: 'prod' },
        { key: 'mlflow.traceName', value: 'renamed' },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.trace_info).toMatchObject({
      execution_time_ms: 250,
      status: 'ERROR',
      request_metadata: [
        { key: 'a', value: '1' },
        { key: 'b', value: '2' },
      ],
    });
    expect(res.body.trace_info.tags).toContainEqual({ key: 'env', value: 'prod' });
    expect(res.body.trace_info.tags).toContainEqual({ key: 'mlflow.traceName', value: 'renamed' });
    // Status given as the proto enum number (1 = OK); the end time defaults to 0.
    const again = await patch(`${V2}/traces/${id}`, { status: 1 });
    expect(again.body.trace_info).toMatchObject({ status: 'OK', execution_time_ms: -1000 });
    const v3 = await t.api.get(`/api/3.0/mlflow/traces/${id}`);
    expect(v3.body.trace.trace_info.state).toBe('OK');
  });

  it.each([
    [{ timestamp_ms: 5 }, 'Invalid trace status'],
    [{ status: 'TRACE_STATUS_UNSPECIFIED' }, 'Invalid trace status'],
    [{ status: 'finished' }, 'Invalid trace status'],
    [{ status: 7 }, "Invalid value 7 for parameter 'status'"],
    [{ status: 'OK', timestamp_ms: 'x' }, 'Invalid value "x" for parameter \'timestamp_ms\''],
  ])('refuses %j with 400 and keeps the trace as it was', async (body, message) => {
    const id = await start({ timestamp_ms: 10 });
    const res = await patch(`${V2}/traces/${id}`, body);
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(res.body.message).toContain(message);
    const info = await t.api.get(`${V2}/traces/${id}/info`);
    expect(info.body.trace_info).toMatchObject({ status: 'IN_PROGRESS', execution_time_ms: 0 });
  });

  it('answers 404 for an unknown trace', async () => {
    const res = await patch(`${V2}/traces/nope`, { status: 'OK' });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({
      error_code: 'RESOURCE_DOES_NOT_EXIST',
      message: "Trace with ID 'nope' not found.",
    });
  });
});

describe('GetTraceInfo (V2)', () => {
  it('reads traces made by the V3 API in the V2 shape', async () => {
    const traceId = 'tr-0123456789abcdef0123456789abcdef';
    const made = await post(t, '/api/3.0/mlflow/traces', {
      trace: {
        trace_info: {
          trace_id: traceId,
          trace_location: {
            type: 'MLFLOW_EXPERIMENT',
            mlflow_experiment: { experiment_id: experimentId },
          },
          request_time: '2023-11-14T22:13:20.500Z',
          state: 'STATE_UNSPECIFIED',
          trace_metadata: { k: 'v'.repeat(300) },
          tags: { long: 't'.repeat(5000) },
        },
      },
    });
    expect(made.status).toBe(200);
    const res = await t.api.get(`${V2}/traces/${traceId}/info`);
    expect(res.status).toBe(200);
    const info = res.body.trace_info;
    expect(info).toMatchObject({
      request_id: traceId,
      experiment_id: experimentId,
      timestamp_ms: 1_700_000_000_500,
      execution_time_ms: 0,
      status: 'TRACE_STATUS_UNSPECIFIED',
    });
    // Keys and values cut to the proto's limits, as MLflow's TraceInfoV2 does.
    expect(info.request_metadata).toContainEqual({ key: 'k', value: 'v'.repeat(250) });
    expect(info.tags).toContainEqual({ key: 'long', value: 't'.repeat(4096) });
  });

  it('answers 404 for an unknown trace', async () => {
    const res = await t.api.get(`${V2}/traces/nope/info`);
    expect(res.status).toBe(404);
    expect(res.body.message).toBe("Trace with ID 'nope' not found.");
  });
});

describe('SearchTraces (V2)', () => {
  let exp: string;
  const ids: string[] = [];

  beforeAll(async () => {
    exp = (await post(t, `${V2}/experiments/create`, { name: 'v2-search' })).body.experiment_id;
    for (const [n, status] of [
      [1, 'OK'],
      [2, 'ERROR'],
      [3, 'OK'],
    ] as const) {
      const res = await post(t, `${V2}/traces`, {
        experiment_id: exp,
        timestamp_ms: n * 1000,
        tags: [{ key: 'n', value: String(n) }],
      });
      ids.push(res.body.trace_info.request_id);
      await patch(`${V2}/traces/${ids[n - 1]}`, { timestamp_ms: n * 1000 + n, status });
    }
  });

  const search = (query: Record<string, string | string[]>) =>
    t.api.get(`${V2}/traces`).query({ experiment_ids: exp, ...query });
  const found = (body: { traces?: { request_id: string }[] }) =>
    (body.traces ?? []).map((x) => ids.indexOf(x.request_id) + 1);

  it('filters, orders and pages with the V3 grammar', async () => {
    expect(found((await search({})).body)).toEqual([3, 2, 1]);
    expect(found((await search({ filter: "status = 'OK'" })).body)).toEqual([3, 1]);
    expect(found((await search({ order_by: ['execution_time_ms ASC'] })).body)).toEqual([1, 2, 3]);
    const first = await search({ max_results: '2' });
    expect(found(first.body)).toEqual([3, 2]);
    expect(first.body.next_page_token).toBeDefined();
    const second = await search({ max_results: '2', page_token: first.body.next_page_token });
    expect(found(second.body)).toEqual([1]);
    expect(second.body.next_page_token).toBeUndefined();
    expect(first.body.traces[0]).toMatchObject({ status: 'OK', execution_time_ms: 3 });
  });

  it('answers {} when nothing matches', async () => {
    const res = await search({ filter: "tags.n = 'none'" });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
  });

  it.each([
    [{ max_results: '501' }, 'Invalid value "501" for parameter \'max_results\''],
    [{ max_results: '0' }, "Invalid value 0 for parameter 'max_results' supplied. It must be a"],
    [{ filter: 'bad' }, "Invalid clause(s) in filter string: 'bad'"],
    [{ page_token: 'xx' }, 'Invalid page token'],
  ])('refuses %j', async (query, message) => {
    const res = await search(query);
    expect(res.status).toBe(400);
    expect(res.body.message).toContain(message);
  });

  it('requires experiment_ids', async () => {
    const res = await t.api.get(`${V2}/traces`);
    expect(res.status).toBe(400);
    expect(res.body.message).toContain("Missing value for required parameter 'experiment_ids'");
  });
});
