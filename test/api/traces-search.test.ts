// SearchTracesV3: MLflow's trace filter grammar (attributes, tags, metadata, spans, run ids),
// order_by with the tie-breakers, offset page tokens, limits and error messages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { otlpProtobuf } from '../support/otlp.js';
import { post, startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
let experimentId: string;
let otherExperiment: string;
let runId: string;
const trace = (n: number) => `tr-${n.toString(16).padStart(32, '0')}`;

async function addTrace(
  n: number,
  opts: {
    state: string;
    name: string;
    tags?: Record<string, string>;
    metadata?: Record<string, string>;
    child: string;
    childType: string;
    experiment?: string;
  },
) {
  const exp = opts.experiment ?? experimentId;
  const start = BigInt(1_700_000_000_000 + n * 1000) * 1_000_000n;
  const traceId = n.toString(16).padStart(32, '0');
  const spans = otlpProtobuf([
    {
      traceId,
      spanId: 'a'.repeat(15) + n.toString(16),
      name: opts.name,
      start: String(start),
      end: String(start + BigInt(n) * 1_000_000n),
      status: opts.state === 'ERROR' ? 2 : 1,
      attributes: { 'mlflow.spanType': '"CHAIN"' },
    },
    {
      traceId,
      spanId: 'b'.repeat(15) + n.toString(16),
      parentSpanId: 'a'.repeat(15) + n.toString(16),
      name: opts.child,
      start: String(start + 1n),
      end: String(start + 2n),
      attributes: {
        'mlflow.spanType': JSON.stringify(opts.childType),
        'mlflow.spanInputs': `{"q": "question ${n}"}`,
      },
    },
  ]);
  const sent = await t.api
    .post('/v1/traces')
    .set('Content-Type', 'application/x-protobuf')
    .set('x-mlflow-experiment-id', exp)
    .send(spans);
  expect(sent.status).toBe(200);
  const started = await post(t, '/api/3.0/mlflow/traces', {
    trace: {
      trace_info: {
        trace_id: trace(n),
        trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } },
        request_time: new Date(1_700_000_000_000 + n * 1000).toISOString(),
        execution_duration: `${n / 1000}s`,
        state: opts.state,
        tags: { 'mlflow.traceName': opts.name, ...opts.tags },
        trace_metadata: opts.metadata ?? {},
      },
    },
  });
  expect(started.status).toBe(200);
}

function search(body: Record<string, unknown>, experiments = [experimentId]) {
  return post(t, '/api/3.0/mlflow/traces/search', {
    locations: experiments.map((e) => ({
      type: 'MLFLOW_EXPERIMENT',
      mlflow_experiment: { experiment_id: e },
    })),
    ...body,
  });
}

async function ids(body: Record<string, unknown>): Promise<string[]> {
  const res = await search(body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return ((res.body.traces ?? []) as { trace_id: string }[]).map((x) => x.trace_id);
}

beforeAll(async () => {
  t = await startTestApp();
  experimentId = (await post(t, '/api/2.0/mlflow/experiments/create', { name: 'search' })).body
    .experiment_id;
  otherExperiment = (await post(t, '/api/2.0/mlflow/experiments/create', { name: 'other' })).body
    .experiment_id;
  runId = (await post(t, '/api/2.0/mlflow/runs/create', { experiment_id: experimentId })).body.run
    .info.run_id;
  await addTrace(1, {
    state: 'OK',
    name: 'alpha',
    tags: { team: 'a' },
    metadata: { 'mlflow.sourceRun': runId },
    child: 'retrieve',
    childType: 'RETRIEVER',
  });
  await addTrace(2, {
    state: 'ERROR',
    name: 'beta',
    tags: { team: 'b' },
    child: 'llm',
    childType: 'LLM',
  });
  await addTrace(3, {
    state: 'OK',
    name: 'gamma',
    tags: { team: 'b', extra: 'x' },
    metadata: { 'mlflow.user': 'bob' },
    child: 'llm',
    childType: 'TOOL',
  });
  await addTrace(4, {
    state: 'OK',
    name: 'delta',
    child: 'x',
    childType: 'LLM',
    experiment: otherExperiment,
  });
  await post(t, '/api/2.0/mlflow/traces/link-to-run', { trace_ids: [trace(3)], run_id: runId });
});
afterAll(async () => {
  await t.close();
});

describe('SearchTracesV3', () => {
  it('orders newest first by default, within the experiments asked for', async () => {
    expect(await ids({})).toEqual([trace(3), trace(2), trace(1)]);
    expect((await search({}, [experimentId, otherExperiment])).body.traces).toHaveLength(4);
    expect((await search({}, [])).body).toEqual({});
  });

  it('returns trace infos with tags and metadata', async () => {
    const res = await search({ filter: "trace.name = 'alpha'" });
    const [info] = res.body.traces;
    expect(info).toMatchObject({
      trace_id: trace(1),
      state: 'OK',
      tags: { team: 'a', 'mlflow.traceName': 'alpha' },
    });
    expect(info.trace_metadata['mlflow.sourceRun']).toBe(runId);
    expect(info.request_preview).toBeUndefined(); // the root span had no mlflow.spanInputs
  });

  it.each([
    ["attributes.status = 'ERROR'", [2]],
    ["trace.status IN ('OK')", [3, 1]],
    ["status != 'OK'", [2]],
    ['timestamp_ms > 1700000001500', [3, 2]],
    ['attribute.execution_time_ms <= 2', [2, 1]],
    ['end_time_ms >= 1700000002002', [3, 2]],
    ["name LIKE 'a%'", [1]],
    ["tags.team = 'b'", [3, 2]],
    ["tag.`mlflow.traceName` = 'gamma'", [3]],
    ['tags.extra IS NULL', [2, 1]],
    ["tags.extra IS NOT NULL AND tags.team = 'b'", [3]],
    ["metadata.`mlflow.user` ILIKE 'BO%'", [3]],
    ['request_metadata.`mlflow.user` IS NULL', [2, 1]],
    ["span.name = 'llm'", [3, 2]],
    ["span.type = 'LLM'", [2]],
    ["span.name = 'llm' AND span.type = 'TOOL'", [3]],
    ["span.name = 'retrieve' AND span.type = 'TOOL'", []],
    ["span.attributes.mlflow.spanType LIKE '%RETRIEVER%'", [1]],
    ["span.content LIKE '%question 2%'", [2]],
    ["trace.text ILIKE '%QUESTION 3%'", [3]],
    [`run_id = '${'RUN'}'`, [3, 1]],
  ])('filters %s', async (filter, expected) => {
    const text = filter.replace("'RUN'", `'${runId}'`);
    expect(await ids({ filter: text })).toEqual(expected.map(trace));
  });

  it('orders by attributes and tags, nulls last, with the tie-breakers', async () => {
    expect(await ids({ order_by: ['timestamp_ms ASC'] })).toEqual([trace(1), trace(2), trace(3)]);
    expect(await ids({ order_by: ['tags.team DESC'] })).toEqual([trace(3), trace(2), trace(1)]);
    expect(await ids({ order_by: ['tags.extra'] })).toEqual([trace(3), trace(2), trace(1)]);
    expect(await ids({ order_by: ['name'] })).toEqual([trace(1), trace(2), trace(3)]);
    expect(await ids({ order_by: ['status DESC', 'execution_time'] })).toEqual([
      trace(1),
      trace(3),
      trace(2),
    ]);
  });

  it('pages with offset tokens, handed out whenever a page is full', async () => {
    const first = await search({ max_results: 2 });
    expect(first.body.traces.map((x: { trace_id: string }) => x.trace_id)).toEqual([
      trace(3),
      trace(2),
    ]);
    expect(first.body.next_page_token).toBe('eyJvZmZzZXQiOiAyfQ==');
    const second = await search({ max_results: 2, page_token: first.body.next_page_token });
    expect(second.body.traces.map((x: { trace_id: string }) => x.trace_id)).toEqual([trace(1)]);
    expect(second.body.next_page_token).toBeUndefined();
    const exact = await search({ max_results: 3 });
    expect(exact.body.next_page_token).toBe('eyJvZmZzZXQiOiAzfQ==');
  });

  it.each([
    ["name = 'a' OR name = 'b'", "Invalid clause(s) in filter string: 'OR'"],
    ["foo.bar = 'x'", "Invalid entity type 'foo'"],
    ['status = 1', 'numeric'],
    ["nope = 'x'", "Invalid attribute key 'nope'"],
    ["name IN ('a')", 'IN'],
    ['span.attributes.x IS NULL', "span.attributes.x comparator 'IS NULL' not one of"],
  ])('refuses %s with 400', async (filter, message) => {
    const res = await search({ filter });
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(res.body.message).toContain(message);
  });

  it('refuses max_results over 500 and a bad page token', async () => {
    expect((await search({ max_results: 501 })).status).toBe(400);
    const bad = await search({ page_token: '!!!' });
    expect(bad.status).toBe(400);
    expect((await search({ order_by: ['timestamp_ms', 'timestamp'] })).status).toBe(400);
  });
});
