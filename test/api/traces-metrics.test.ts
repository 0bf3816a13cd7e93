// QueryTraceMetrics and CalculateTraceFilterCorrelation over a seeded experiment: every expected
// number is worked out here from the seed table below (what each trace, span and assessment holds
// and what MLflow makes of it), never read back from the server first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { otlpProtobuf, type TestSpan } from '../support/otlp.js';
import { post, startTestApp, type TestApp } from '../support/test-app.js';

const T0 = Date.UTC(2024, 0, 1, 10, 0, 0);
const NS = 1_000_000n;

interface SeedSpan {
  name: string;
  type: string;
  /** Nanoseconds; its latency metric is the whole milliseconds. */
  durationNs: bigint;
  status?: 'ERROR';
  /** Attribute text as the MLflow client writes it (JSON-encoded values). */
  attributes?: Record<string, string>;
  /** What MLflow reads out of the attributes. */
  model?: string;
  provider?: string;
  cost?: { input_cost?: number; output_cost?: number; total_cost?: number };
}

interface SeedTrace {
  n: number;
  name?: string;
  state: 'OK' | 'ERROR' | 'IN_PROGRESS';
  offsetMs: number;
  durationMs?: number;
  session?: string;
  /** The mlflow.trace.tokenUsage metadata as sent, and the counts MLflow takes from it. */
  tokenUsage?: { raw: string; counts: Record<string, number> };
  spans: SeedSpan[];
}

const llm = (
  name: string,
  durationNs: bigint,
  model: string | undefined,
  provider: string | undefined,
  rawCost: string | undefined,
  cost: SeedSpan['cost'],
): SeedSpan => ({
  name,
  type: 'LLM',
  durationNs,
  attributes: {
    ...(model ? { 'mlflow.llm.model': JSON.stringify(model) } : {}),
    ...(provider ? { 'mlflow.llm.provider': JSON.stringify(provider) } : {}),
    ...(rawCost ? { 'mlflow.llm.cost': rawCost } : {}),
  },
  model,
  provider,
  cost,
});

const TRACES: SeedTrace[] = [
  {
    n: 1,
    name: 'chat',
    state: 'OK',
    offsetMs: 0,
    durationMs: 40,
    session: 's1',
    tokenUsage: {
      raw: '{"input_tokens": 10, "output_tokens": 4, "total_tokens": 14}',
      counts: { input_tokens: 10, output_tokens: 4, total_tokens: 14 },
    },
    spans: [
      llm(
        'llm',
        12_700_000n,
        'gpt-a',
        'openai',
        '{"input_cost": 0.25, "output_cost": 0.5, "total_cost": 0.75}',
        { input_cost: 0.25, output_cost: 0.5, total_cost: 0.75 },
      ),
    ],
  },
  {
    n: 2,
    name: 'chat',
    state: 'OK',
    offsetMs: 30_000,
    durationMs: 10,
    session: 's1',
    // A whole real, a numeric string and a cache count all count; MLflow normalizes them.
    tokenUsage: {
      raw: '{"input_tokens": 20, "output_tokens": 6.0, "total_tokens": "26", "cache_read_input_tokens": 3}',
      counts: { input_tokens: 20, output_tokens: 6, total_tokens: 26, cache_read_input_tokens: 3 },
    },
    spans: [
      llm('llm', 3_200_000n, 'gpt-a', 'openai', '{"input_cost": "0.125", "total_cost": 0.5}', {
        input_cost: 0.125,
        total_cost: 0.5,
      }),
      { name: 'tool', type: 'TOOL', durationNs: 1_000_000n, status: 'ERROR' },
    ],
  },
  {
    n: 3,
    name: 'agent',
    state: 'ERROR',
    offsetMs: 61_000,
    durationMs: 100,
    session: 's2',
    tokenUsage: { raw: 'not json', counts: {} },
    spans: [],
  },
  {
    n: 4,
    name: 'agent',
    state: 'OK',
    offsetMs: 3_600_000,
    durationMs: 25,
    // A fraction and a boolean are no token counts.
    tokenUsage: {
      raw: '{"input_tokens": 1.5, "output_tokens": true, "total_tokens": 2}',
      counts: { total_tokens: 2 },
    },
    spans: [
      llm('llm', 7_000_000n, 'claude', 'anthropic', '{"total_cost": 2}', { total_cost: 2 }),
      // A model attribute that is not JSON is taken as it is; no provider, no cost.
      {
        name: 'llm2',
        type: 'LLM',
        durationNs: 2_500_000n,
        attributes: { 'mlflow.llm.model': 'raw-model' },
        model: 'raw-model',
      },
    ],
  },
  // No trace name, still running: counted, but in no trace_name group and with no latency.
  { n: 5, state: 'IN_PROGRESS', offsetMs: 7_200_000, spans: [] },
];

/** Assessments: [trace n, name, kind, value, the numeric value MLflow aggregates]. */
const ASSESSMENTS: [number, string, 'feedback' | 'expectation', unknown, number | null][] = [
  [1, 'quality', 'feedback', true, 1],
  [2, 'quality', 'feedback', false, 0],
  [3, 'quality', 'feedback', 'Yes ', 1],
  [4, 'quality', 'feedback', 'maybe', null],
  [1, 'score', 'feedback', 0.5, 0.5],
  [2, 'score', 'feedback', 0.75, 0.75],
  [3, 'score', 'feedback', 3, 3],
  [1, 'expected', 'expectation', 'hello', null],
];
/** On trace 4: a score of 0.25, overridden by 1 (only the valid one counts). */
const OVERRIDDEN = 0.25;
const OVERRIDE = 1;

const hex = (n: number) => n.toString(16).padStart(32, '0');
const traceId = (n: number) => `tr-${hex(n)}`;
const spanHex = (n: number, i: number) =>
  `${i.toString(16)}${'0'.repeat(13)}${n.toString(16).padStart(2, '0')}`;
const startNs = (trace: SeedTrace) => BigInt(T0 + trace.offsetMs) * NS;

let t: TestApp;
let exp: string;
let other: string;
let runId: string;

async function addTrace(trace: SeedTrace, experiment: string) {
  const start = startNs(trace);
  const rootEnd = start + BigInt(trace.durationMs ?? 1) * NS;
  const spans: TestSpan[] = [
    {
      traceId: hex(trace.n),
      spanId: spanHex(trace.n, 1),
      name: trace.name ?? 'root',
      start: String(start),
      end: String(rootEnd),
      status: trace.state === 'ERROR' ? 2 : 1,
      attributes: { 'mlflow.spanType': '"CHAIN"' },
    },
    ...trace.spans.map((s, i) => ({
      traceId: hex(trace.n),
      spanId: spanHex(trace.n, i + 2),
      parentSpanId: spanHex(trace.n, 1),
      name: s.name,
      start: String(start + NS),
      end: String(start + NS + s.durationNs),
      status: s.status === 'ERROR' ? (2 as const) : (1 as const),
      attributes: { 'mlflow.spanType': JSON.stringify(s.type), ...s.attributes },
    })),
  ];
  const sent = await t.api
    .post('/v1/traces')
    .set('Content-Type', 'application/x-protobuf')
    .set('x-mlflow-experiment-id', experiment)
    .send(otlpProtobuf(spans));
  expect(sent.status).toBe(200);
  const started = await post(t, '/api/3.0/mlflow/traces', {
    trace: {
      trace_info: {
        trace_id: traceId(trace.n),
        trace_location: {
          type: 'MLFLOW_EXPERIMENT',
          mlflow_experiment: { experiment_id: experiment },
        },
        request_time: new Date(T0 + trace.offsetMs).toISOString(),
        ...(trace.durationMs !== undefined
          ? { execution_duration: `${trace.durationMs / 1000}s` }
          : {}),
        state: trace.state,
        tags: trace.name ? { 'mlflow.traceName': trace.name } : {},
        trace_metadata: {
          ...(trace.session ? { 'mlflow.trace.session': trace.session } : {}),
          ...(trace.tokenUsage ? { 'mlflow.trace.tokenUsage': trace.tokenUsage.raw } : {}),
        },
      },
    },
  });
  expect(started.status, JSON.stringify(started.body)).toBe(200);
}

async function assess(n: number, name: string, kind: string, value: unknown, overrides?: string) {
  const res = await post(t, `/api/3.0/mlflow/traces/${traceId(n)}/assessments`, {
    assessment: {
      assessment_name: name,
      trace_id: traceId(n),
      source: { source_type: 'HUMAN', source_id: 'tester' },
      ...(kind === 'feedback' ? { feedback: { value } } : { expectation: { value } }),
      ...(overrides ? { overrides } : {}),
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.assessment.assessment_id as string;
}

beforeAll(async () => {
  t = await startTestApp();
  exp = (await post(t, '/api/2.0/mlflow/experiments/create', { name: 'metrics' })).body
    .experiment_id;
  other = (await post(t, '/api/2.0/mlflow/experiments/create', { name: 'elsewhere' })).body
    .experiment_id;
  runId = (await post(t, '/api/2.0/mlflow/runs/create', { experiment_id: exp })).body.run.info
    .run_id;
  for (const trace of TRACES) await addTrace(trace, exp);
  // Another experiment's trace, which no query on `exp` may see.
  await addTrace(
    {
      n: 99,
      name: 'chat',
      state: 'OK',
      offsetMs: 0,
      durationMs: 999,
      tokenUsage: { raw: '{"input_tokens": 1000}', counts: {} },
      spans: [llm('llm', 9_000_000n, 'gpt-a', 'openai', '{"total_cost": 100}', {})],
    },
    other,
  );
  for (const [n, name, kind, value] of ASSESSMENTS) await assess(n, name, kind, value);
  const first = await assess(4, 'score', 'feedback', OVERRIDDEN);
  await assess(4, 'score', 'feedback', OVERRIDE, first);
  await assess(99, 'score', 'feedback', 50);
  await post(t, '/api/2.0/mlflow/traces/link-to-run', { trace_ids: [traceId(2)], run_id: runId });
});
afterAll(async () => {
  await t.close();
});

// ---- Expected values, from the seed table -------------------------------------------------

/** Linear interpolation between closest ranks (numpy's default, MLflow's SQLite percentile). */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = (p / 100) * (sorted.length - 1);
  const lower = Math.floor(index);
  const upper = Math.min(lower + 1, sorted.length - 1);
  return sorted[lower] + (index - lower) * (sorted[upper] - sorted[lower]);
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

function summary(values: number[], percentiles: number[] = []) {
  return {
    SUM: sum(values),
    AVG: sum(values) / values.length,
    MIN: Math.min(...values),
    MAX: Math.max(...values),
    ...Object.fromEntries(percentiles.map((p) => [`P${p}.0`, percentile(values, p)])),
  };
}

function groupBy<T>(items: T[], key: (item: T) => string | undefined): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === undefined) continue;
    groups.set(k, [...(groups.get(k) ?? []), item]);
  }
  return new Map([...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const allSpans = TRACES.flatMap((trace) => [
  {
    trace,
    name: trace.name ?? 'root',
    type: 'CHAIN',
    status: trace.state === 'ERROR' ? 'ERROR' : 'OK',
    latency: trace.durationMs ?? 1,
    startMs: T0 + trace.offsetMs,
    model: undefined as string | undefined,
    provider: undefined as string | undefined,
    cost: undefined as SeedSpan['cost'],
  },
  ...trace.spans.map((s) => ({
    trace,
    name: s.name,
    type: s.type,
    status: s.status ?? 'OK',
    latency: Number(s.durationNs / NS),
    startMs: T0 + trace.offsetMs + 1,
    model: s.model,
    provider: s.provider,
    cost: s.cost,
  })),
]);

// ---- Requests --------------------------------------------------------------------------------

function metrics(body: Record<string, unknown>) {
  return post(t, '/api/3.0/mlflow/traces/metrics', { experiment_ids: [exp], ...body });
}

const agg = (...types: (string | number)[]) =>
  types.map((a) =>
    typeof a === 'number'
      ? { aggregation_type: 'PERCENTILE', percentile_value: a }
      : { aggregation_type: a },
  );

async function points(body: Record<string, unknown>) {
  const res = await metrics(body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body.data_points ?? []) as {
    metric_name: string;
    dimensions?: Record<string, string>;
    values: Record<string, number>;
  }[];
}

function expectValues(actual: Record<string, number>, expected: Record<string, number>) {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const [k, v] of Object.entries(expected)) expect(actual[k], k).toBeCloseTo(v, 12);
}

describe('QueryTraceMetrics on traces', () => {
  it('counts an experiment’s traces, and no other experiment’s', async () => {
    expect(
      await points({ view_type: 'TRACES', metric_name: 'trace_count', aggregations: agg('COUNT') }),
    ).toEqual([{ metric_name: 'trace_count', values: { COUNT: TRACES.length } }]);
  });

  it('groups counts by trace name and status, in that order, leaving out unnamed traces', async () => {
    const got = await points({
      view_type: 'TRACES',
      metric_name: 'trace_count',
      aggregations: agg('COUNT'),
      dimensions: ['trace_name', 'trace_status'],
    });
    const groups = groupBy(TRACES, (tr) => (tr.name ? `${tr.name}\u0000${tr.state}` : undefined));
    expect(got).toEqual(
      [...groups].map(([key, members]) => {
        const [name, state] = key.split('\u0000');
        return {
          metric_name: 'trace_count',
          dimensions: { trace_name: name, trace_status: state },
          values: { COUNT: members.length },
        };
      }),
    );
  });

  it('counts distinct sessions', async () => {
    const sessions = new Set(TRACES.flatMap((tr) => (tr.session ? [tr.session] : [])));
    expect(
      await points({
        view_type: 'TRACES',
        metric_name: 'session_count',
        aggregations: agg('COUNT'),
      }),
    ).toEqual([{ metric_name: 'session_count', values: { COUNT: sessions.size } }]);
  });

  it('summarizes latency with interpolated percentiles, per trace name', async () => {
    const withLatency = TRACES.filter((tr) => tr.durationMs !== undefined);
    const [overall] = await points({
      view_type: 'TRACES',
      metric_name: 'latency',
      aggregations: agg('AVG', 'MIN', 'MAX', 0, 33.3, 50, 90, 100),
    });
    const latencies = withLatency.map((tr) => tr.durationMs!);
    const { AVG, MIN, MAX } = summary(latencies);
    expect(Object.keys(overall.values).sort()).toEqual(
      ['AVG', 'MIN', 'MAX', 'P0.0', 'P33.3', 'P50.0', 'P90.0', 'P100.0'].sort(),
    );
    expectValues(overall.values, {
      AVG,
      MIN,
      MAX,
      'P0.0': percentile(latencies, 0),
      'P33.3': percentile(latencies, 33.3),
      'P50.0': percentile(latencies, 50),
      'P90.0': percentile(latencies, 90),
      'P100.0': percentile(latencies, 100),
    });

    const byName = await points({
      view_type: 'TRACES',
      metric_name: 'latency',
      aggregations: agg('AVG', 50),
      dimensions: ['trace_name'],
    });
    const groups = groupBy(withLatency, (tr) => tr.name);
    expect(byName.map((p) => p.dimensions)).toEqual(
      [...groups.keys()].map((trace_name) => ({ trace_name })),
    );
    for (const [i, members] of [...groups.values()].entries()) {
      const values = members.map((tr) => tr.durationMs!);
      expectValues(byName[i].values, { AVG: summary(values).AVG, 'P50.0': percentile(values, 50) });
    }
  });

  it.each(['input_tokens', 'output_tokens', 'total_tokens', 'cache_read_input_tokens'])(
    'aggregates %s as MLflow reads them from the token usage metadata',
    async (metric) => {
      const values = TRACES.flatMap((tr) =>
        tr.tokenUsage?.counts[metric] !== undefined ? [tr.tokenUsage.counts[metric]] : [],
      );
      const [point] = await points({
        view_type: 'TRACES',
        metric_name: metric,
        aggregations: agg('SUM', 'AVG', 'MIN', 'MAX', 50),
      });
      expect(point.metric_name).toBe(metric);
      expectValues(point.values, summary(values, [50]));
    },
  );

  it('answers {} for a metric no trace has', async () => {
    const res = await metrics({
      view_type: 'TRACES',
      metric_name: 'cache_creation_input_tokens',
      aggregations: agg('SUM'),
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
  });

  it('buckets by time interval (ISO UTC start of each bucket), then by dimension', async () => {
    const got = await points({
      view_type: 'TRACES',
      metric_name: 'trace_count',
      aggregations: agg('COUNT'),
      dimensions: ['trace_status'],
      time_interval_seconds: 60,
      start_time_ms: T0,
      end_time_ms: T0 + 24 * 3600_000,
    });
    const groups = groupBy(TRACES, (tr) => {
      const bucket = Math.floor((T0 + tr.offsetMs) / 60_000) * 60_000;
      return `${new Date(bucket).toISOString().slice(0, 19)}+00:00\u0000${tr.state}`;
    });
    expect(got).toEqual(
      [...groups].map(([key, members]) => {
        const [time_bucket, trace_status] = key.split('\u0000');
        return {
          metric_name: 'trace_count',
          dimensions: { time_bucket, trace_status },
          values: { COUNT: members.length },
        };
      }),
    );
    expect(got[0].dimensions!.time_bucket).toBe('2024-01-01T10:00:00+00:00');
  });

  it('keeps to [start_time_ms, end_time_ms], both ends included', async () => {
    const start = T0 + 30_000;
    const end = T0 + 61_000;
    const inside = TRACES.filter((tr) => T0 + tr.offsetMs >= start && T0 + tr.offsetMs <= end);
    expect(inside.length).toBe(2);
    expect(
      await points({
        view_type: 'TRACES',
        metric_name: 'trace_count',
        aggregations: agg('COUNT'),
        start_time_ms: start,
        end_time_ms: end,
      }),
    ).toEqual([{ metric_name: 'trace_count', values: { COUNT: inside.length } }]);
  });

  it.each([
    ["trace.status = 'OK'", (tr: SeedTrace) => tr.state === 'OK'],
    ["trace.tag.mlflow.traceName = 'chat'", (tr: SeedTrace) => tr.name === 'chat'],
    ["trace.metadata.`mlflow.trace.session` = 's1'", (tr: SeedTrace) => tr.session === 's1'],
    [`trace.metadata.mlflow.sourceRun = '{{run}}'`, (tr: SeedTrace) => tr.n === 2],
    [
      `trace.metadata.mlflow.trace.tokenUsage = '${TRACES[0].tokenUsage!.raw}'`,
      (tr: SeedTrace) => tr.n === 1,
    ],
    // Trace 2's usage in MLflow's normal form (6.0 -> 6, "26" -> 26) matches; its raw text not.
    [
      `trace.metadata.mlflow.trace.tokenUsage = '{"input_tokens": 20, "output_tokens": 6, "total_tokens": 26, "cache_read_input_tokens": 3}'`,
      (tr: SeedTrace) => tr.n === 2,
    ],
    [`trace.metadata.mlflow.trace.tokenUsage = '${TRACES[1].tokenUsage!.raw}'`, () => false],
  ])('filters by %s', async (filter, keep) => {
    const res = await points({
      view_type: 'TRACES',
      metric_name: 'trace_count',
      aggregations: agg('COUNT'),
      filters: [filter.replace('{{run}}', runId)],
    });
    expect(res).toEqual([
      { metric_name: 'trace_count', values: { COUNT: TRACES.filter(keep).length } },
    ]);
  });

  it('ANDs several filters and stops at max_results groups', async () => {
    const both = await points({
      view_type: 'TRACES',
      metric_name: 'trace_count',
      aggregations: agg('COUNT'),
      filters: ["trace.status = 'OK'", "trace.tag.mlflow.traceName = 'agent'"],
    });
    expect(both[0].values.COUNT).toBe(
      TRACES.filter((tr) => tr.state === 'OK' && tr.name === 'agent').length,
    );
    const limited = await points({
      view_type: 'TRACES',
      metric_name: 'trace_count',
      aggregations: agg('COUNT'),
      dimensions: ['trace_name'],
      max_results: 1,
    });
    expect(limited).toEqual([
      { metric_name: 'trace_count', dimensions: { trace_name: 'agent' }, values: { COUNT: 2 } },
    ]);
  });
});

describe('QueryTraceMetrics on spans', () => {
  it('counts spans by name, type and status', async () => {
    const got = await points({
      view_type: 'SPANS',
      metric_name: 'span_count',
      aggregations: agg('COUNT'),
      dimensions: ['span_name', 'span_type', 'span_status'],
    });
    const groups = groupBy(allSpans, (s) => [s.name, s.type, s.status].join('\u0000'));
    expect(got).toEqual(
      [...groups].map(([key, members]) => {
        const [span_name, span_type, span_status] = key.split('\u0000');
        return {
          metric_name: 'span_count',
          dimensions: { span_name, span_type, span_status },
          values: { COUNT: members.length },
        };
      }),
    );
  });

  it('measures span latency in whole milliseconds', async () => {
    const got = await points({
      view_type: 'SPANS',
      metric_name: 'latency',
      aggregations: agg('MAX', 50),
      dimensions: ['span_name'],
    });
    const groups = groupBy(allSpans, (s) => s.name);
    expect(got.map((p) => p.dimensions!.span_name)).toEqual([...groups.keys()]);
    for (const [i, members] of [...groups.values()].entries()) {
      const values = members.map((s) => s.latency);
      expectValues(got[i].values, { MAX: Math.max(...values), 'P50.0': percentile(values, 50) });
    }
  });

  it('sums costs by model and provider, leaving out spans without them', async () => {
    for (const metric of ['input_cost', 'output_cost', 'total_cost'] as const) {
      const got = await points({
        view_type: 'SPANS',
        metric_name: metric,
        aggregations: agg('SUM', 'AVG'),
        dimensions: ['span_model_name', 'span_model_provider'],
      });
      const priced = allSpans.filter((s) => s.cost?.[metric] !== undefined && s.provider);
      const groups = groupBy(priced, (s) => `${s.model}\u0000${s.provider}`);
      expect(got.map((p) => p.dimensions)).toEqual(
        [...groups.keys()].map((k) => {
          const [span_model_name, span_model_provider] = k.split('\u0000');
          return { span_model_name, span_model_provider };
        }),
      );
      for (const [i, members] of [...groups.values()].entries()) {
        const values = members.map((s) => s.cost![metric]!);
        expectValues(got[i].values, { SUM: sum(values), AVG: sum(values) / values.length });
      }
    }
  });

  it('counts spans by model name, a non-JSON model attribute taken as written', async () => {
    const got = await points({
      view_type: 'SPANS',
      metric_name: 'span_count',
      aggregations: agg('COUNT'),
      dimensions: ['span_model_name'],
    });
    const groups = groupBy(allSpans, (s) => s.model);
    expect(got).toEqual(
      [...groups].map(([span_model_name, members]) => ({
        metric_name: 'span_count',
        dimensions: { span_model_name },
        values: { COUNT: members.length },
      })),
    );
    expect(groups.has('raw-model')).toBe(true);
  });

  it('ranges costs by span start time, counts by trace time', async () => {
    const start = T0 + 3_600_000 + 1; // trace 4's children start 1 ms after it
    const costs = await points({
      view_type: 'SPANS',
      metric_name: 'total_cost',
      aggregations: agg('SUM'),
      start_time_ms: start,
      end_time_ms: start,
    });
    const spansThen = allSpans.filter((s) => s.startMs === start && s.cost?.total_cost);
    expect(costs).toEqual([
      {
        metric_name: 'total_cost',
        values: { SUM: sum(spansThen.map((s) => s.cost!.total_cost!)) },
      },
    ]);
    const counts = await points({
      view_type: 'SPANS',
      metric_name: 'span_count',
      aggregations: agg('COUNT'),
      start_time_ms: start,
      end_time_ms: start,
    });
    // No trace starts at that millisecond, so no span is counted.
    expect(counts).toEqual([{ metric_name: 'span_count', values: { COUNT: 0 } }]);
  });

  it('filters by span and by trace fields', async () => {
    const byType = await points({
      view_type: 'SPANS',
      metric_name: 'span_count',
      aggregations: agg('COUNT'),
      filters: ["span.type = 'LLM'"],
    });
    expect(byType[0].values.COUNT).toBe(allSpans.filter((s) => s.type === 'LLM').length);
    const inErrors = await points({
      view_type: 'SPANS',
      metric_name: 'span_count',
      aggregations: agg('COUNT'),
      filters: ["trace.status = 'ERROR'", "span.status = 'ERROR'"],
    });
    expect(inErrors[0].values.COUNT).toBe(
      allSpans.filter((s) => s.trace.state === 'ERROR' && s.status === 'ERROR').length,
    );
  });
});

describe('QueryTraceMetrics on assessments', () => {
  const valid = [...ASSESSMENTS, [4, 'score', 'feedback', OVERRIDE, OVERRIDE] as const];

  it('counts valid assessments by name and by stored value', async () => {
    const byName = await points({
      view_type: 'ASSESSMENTS',
      metric_name: 'assessment_count',
      aggregations: agg('COUNT'),
      dimensions: ['assessment_name'],
    });
    const groups = groupBy(valid, (a) => a[1]);
    expect(byName).toEqual(
      [...groups].map(([assessment_name, members]) => ({
        metric_name: 'assessment_count',
        dimensions: { assessment_name },
        values: { COUNT: members.length },
      })),
    );
    const byValue = await points({
      view_type: 'ASSESSMENTS',
      metric_name: 'assessment_count',
      aggregations: agg('COUNT'),
      dimensions: ['assessment_value'],
      filters: ["assessment.name = 'quality'"],
    });
    expect(byValue.map((p) => p.dimensions!.assessment_value)).toEqual([
      '"Yes "',
      '"maybe"',
      'false',
      'true',
    ]);
  });

  it('averages numeric values, booleans and yes/no as 1/0', async () => {
    const got = await points({
      view_type: 'ASSESSMENTS',
      metric_name: 'assessment_value',
      aggregations: agg('AVG', 'MIN', 'MAX', 50),
      dimensions: ['assessment_name'],
    });
    const numeric = valid.filter((a) => a[4] !== null);
    const groups = groupBy(numeric, (a) => a[1]);
    expect(got.map((p) => p.dimensions!.assessment_name)).toEqual([...groups.keys()]);
    for (const [i, members] of [...groups.values()].entries()) {
      const values = members.map((a) => a[4]!);
      const { AVG, MIN, MAX } = summary(values);
      expectValues(got[i].values, { AVG, MIN, MAX, 'P50.0': percentile(values, 50) });
    }
  });

  it('filters by assessment type and by the trace', async () => {
    const expectations = await points({
      view_type: 'ASSESSMENTS',
      metric_name: 'assessment_count',
      aggregations: agg('COUNT'),
      filters: ["assessment.type = 'expectation'"],
    });
    expect(expectations[0].values.COUNT).toBe(valid.filter((a) => a[2] === 'expectation').length);
    const onOk = await points({
      view_type: 'ASSESSMENTS',
      metric_name: 'assessment_count',
      aggregations: agg('COUNT'),
      filters: ["trace.status = 'OK'"],
    });
    const ok = new Set(TRACES.filter((tr) => tr.state === 'OK').map((tr) => tr.n));
    expect(onOk[0].values.COUNT).toBe(valid.filter((a) => ok.has(a[0])).length);
  });
});

describe('QueryTraceMetrics rejects', () => {
  const base = { view_type: 'TRACES', metric_name: 'trace_count', aggregations: agg('COUNT') };
  it.each([
    [
      { ...base, metric_name: 'span_count' },
      "metric_name must be one of ['trace_count', 'session_count', 'latency', 'input_tokens', 'output_tokens', 'total_tokens', 'cache_read_input_tokens', 'cache_creation_input_tokens'], got 'span_count'",
    ],
    [
      { ...base, aggregations: agg('SUM', 'AVG') },
      "Found invalid aggregation_type(s): ['AVG', 'SUM']. Supported aggregation types: ['COUNT']",
    ],
    [
      { ...base, dimensions: ['span_name'] },
      "Found invalid dimension(s): ['span_name']. Supported dimensions: ['trace_name', 'trace_status']",
    ],
    [
      { ...base, time_interval_seconds: -1e12, start_time_ms: 0, end_time_ms: T0 + 86_400_000 },
      'time_interval_seconds puts a time bucket at 1000000000000000 ms, outside the dates a timestamp can hold',
    ],
    [
      { ...base, time_interval_seconds: 60, end_time_ms: 5 },
      'start_time_ms and end_time_ms are required if time_interval_seconds is set',
    ],
    [
      { ...base, filters: ["span.name = 'llm'"] },
      'Filtering by span is only supported for SPANS view type, got TRACES',
    ],
    [
      { ...base, filters: ["trace.status != 'OK'"] },
      "Invalid comparator: '!=', only '=' operator is supported",
    ],
    [
      { ...base, filters: ["trace.status = 'OK' AND trace.status = 'x'"] },
      'Invalid clause(s) in filter string: AND',
    ],
    [
      { ...base, experiment_ids: ['x'] },
      "Invalid experiment ID 'x'. Experiment ID must be a valid integer.",
    ],
    [
      { ...base, experiment_ids: ['1', 2] },
      `Invalid value ["1",2] for parameter 'experiment_ids' supplied:  Hint: Value was of type 'list'. See the API docs for more information about request parameters.`,
    ],
    [
      { ...base, view_type: undefined },
      "Missing value for required parameter 'view_type'. See the API docs for more information about request parameters.",
    ],
    [
      { ...base, metric_name: 'latency', aggregations: agg(101) },
      'Percentile value must be between 0 and 100, got 101.0',
    ],
    [
      { ...base, metric_name: 'latency', aggregations: [{ aggregation_type: 'PERCENTILE' }] },
      'Percentile value is required for PERCENTILE aggregation',
    ],
  ])('%j with 400 and MLflow’s message', async (body, message) => {
    const res = await post(t, '/api/3.0/mlflow/traces/metrics', { experiment_ids: [exp], ...body });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE', message });
  });
});

describe('CalculateTraceFilterCorrelation', () => {
  function correlate(body: Record<string, unknown>) {
    return post(t, '/api/3.0/mlflow/traces/calculate-filter-correlation', {
      experiment_ids: [exp],
      ...body,
    });
  }

  /** MLflow's NPMI policy, written out from its definition. */
  function npmi(joint: number, n1: number, n2: number, total: number, smoothing: number) {
    if (total === 0 || n1 === 0 || n2 === 0) return undefined;
    if (smoothing === 0 && joint === 0) return -1;
    const [a, b, c, d] = [joint, n1 - joint, n2 - joint, total - n1 - n2 + joint];
    if (b === 0 && c === 0 && d === 0) return 1;
    const [sa, sb, sc, sd] = [a, b, c, d].map((x) => x + smoothing);
    const n = sa + sb + sc + sd;
    const pmi = Math.log((sa * n) / ((sa + sb) * (sa + sc)));
    return Math.max(-1, Math.min(1, pmi / -Math.log(sa / n)));
  }

  async function expectCorrelation(
    body: Record<string, unknown>,
    universe: SeedTrace[],
    first: (tr: SeedTrace) => boolean,
    second: (tr: SeedTrace) => boolean,
  ) {
    const res = await correlate(body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const counts = {
      filter1_count: universe.filter(first).length,
      filter2_count: universe.filter(second).length,
      joint_count: universe.filter((tr) => first(tr) && second(tr)).length,
      total_count: universe.length,
    };
    expect(res.body).toMatchObject(counts);
    const args = [
      counts.joint_count,
      counts.filter1_count,
      counts.filter2_count,
      counts.total_count,
    ] as const;
    for (const [field, smoothing] of [
      ['npmi', 0],
      ['npmi_smoothed', 0.5],
    ] as const) {
      const want = npmi(...args, smoothing);
      if (want === undefined) expect(res.body).not.toHaveProperty(field);
      else expect(res.body[field]).toBeCloseTo(want, 12);
    }
  }

  it('counts both filters over the experiment and scores them', async () => {
    await expectCorrelation(
      { filter_string1: "trace.status = 'OK'", filter_string2: "name = 'chat'" },
      TRACES,
      (tr) => tr.state === 'OK',
      (tr) => tr.name === 'chat',
    );
  });

  it('scores -1 for filters that never meet, and leaves out undefined scores', async () => {
    await expectCorrelation(
      { filter_string1: "trace.status = 'ERROR'", filter_string2: "name = 'chat'" },
      TRACES,
      (tr) => tr.state === 'ERROR',
      (tr) => tr.name === 'chat',
    );
    await expectCorrelation(
      { filter_string1: "name = 'nobody'", filter_string2: "name = 'chat'" },
      TRACES,
      () => false,
      (tr) => tr.name === 'chat',
    );
  });

  it('takes span and feedback conditions', async () => {
    await expectCorrelation(
      { filter_string1: "span.type = 'LLM'", filter_string2: 'feedback.score > 0.6' },
      TRACES,
      (tr) => tr.spans.some((s) => s.type === 'LLM'),
      (tr) =>
        [...ASSESSMENTS, [4, 'score', 'feedback', OVERRIDE, OVERRIDE] as const].some(
          (a) => a[0] === tr.n && a[1] === 'score' && (a[3] as number) > 0.6,
        ),
    );
  });

  it('counts within the base filter’s traces', async () => {
    await expectCorrelation(
      {
        filter_string1: "trace.status = 'OK'",
        filter_string2: "span.type = 'LLM'",
        base_filter: `timestamp_ms >= ${T0 + 30_000}`,
      },
      TRACES.filter((tr) => tr.offsetMs >= 30_000),
      (tr) => tr.state === 'OK',
      (tr) => tr.spans.some((s) => s.type === 'LLM'),
    );
  });

  it('answers zero counts for experiments without traces', async () => {
    const res = await correlate({
      experiment_ids: ['424242'],
      filter_string1: "name = 'chat'",
      filter_string2: "name = 'agent'",
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      filter1_count: 0,
      filter2_count: 0,
      joint_count: 0,
      total_count: 0,
    });
  });

  it.each([
    [
      { filter_string2: "name = 'x'" },
      "Missing value for required parameter 'filter_string1'. See the API docs for more information about request parameters.",
    ],
    [
      { filter_string1: "name = 'x'", filter_string2: "name = 'x' OR name = 'y'" },
      "Invalid clause(s) in filter string: 'OR'",
    ],
    [
      { filter_string1: "name = 'x'", filter_string2: "name = 'y'", base_filter: 'name = ' },
      "Invalid clause(s) in filter string: 'name', '='",
    ],
    [
      { experiment_ids: ['x'], filter_string1: "name = 'x'", filter_string2: "name = 'y'" },
      "Invalid experiment ID 'x'. Experiment ID must be a valid integer.",
    ],
  ])('rejects %j with MLflow’s message', async (body, message) => {
    const res = await correlate(body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE', message });
  });
});
