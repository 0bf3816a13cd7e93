// The screenshots' traces: an assistant answering questions about the demo's runs, traced as
// MLflow's client sends a trace (its spans in one OTLP request to /v1/traces, then StartTraceV3),
// one of them in a run, with a failed tool call and a judge's feedback. Same content every time.
import { createHash } from 'node:crypto';
import { encodeProtobufRequest } from '../src/api/traces/otlp-proto.js';

type Json = Record<string, unknown>;

interface Caller {
  base: string;
  call(method: string, path: string, body?: unknown): Promise<Json>;
}

const QUESTIONS: [string, string][] = [
  [
    'Which optimiser found the shortest berlin52 tour?',
    'Simulated annealing: its best run (sa-s5) ends at a loss of 0.17, below genetic algorithms (0.22) and tabu search (0.29).',
  ],
  ['How many runs did the tabu sweep have?', 'Three child runs, one for each learning rate.'],
  [
    'Is the champion model the best run?',
    'Yes: tour-solver@champion is version 2, logged by the best simulated annealing run.',
  ],
  ['What cooling schedule did sa-s5 use?', 'Geometric cooling with T0 = 10 and alpha = 0.995.'],
  ['Compare the eval loss of sa and ga.', 'sa: 0.18 at step 199; ga: 0.24 at step 199.'],
];

function anyValue(v: unknown): Json {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { intValue: v } : { doubleValue: v };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(anyValue) } };
  if (v && typeof v === 'object') {
    return {
      kvlistValue: {
        values: Object.entries(v).map(([key, value]) => ({ key, value: anyValue(value) })),
      },
    };
  }
  return {};
}

/** Ids that look like the random ones a client makes, the same every time. */
const idHex = (seed: string, bytes: number) =>
  createHash('md5')
    .update(seed)
    .digest('hex')
    .slice(0, bytes * 2);

interface DemoSpan {
  name: string;
  type: string;
  parent?: number;
  from: number;
  to: number;
  inputs?: unknown;
  outputs?: unknown;
  extra?: Json;
  error?: [string, string];
}

/** The assistant's call tree for one question; times in ms from the trace's start. */
function spansFor(question: string, answer: string, slow: number): DemoSpan[] {
  const messages = [
    { role: 'system', content: 'Answer from the tracking server. Cite runs by name.' },
    { role: 'user', content: question },
  ];
  return [
    {
      name: 'answer_question',
      type: 'AGENT',
      from: 0,
      to: 2350 * slow,
      inputs: { question },
      outputs: answer,
    },
    {
      name: 'plan',
      type: 'CHAT_MODEL',
      parent: 0,
      from: 20,
      to: 410 * slow,
      inputs: { messages, model: 'gpt-4o-mini', temperature: 0 },
      outputs: { tool_calls: [{ name: 'search_runs', arguments: { tour: 'berlin52' } }] },
      extra: {
        'mlflow.chat.tokenUsage': { input_tokens: 212, output_tokens: 31, total_tokens: 243 },
      },
    },
    {
      name: 'search_runs',
      type: 'TOOL',
      parent: 0,
      from: 430 * slow,
      to: 520 * slow,
      inputs: { filter_string: "params.tour = 'berlin52'", order_by: ['metrics.loss ASC'] },
      outputs: [
        { run_name: 'sa-s5-lr0.03', loss: 0.17 },
        { run_name: 'ga-s2-lr0.1', loss: 0.22 },
      ],
    },
    {
      name: 'fetch_tour_plot',
      type: 'TOOL',
      parent: 0,
      from: 530 * slow,
      to: 560 * slow,
      inputs: { run: 'sa-s5-lr0.03', path: 'plots/tour.png' },
      error: ['FileNotFoundError', "No artifact at 'plots/tour.png'"],
    },
    {
      name: 'retrieve_notes',
      type: 'RETRIEVER',
      parent: 0,
      from: 570 * slow,
      to: 800 * slow,
      inputs: { query: question },
    },
    {
      name: 'embed_query',
      type: 'EMBEDDING',
      parent: 4,
      from: 575 * slow,
      to: 640 * slow,
      inputs: { text: question },
    },
    {
      name: 'vector_search',
      type: 'RETRIEVER',
      parent: 4,
      from: 650 * slow,
      to: 790 * slow,
      inputs: { top_k: 2 },
      outputs: [{ id: 'note-12', page_content: 'sa: geometric cooling, T0 = 10, alpha = 0.995' }],
    },
    {
      name: 'generate_answer',
      type: 'CHAT_MODEL',
      parent: 0,
      from: 820 * slow,
      to: 2300 * slow,
      inputs: { messages, model: 'gpt-4o', temperature: 0.2 },
      outputs: { choices: [{ index: 0, message: { role: 'assistant', content: answer } }] },
      extra: {
        'mlflow.chat.tokenUsage': { input_tokens: 684, output_tokens: 58, total_tokens: 742 },
      },
    },
  ];
}

/** Traces of the demo's questions into `experimentId`, the first one made in `runId`. */
export async function seedTraces(
  api: Caller,
  experimentId: string,
  runId: string,
  start: number,
): Promise<{ traceId: string; spanId: string }> {
  let first: { traceId: string; spanId: string } | undefined;
  for (const [n, [question, answer]] of QUESTIONS.entries()) {
    const otelId = idHex(`demo-trace-${n}`, 16);
    const traceId = `tr-${otelId}`;
    const begin = start + n * 17 * 60_000;
    const spans = spansFor(question, answer, 1 + (n % 3) * 0.35);
    const spanId = (i: number) => idHex(`demo-span-${n}-${i}`, 8);
    const ns = (ms: number) => (BigInt(Math.round(begin + ms)) * 1_000_000n).toString();
    const otlp = encodeProtobufRequest({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'telemetry.sdk.language', value: anyValue('python') }] },
          scopeSpans: [
            {
              spans: spans.map((s, i) => ({
                traceId: Buffer.from(otelId, 'hex'),
                spanId: Buffer.from(spanId(i), 'hex'),
                ...(s.parent === undefined
                  ? {}
                  : { parentSpanId: Buffer.from(spanId(s.parent), 'hex') }),
                name: s.name,
                kind: 1,
                startTimeUnixNano: ns(s.from),
                endTimeUnixNano: ns(s.to),
                attributes: Object.entries({
                  'mlflow.spanType': s.type,
                  ...(s.inputs === undefined ? {} : { 'mlflow.spanInputs': s.inputs }),
                  ...(s.outputs === undefined ? {} : { 'mlflow.spanOutputs': s.outputs }),
                  ...s.extra,
                }).map(([key, value]) => ({ key, value: anyValue(value) })),
                events: s.error
                  ? [
                      {
                        name: 'exception',
                        timeUnixNano: ns(s.to - 1),
                        attributes: [
                          { key: 'exception.type', value: anyValue(s.error[0]) },
                          { key: 'exception.message', value: anyValue(s.error[1]) },
                        ],
                      },
                    ]
                  : [],
                status: s.error
                  ? { code: 2, message: `${s.error[0]}: ${s.error[1]}` }
                  : { code: 1 },
              })),
            },
          ],
        },
      ],
    });
    const sent = await fetch(`${api.base}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf', 'x-mlflow-experiment-id': experimentId },
      body: Buffer.from(otlp),
    });
    if (!sent.ok) throw new Error(`OTLP: ${sent.status} ${await sent.text()}`);
    const root = spans[0];
    await api.call('POST', '/api/3.0/mlflow/traces', {
      trace: {
        trace_info: {
          trace_id: traceId,
          trace_location: {
            type: 'MLFLOW_EXPERIMENT',
            mlflow_experiment: { experiment_id: experimentId },
          },
          request_time: new Date(begin).toISOString(),
          execution_duration: `${(root.to / 1000).toFixed(3)}s`,
          state: 'OK',
          trace_metadata: {
            'mlflow.trace_schema.version': '3',
            'mlflow.user': 'demo',
            'mlflow.trace.sizeStats': JSON.stringify({ num_spans: spans.length }),
            'mlflow.trace.tokenUsage': JSON.stringify({
              input_tokens: 896,
              output_tokens: 89,
              total_tokens: 985,
            }),
            ...(n === 0 ? { 'mlflow.sourceRun': runId } : {}),
          },
          tags: { 'mlflow.traceName': 'answer_question', env: n % 2 ? 'staging' : 'prod' },
          request_preview: JSON.stringify({ question }),
          response_preview: JSON.stringify(answer),
        },
      },
    });
    const assess = (assessment: Json) =>
      api.call('POST', `/api/3.0/mlflow/traces/${traceId}/assessments`, { assessment });
    // The judge finds one answer wrong: the champion was not the best run's model by loss alone.
    const correct = n !== 2;
    await assess({
      assessment_name: 'correctness',
      source: { source_type: 'LLM_JUDGE', source_id: 'openai:/gpt-4o' },
      feedback: { value: correct ? 'yes' : 'no' },
      rationale: correct
        ? 'The answer is supported by the runs it cites.'
        : 'The champion alias was set by hand; the answer claims it follows the loss.',
    });
    if (n === 0) {
      first = { traceId, spanId: spanId(spans.length - 1) };
      await assess({
        assessment_name: 'expected_facts',
        source: { source_type: 'HUMAN', source_id: 'demo' },
        expectation: {
          serialized_value: {
            serialization_format: 'JSON_FORMAT',
            value: JSON.stringify(['simulated annealing', 'loss 0.17']),
          },
        },
      });
    }
  }
  return first!;
}
