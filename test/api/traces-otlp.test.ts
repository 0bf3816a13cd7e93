// OTLP/HTTP span ingest (/v1/traces) and reading traces back: protobuf and JSON bodies, gzip,
// MLflow's errors for bad input, both arrival orders of spans and StartTraceV3, project isolation.
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { otlpJson, otlpProtobuf, type TestSpan } from '../support/otlp.js';
import { post, startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
let experimentId: string;

beforeAll(async () => {
  t = await startTestApp();
  experimentId = (await post(t, '/api/2.0/mlflow/experiments/create', { name: 'otlp' })).body
    .experiment_id as string;
});
afterAll(async () => {
  await t.close();
});

let counter = 0;
function ids() {
  counter++;
  const hex = counter.toString(16).padStart(4, '0');
  return {
    trace: `0af7651916cd43dd8448eb211c80${hex}`,
    root: `b7ad6b716920${hex}`,
    child: `00f067aa0ba9${hex}`,
  };
}

// Past 2^53: any rounding through a JS number would change the last digits.
const T0 = 1796316330309194728n;

function twoSpans(id: ReturnType<typeof ids>): TestSpan[] {
  return [
    {
      traceId: id.trace,
      spanId: id.root,
      name: 'parent',
      start: T0.toString(),
      end: (T0 + 52_000_001n).toString(),
      attributes: {
        'mlflow.spanType': '"CHAIN"',
        'mlflow.spanInputs': '{"x": 1}',
        'mlflow.spanOutputs': '7',
        big: 9007199254740993n,
        ratio: 0.5,
        flag: true,
        nested: { a: [1, 'two'] },
      },
    },
    {
      traceId: id.trace,
      spanId: id.child,
      parentSpanId: id.root,
      name: 'child',
      start: (T0 + 1_000n).toString(),
      end: (T0 + 2_000n).toString(),
      status: 2,
      statusMessage: 'ValueError: bad',
      attributes: { 'mlflow.spanType': 'LLM' },
      events: [
        {
          name: 'exception',
          time: (T0 + 1_500n).toString(),
          attributes: { 'exception.type': 'ValueError' },
        },
      ],
    },
  ];
}

function sendProtobuf(body: Buffer, prefix = '', experiment = experimentId) {
  return t.api
    .post(`${prefix}/v1/traces`)
    .set('Content-Type', 'application/x-protobuf')
    .set('x-mlflow-experiment-id', experiment)
    .send(body);
}

function getTrace(traceId: string, prefix = '') {
  return t.api
    .get(`${prefix}/api/3.0/mlflow/traces/get`)
    .query({ trace_id: traceId, allow_partial: 'True' });
}

function startTrace(
  traceId: string,
  extra: Record<string, unknown> = {},
  prefix = '',
  experiment = experimentId,
) {
  return post(t, `${prefix}/api/3.0/mlflow/traces`, {
    trace: {
      trace_info: {
        trace_id: traceId,
        trace_location: {
          type: 'MLFLOW_EXPERIMENT',
          mlflow_experiment: { experiment_id: experiment },
        },
        request_time: '2026-12-03T16:45:30.309Z',
        execution_duration: '0.052s',
        state: 'OK',
        trace_metadata: {
          'mlflow.trace_schema.version': '3',
          'mlflow.trace.sizeStats': '{"num_spans": 2}',
        },
        tags: { 'mlflow.traceName': 'parent', team: 'a' },
        request_preview: '{"x": 1}',
        ...extra,
      },
    },
  });
}

describe('POST /v1/traces', () => {
  it('stores protobuf spans and answers 200 with an empty protobuf body', async () => {
    const id = ids();
    const res = await sendProtobuf(otlpProtobuf(twoSpans(id), { 'service.name': 'svc' }));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/x-protobuf');
    expect(res.headers['content-length']).toBe('0');

    const got = await getTrace(`tr-${id.trace}`);
    expect(got.status).toBe(200);
    // int64 values are JSON numbers written in full.
    expect(got.text).toContain(`"start_time_unix_nano":${T0}`);
    expect(got.text).toContain('"int_value":9007199254740993');
    const { trace_info: info, spans } = got.body.trace;
    expect(info.trace_id).toBe(`tr-${id.trace}`);
    expect(info.state).toBe('OK');
    expect(info.request_time).toBe('2026-12-03T16:45:30.309Z');
    expect(info.execution_duration).toBe('0.052s');
    expect(info.request_preview).toBe('{"x": 1}');
    expect(info.tags).toMatchObject({
      'mlflow.trace.spansLocation': 'TRACKING_STORE',
      'service.name': 'svc',
      'mlflow.artifactLocation': `mlflow-artifacts:/${experimentId}/traces/tr-${id.trace}/artifacts`,
    });
    expect(spans.map((s: { name: string }) => s.name)).toEqual(['parent', 'child']);
    const [root, child] = spans;
    expect(root.span_id).toBe(Buffer.from(id.root, 'hex').toString('base64'));
    expect(root.trace_id).toBe(Buffer.from(id.trace, 'hex').toString('base64'));
    expect(root.parent_span_id).toBeUndefined();
    expect(child.parent_span_id).toBe(root.span_id);
    const attrs = Object.fromEntries(
      root.attributes.map((a: { key: string; value: unknown }) => [a.key, a.value]),
    );
    expect(attrs['mlflow.spanType']).toEqual({ string_value: 'CHAIN' });
    expect(attrs['mlflow.spanInputs']).toEqual({
      kvlist_value: { values: [{ key: 'x', value: { int_value: 1 } }] },
    });
    expect(attrs['mlflow.spanOutputs']).toEqual({ string_value: '7' });
    expect(attrs.ratio).toEqual({ double_value: 0.5 });
    expect(attrs.flag).toEqual({ bool_value: true });
    expect(attrs['mlflow.traceRequestId']).toEqual({ string_value: `tr-${id.trace}` });
    expect(child.status).toEqual({ code: 'STATUS_CODE_ERROR', message: 'ValueError: bad' });
    expect(child.events[0]).toMatchObject({
      name: 'exception',
      attributes: [{ key: 'exception.type', value: { string_value: 'ValueError' } }],
    });
  });

  it('accepts OTLP-JSON with hex ids, and gzip and deflate bodies', async () => {
    const a = ids();
    const json = await t.api
      .post('/v1/traces')
      .set('Content-Type', 'application/json')
      .set('x-mlflow-experiment-id', experimentId)
      .send(otlpJson(twoSpans(a)));
    expect(json.status).toBe(200);
    const got = await getTrace(`tr-${a.trace}`);
    expect(got.body.trace.spans).toHaveLength(2);
    expect(got.text).toContain(`"end_time_unix_nano":${T0 + 52_000_001n}`);

    const b = ids();
    const gz = await sendProtobuf(gzipSync(otlpProtobuf(twoSpans(b)))).set(
      'Content-Encoding',
      'gzip',
    );
    expect(gz.status).toBe(200);
    expect((await getTrace(`tr-${b.trace}`)).body.trace.spans).toHaveLength(2);
  });

  it('answers bad input with FastAPI-style errors and stores nothing', async () => {
    const id = ids();
    const body = otlpProtobuf(twoSpans(id));
    const missing = await t.api
      .post('/v1/traces')
      .set('Content-Type', 'application/x-protobuf')
      .send(body);
    expect(missing.status).toBe(422);
    expect(missing.body).toEqual({
      detail: [
        {
          type: 'missing',
          loc: ['header', 'x-mlflow-experiment-id'],
          msg: 'Field required',
          input: null,
        },
      ],
    });
    const wrongType = await sendProtobuf(body).set('Content-Type', 'text/plain');
    expect(wrongType.status).toBe(400);
    expect(wrongType.body).toEqual({
      detail:
        'Invalid Content-Type: text/plain. Expected: application/x-protobuf or application/json',
    });
    const truncated = await sendProtobuf(body.subarray(0, body.length - 7));
    expect(truncated.status).toBe(400);
    expect(truncated.body).toEqual({ detail: 'Invalid OpenTelemetry format' });
    const badGzip = await sendProtobuf(body).set('Content-Encoding', 'gzip');
    expect(badGzip.body).toEqual({ detail: 'Failed to decompress gzip payload' });
    const empty = await sendProtobuf(Buffer.alloc(0));
    expect(empty.body).toEqual({ detail: 'Invalid OpenTelemetry format - no spans found' });
    const noIds = await sendProtobuf(otlpProtobuf([{ ...twoSpans(id)[0], spanId: '' }]));
    expect(noIds.status).toBe(422);
    expect(noIds.body).toEqual({ detail: 'Cannot convert OpenTelemetry span to MLflow span' });
    const unknown = await sendProtobuf(body, '', '999');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({
      error_code: 'RESOURCE_DOES_NOT_EXIST',
      message: 'No Experiment with id=999 exists',
    });
    expect((await getTrace(`tr-${id.trace}`)).status).toBe(404);
  });

  it('refuses a 50 MB body with 413, not a 5xx', async () => {
    const res = await sendProtobuf(Buffer.alloc(50 * 1024 * 1024, 1));
    expect(res.status).toBe(413);
    expect(res.body.detail).toMatch(/too large/);
  });

  it('refuses a gzip body that inflates past the limit with 413', async () => {
    const res = await sendProtobuf(gzipSync(Buffer.alloc(40 * 1024 * 1024))).set(
      'Content-Encoding',
      'gzip',
    );
    expect(res.status).toBe(413);
  });
});

describe('facts read out of spans', () => {
  it("copies the root's mlflow.traceTag.* attributes to tags and session/user ids to metadata", async () => {
    const id = ids();
    const [root, child] = twoSpans(id);
    root.attributes = {
      ...root.attributes,
      'mlflow.traceTag.mlflow.traceName': '"from-span"',
      'mlflow.traceTag.env': 'prod',
    };
    child.attributes = { ...child.attributes, 'session.id': 's-1', 'user.id': 'ann' };
    expect((await sendProtobuf(otlpProtobuf([root, child]))).status).toBe(200);
    const info = (await t.api.get(`/api/3.0/mlflow/traces/tr-${id.trace}`)).body.trace.trace_info;
    expect(info.tags).toMatchObject({ 'mlflow.traceName': 'from-span', env: 'prod' });
    expect(info.trace_metadata).toMatchObject({
      'mlflow.trace.session': 's-1',
      'mlflow.trace.user': 'ann',
    });
  });
});

describe('x-mlflow-run-id', () => {
  it('links the traces whose root arrives to the run; an unknown run is ignored', async () => {
    const run = await post(t, '/api/2.0/mlflow/runs/create', { experiment_id: experimentId });
    const runId = run.body.run.info.run_id as string;
    const linked = ids();
    const res = await sendProtobuf(otlpProtobuf(twoSpans(linked))).set('x-mlflow-run-id', runId);
    expect(res.status).toBe(200);
    const ignored = ids();
    const res2 = await sendProtobuf(otlpProtobuf(twoSpans(ignored))).set('x-mlflow-run-id', 'nope');
    expect(res2.status).toBe(200);
    const found = await post(t, '/api/3.0/mlflow/traces/search', {
      locations: [
        { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } },
      ],
      filter: `run_id = '${runId}'`,
    });
    expect(found.body.traces.map((x: { trace_id: string }) => x.trace_id)).toEqual([
      `tr-${linked.trace}`,
    ]);
  });
});

describe('spans and StartTraceV3 in either order', () => {
  it('StartTrace first, then spans: the StartTrace values stay', async () => {
    const id = ids();
    const started = await startTrace(`tr-${id.trace}`);
    expect(started.status).toBe(200);
    const info = started.body.trace.trace_info;
    expect(info.tags['mlflow.trace.spansLocation']).toBeUndefined();
    expect(info.tags['mlflow.artifactLocation']).toMatch(/traces\/tr-/);
    expect(info.trace_metadata['mlflow.trace.infoFinalized']).toBe('true');
    expect(info.tags['mlflow.traceName']).toBe('parent');
    expect((await sendProtobuf(otlpProtobuf(twoSpans(id)))).status).toBe(200);
    const got = (await t.api.get(`/api/3.0/mlflow/traces/tr-${id.trace}`)).body.trace.trace_info;
    expect(got.request_time).toBe('2026-12-03T16:45:30.309Z');
    expect(got.execution_duration).toBe('0.052s');
    expect(got.tags).toMatchObject({ team: 'a', 'mlflow.trace.spansLocation': 'TRACKING_STORE' });
  });

  it('spans first (child, then root), then StartTrace: one trace, finalized', async () => {
    const id = ids();
    const [root, child] = twoSpans(id);
    expect((await sendProtobuf(otlpProtobuf([child]))).status).toBe(200);
    const partial = (await t.api.get(`/api/3.0/mlflow/traces/tr-${id.trace}`)).body.trace
      .trace_info;
    expect(partial.state).toBe('IN_PROGRESS');
    expect((await sendProtobuf(otlpProtobuf([root]))).status).toBe(200);
    const merged = (await t.api.get(`/api/3.0/mlflow/traces/tr-${id.trace}`)).body.trace.trace_info;
    expect(merged.state).toBe('OK');
    expect(merged.execution_duration).toBe('0.052s');
    const started = await startTrace(`tr-${id.trace}`, { state: 'ERROR' });
    expect(started.body.trace.trace_info.state).toBe('ERROR');
    expect(started.body.trace.trace_info.tags['mlflow.trace.spansLocation']).toBe('TRACKING_STORE');
    const full = await t.api
      .get('/api/3.0/mlflow/traces/get')
      .query({ trace_id: `tr-${id.trace}`, allow_partial: 'False' });
    expect(full.status).toBe(200);
    expect(full.body.trace.spans).toHaveLength(2);
  });
});

describe('trace endpoints', () => {
  it('sets and deletes tags on v2 and v3 paths; immutable tags are refused', async () => {
    const id = ids();
    await sendProtobuf(otlpProtobuf(twoSpans(id)));
    const traceId = `tr-${id.trace}`;
    for (const v of ['2.0', '3.0']) {
      const set = await t.api
        .patch(`/api/${v}/mlflow/traces/${traceId}/tags`)
        .set('Content-Type', 'application/json')
        .send({ key: `k${v}`, value: 'x' });
      expect(set.status).toBe(200);
    }
    let tags = (await t.api.get(`/api/3.0/mlflow/traces/${traceId}`)).body.trace.trace_info.tags;
    expect(tags).toMatchObject({ 'k2.0': 'x', 'k3.0': 'x' });
    const del = await t.api
      .delete(`/api/2.0/mlflow/traces/${traceId}/tags`)
      .set('Content-Type', 'application/json')
      .send({ key: 'k2.0' });
    expect(del.status).toBe(200);
    tags = (await t.api.get(`/api/3.0/mlflow/traces/${traceId}`)).body.trace.trace_info.tags;
    expect(tags['k2.0']).toBeUndefined();
    const immutable = await t.api
      .patch(`/api/3.0/mlflow/traces/${traceId}/tags`)
      .set('Content-Type', 'application/json')
      .send({ key: 'mlflow.trace.spansLocation', value: 'x' });
    expect(immutable.status).toBe(400);
    expect(immutable.body.message).toBe(
      "Tag 'mlflow.trace.spansLocation' is immutable and cannot be set on a trace.",
    );
  });

  it('answers 404 for unknown traces in MLflow words; batchGet skips them', async () => {
    const info = await t.api.get('/api/3.0/mlflow/traces/tr-nope');
    expect(info.status).toBe(404);
    expect(info.body.message).toBe("Trace with ID 'tr-nope' not found.");
    const full = await getTrace('tr-nope');
    expect(full.body.message).toBe('Trace with ID tr-nope is not found.');
    const batch = await t.api
      .get('/api/3.0/mlflow/traces/batchGet')
      .query({ trace_ids: 'tr-nope' });
    expect(batch.status).toBe(200);
    expect(batch.body).toEqual({});
  });

  it('batch-gets traces, serves traces.json, links runs and prompts, deletes', async () => {
    const a = ids();
    const b = ids();
    await sendProtobuf(otlpProtobuf([...twoSpans(a), ...twoSpans(b)]));
    const batch = await t.api.get(
      `/api/3.0/mlflow/traces/batchGet?trace_ids=tr-${a.trace}&trace_ids=tr-${b.trace}`,
    );
    expect(batch.body.traces).toHaveLength(2);

    const artifact = await t.api
      .get('/ajax-api/2.0/mlflow/get-trace-artifact')
      .query({ request_id: `tr-${a.trace}` });
    expect(artifact.status).toBe(200);
    expect(artifact.text).toContain(`"start_time_unix_nano":${T0}`);
    expect(artifact.body.spans[0].attributes['mlflow.spanInputs']).toBe('{"x": 1}');

    const run = await post(t, '/api/2.0/mlflow/runs/create', { experiment_id: experimentId });
    const runId = run.body.run.info.run_id as string;
    const link = await post(t, '/api/2.0/mlflow/traces/link-to-run', {
      trace_ids: [`tr-${a.trace}`, 'tr-x'],
      run_id: runId,
    });
    expect(link.status).toBe(200);
    const badRun = await post(t, '/api/2.0/mlflow/traces/link-to-run', {
      trace_ids: [`tr-${a.trace}`],
      run_id: 'nope',
    });
    expect(badRun.status).toBe(404);
    const prompts = await post(t, '/api/2.0/mlflow/traces/link-prompts', {
      trace_id: `tr-${a.trace}`,
      prompt_versions: [{ name: 'qa', version: '1' }],
    });
    expect(prompts.status).toBe(200);

    const deleted = await post(t, '/api/2.0/mlflow/traces/delete-traces', {
      experiment_id: experimentId,
      request_ids: [`tr-${a.trace}`, `tr-${b.trace}`],
    });
    expect(deleted.body).toEqual({ traces_deleted: 2 });
    expect((await getTrace(`tr-${a.trace}`)).status).toBe(404);
    const neither = await post(t, '/api/3.0/mlflow/traces/delete-traces', {
      experiment_id: experimentId,
    });
    expect(neither.status).toBe(400);
  });

  it('keeps projects apart: a trace in one project is not found in another', async () => {
    const exp = await post(t, '/projects/team-b/api/2.0/mlflow/experiments/create', { name: 'b' });
    const id = ids();
    const res = await sendProtobuf(
      otlpProtobuf(twoSpans(id)),
      '/projects/team-b',
      exp.body.experiment_id,
    );
    expect(res.status).toBe(200);
    expect((await getTrace(`tr-${id.trace}`, '/projects/team-b')).status).toBe(200);
    expect((await getTrace(`tr-${id.trace}`)).status).toBe(404);
  });
});

describe('body budget', () => {
  it('refuses a span batch with 503 and Retry-After while too many bodies are held', async () => {
    const server = http.createServer(t.app).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    // Compressed bodies book the most a body may inflate to (32 MiB): eight fill 256 MiB.
    const held = Array.from({ length: 8 }, () => {
      const req = http.request({
        port,
        method: 'POST',
        path: '/v1/traces',
        headers: {
          'Content-Type': 'application/x-protobuf',
          'Content-Encoding': 'gzip',
          'x-mlflow-experiment-id': experimentId,
        },
      });
      req.on('error', () => undefined);
      req.write(Buffer.alloc(10));
      return req;
    });
    await new Promise((r) => setTimeout(r, 300));
    const refused = await sendProtobuf(otlpProtobuf(twoSpans(ids())));
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('1');
    for (const req of held) req.destroy();
    server.close();
    await new Promise((r) => setTimeout(r, 300));
    expect((await sendProtobuf(otlpProtobuf(twoSpans(ids())))).status).toBe(200);
  });
});
