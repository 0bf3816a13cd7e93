// Spans of other OpenTelemetry instrumentations (GenAI semconv, OpenInference) through /v1/traces:
// what get-trace and search-traces show of them (span types, inputs, usage, previews, the trace's
// token usage and cost), over one batch or several, and next to StartTraceV3's own figures.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { otlpProtobuf, type TestSpan } from '../support/otlp.js';
import { post, startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
let experimentId: string;

beforeAll(async () => {
  t = await startTestApp();
  experimentId = (await post(t, '/api/2.0/mlflow/experiments/create', { name: 'genai' })).body
    .experiment_id as string;
});
afterAll(async () => {
  await t.close();
});

let counter = 0;
function traceHex(): string {
  counter++;
  return `5a1e0000000000000000000000${counter.toString(16).padStart(6, '0')}`;
}

const T0 = 1796316330309194728n;

function span(
  traceId: string,
  n: number,
  attributes: Record<string, unknown>,
  parent?: number,
): TestSpan {
  return {
    traceId,
    spanId: n.toString(16).padStart(16, '0'),
    ...(parent === undefined ? {} : { parentSpanId: parent.toString(16).padStart(16, '0') }),
    name: `span-${n}`,
    start: (T0 + BigInt(n) * 1000n).toString(),
    end: (T0 + BigInt(n) * 1000n + 500n).toString(),
    attributes,
  };
}

async function send(spans: TestSpan[]): Promise<void> {
  const res = await t.api
    .post('/v1/traces')
    .set('Content-Type', 'application/x-protobuf')
    .set('x-mlflow-experiment-id', experimentId)
    .send(otlpProtobuf(spans));
  expect(res.status).toBe(200);
}

interface GotSpan {
  name: string;
  attributes: { key: string; value: Record<string, unknown> }[];
}

async function getTrace(traceHexId: string) {
  const res = await t.api
    .get('/api/3.0/mlflow/traces/get')
    .query({ trace_id: `tr-${traceHexId}`, allow_partial: 'True' });
  expect(res.status).toBe(200);
  const spans = res.body.trace.spans as GotSpan[];
  const attrs = (name: string) =>
    Object.fromEntries(spans.find((s) => s.name === name)!.attributes.map((a) => [a.key, a.value]));
  return { info: res.body.trace.trace_info, attrs };
}

function startTrace(traceHexId: string, metadata: Record<string, string>) {
  return post(t, '/api/3.0/mlflow/traces', {
    trace: {
      trace_info: {
        trace_id: `tr-${traceHexId}`,
        trace_location: {
          type: 'MLFLOW_EXPERIMENT',
          mlflow_experiment: { experiment_id: experimentId },
        },
        request_time: '2026-12-03T16:45:30.309Z',
        execution_duration: '0.052s',
        state: 'OK',
        trace_metadata: metadata,
        tags: {},
      },
    },
  });
}

const chat = (input: number, output: number, model = 'gpt-4o-mini') => ({
  'gen_ai.operation.name': 'chat',
  'gen_ai.request.model': model,
  'gen_ai.usage.input_tokens': input,
  'gen_ai.usage.output_tokens': output,
});

describe('OTLP spans of other instrumentations', () => {
  it('come back with MLflow span types, inputs, usage and cost, and give the trace its totals', async () => {
    const id = traceHex();
    await send([
      span(id, 1, {
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.input.messages': JSON.stringify({
          messages: [
            { role: 'system', content: 'be brief' },
            { role: 'user', content: 'What is 2+2?' },
          ],
        }),
        'gen_ai.output.messages': JSON.stringify({
          choices: [{ message: { role: 'assistant', content: 'Four.' } }],
        }),
      }),
      span(id, 2, chat(1000, 200), 1),
      span(
        id,
        3,
        {
          'openinference.span.kind': 'RETRIEVER',
          'input.value': 'arithmetic facts',
          'llm.token_count.prompt': 7,
          'llm.token_count.completion': 3,
        },
        1,
      ),
    ]);
    const { info, attrs } = await getTrace(id);
    expect(attrs('span-1')['mlflow.spanType']).toEqual({ string_value: 'AGENT' });
    expect(attrs('span-2')['mlflow.spanType']).toEqual({ string_value: 'CHAT_MODEL' });
    expect(attrs('span-2')['mlflow.llm.model']).toEqual({ string_value: 'gpt-4o-mini' });
    expect(attrs('span-3')['mlflow.spanType']).toEqual({ string_value: 'RETRIEVER' });
    expect(attrs('span-3')['mlflow.spanInputs']).toEqual({ string_value: 'arithmetic facts' });
    // The chat messages' text, not the JSON, as the trace's previews.
    expect(info.request_preview).toBe('What is 2+2?');
    expect(info.response_preview).toBe('Four.');
    expect(info.trace_metadata['mlflow.trace.tokenUsage']).toBe(
      '{"input_tokens": 1007, "output_tokens": 203, "total_tokens": 1210}',
    );
    // Only the chat span names a priced model.
    expect(info.trace_metadata['mlflow.trace.cost']).toBe(
      '{"input_cost": 0.00015, "output_cost": 0.00011999999999999999, "total_cost": 0.00026999999999999995}',
    );

    const found = await post(t, '/api/3.0/mlflow/traces/search', {
      locations: [
        { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } },
      ],
      filter: `trace.request_id = 'tr-${id}'`,
    });
    expect(found.status).toBe(200);
    expect(found.body.traces).toHaveLength(1);
    expect(found.body.traces[0].request_preview).toBe('What is 2+2?');
    expect(found.body.traces[0].trace_metadata['mlflow.trace.tokenUsage']).toBe(
      info.trace_metadata['mlflow.trace.tokenUsage'],
    );
  });

  it('sums usage again over every batch when a trace arrives in pieces', async () => {
    const id = traceHex();
    await send([span(id, 2, chat(20, 2), 1)]);
    expect((await getTrace(id)).info.trace_metadata['mlflow.trace.tokenUsage']).toBe(
      '{"input_tokens": 20, "output_tokens": 2, "total_tokens": 22}',
    );
    await send([span(id, 3, { ...chat(30, 3), 'gen_ai.usage.cache_read.input_tokens': 10 }, 1)]);
    expect((await getTrace(id)).info.trace_metadata['mlflow.trace.tokenUsage']).toBe(
      '{"input_tokens": 50, "output_tokens": 5, "total_tokens": 55, "cache_read_input_tokens": 10}',
    );
    // The root comes last with usage rolled up from its children: counted once, not added.
    await send([
      span(id, 1, {
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.usage.input_tokens': 50,
        'gen_ai.usage.output_tokens': 5,
      }),
    ]);
    expect((await getTrace(id)).info.trace_metadata['mlflow.trace.tokenUsage']).toBe(
      '{"input_tokens": 50, "output_tokens": 5, "total_tokens": 55, "cache_read_input_tokens": 10}',
    );
  });

  it('keeps the usage a client gave when it started the trace', async () => {
    const given = '{"input_tokens": 1, "output_tokens": 1, "total_tokens": 2}';
    const id = traceHex();
    expect((await startTrace(id, { 'mlflow.trace.tokenUsage': given })).status).toBe(200);
    await send([span(id, 1, chat(100, 10))]);
    expect((await getTrace(id)).info.trace_metadata['mlflow.trace.tokenUsage']).toBe(given);

    // Started without usage: the spans' sum is the trace's.
    const other = traceHex();
    expect((await startTrace(other, {})).status).toBe(200);
    await send([span(other, 1, chat(100, 10))]);
    expect((await getTrace(other)).info.trace_metadata['mlflow.trace.tokenUsage']).toBe(
      '{"input_tokens": 100, "output_tokens": 10, "total_tokens": 110}',
    );
  });

  it('searches span types as the spans were sent, as MLflow does', async () => {
    const id = traceHex();
    await send([
      span(id, 1, { 'mlflow.spanType': 'RETRIEVER', 'gen_ai.operation.name': 'chat' }),
      span(id, 2, chat(1, 1), 1),
    ]);
    const search = (filter: string) =>
      post(t, '/api/3.0/mlflow/traces/search', {
        locations: [
          { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } },
        ],
        filter,
      });
    // MLflow's span rows hold the type the span was sent with; the translated type is only in
    // the span's content.
    const sent = await search(`span.type = 'RETRIEVER'`);
    expect(sent.body.traces.map((x: { trace_id: string }) => x.trace_id)).toEqual([`tr-${id}`]);
    const translated = await search(`span.type = 'CHAT_MODEL'`);
    expect(translated.body.traces ?? []).toEqual([]);
    const { attrs } = await getTrace(id);
    expect(attrs('span-2')['mlflow.spanType']).toEqual({ string_value: 'CHAT_MODEL' });
  });
});
