// SearchTracesV3 filters as MLflow 3.17 reads them: RLIKE everywhere MLflow takes it, run_id and
// name on the metadata and tag they stand for, `trace.text` as span content, session-level
// assessments, reserved token-usage metadata, and MLflow's checks and messages for each.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { otlpProtobuf } from '../support/otlp.js';
import { post, startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
let experimentId: string;
let runId: string;
const NAMES = ['alpha', 'beta', 'gamma'] as const;
const traceId = (n: number) => `tr-${(n + 1).toString(16).repeat(32)}`;
const T0 = 1_700_000_000_000;
const TOKENS = '{"input_tokens": 5, "output_tokens": 7, "total_tokens": 12}';

interface Setup {
  child: string;
  type: string;
  model: string;
  question: string;
  answer: string;
  error?: boolean;
  tags: Record<string, string>;
  metadata: Record<string, string>;
  clientRequestId?: string;
}

async function addTrace(n: number, s: Setup) {
  const hex = traceId(n).slice(3);
  const start = BigInt(T0 + n * 10_000) * 1_000_000n;
  const root = (n + 1).toString(16).repeat(16);
  const child = (n + 10).toString(16).repeat(16);
  const sent = await t.api
    .post('/v1/traces')
    .set('Content-Type', 'application/x-protobuf')
    .set('x-mlflow-experiment-id', experimentId)
    .send(
      otlpProtobuf([
        {
          traceId: hex,
          spanId: root,
          name: 'root',
          start: String(start),
          end: String(start + 300_000_000n),
          status: s.error ? 2 : 1,
          attributes: { 'mlflow.spanType': 'CHAIN', 'mlflow.spanInputs': s.question },
        },
        {
          traceId: hex,
          spanId: child,
          parentSpanId: root,
          name: s.child,
          start: String(start + 1_000_000n),
          end: String(start + 200_000_000n),
          attributes: {
            'mlflow.spanType': s.type,
            model: s.model,
            'mlflow.spanOutputs': s.answer,
          },
        },
      ]),
    );
  expect(sent.status).toBe(200);
  const started = await post(t, '/api/3.0/mlflow/traces', {
    trace: {
      trace_info: {
        trace_id: traceId(n),
        ...(s.clientRequestId ? { client_request_id: s.clientRequestId } : {}),
        trace_location: {
          type: 'MLFLOW_EXPERIMENT',
          mlflow_experiment: { experiment_id: experimentId },
        },
        request_time: new Date(T0 + n * 10_000).toISOString(),
        execution_duration: '0.300s',
        state: s.error ? 'ERROR' : 'OK',
        tags: { 'mlflow.traceName': NAMES[n], ...s.tags },
        trace_metadata: s.metadata,
      },
    },
  });
  expect(started.status).toBe(200);
}

async function assess(n: number, body: Record<string, unknown>) {
  const res = await post(t, `/api/3.0/mlflow/traces/${traceId(n)}/assessments`, {
    assessment: {
      trace_id: traceId(n),
      source: { source_type: 'HUMAN', source_id: 'bob' },
      create_time: '2026-01-01T00:00:00Z',
      last_update_time: '2026-01-01T00:00:00Z',
      ...body,
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

function search(filter: string) {
  return post(t, '/api/3.0/mlflow/traces/search', {
    locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } }],
    filter,
  });
}

/** The names of the traces a filter finds, oldest first. */
async function found(filter: string): Promise<string[]> {
  const res = await search(filter);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const traces = (res.body.traces ?? []) as { tags: Record<string, string> }[];
  return traces.map((x) => x.tags['mlflow.traceName']).reverse();
}

beforeAll(async () => {
  t = await startTestApp();
  experimentId = (await post(t, '/api/2.0/mlflow/experiments/create', { name: 'filters' })).body
    .experiment_id;
  runId = (await post(t, '/api/2.0/mlflow/runs/create', { experiment_id: experimentId })).body.run
    .info.run_id;
  await addTrace(0, {
    child: 'retrieve',
    type: 'RETRIEVER',
    model: 'gpt-4',
    question: 'What is MLflow?',
    answer: 'Paris',
    tags: { env: 'dev' },
    metadata: { 'mlflow.trace.session': 's1', 'mlflow.sourceRun': runId },
    clientRequestId: 'cr-a',
  });
  await addTrace(1, {
    child: 'llm',
    type: 'LLM',
    model: 'claude-3',
    question: 'Where is Rome?',
    answer: 'Rome',
    error: true,
    tags: { env: 'prod', team: 'x' },
    metadata: { 'mlflow.trace.tokenUsage': TOKENS, 'mlflow.sourceRun': 'other-run' },
    clientRequestId: 'cr-b',
  });
  await addTrace(2, {
    child: 'llm',
    type: 'TOOL',
    model: 'gpt-4o',
    question: 'Capital of France',
    answer: 'Rome',
    tags: { env: 'dev' },
    metadata: { 'mlflow.trace.session': 's1' },
  });
  await post(t, '/api/2.0/mlflow/traces/link-to-run', { trace_ids: [traceId(2)], run_id: runId });
  await post(t, '/api/2.0/mlflow/traces/link-prompts', {
    trace_id: traceId(2),
    prompt_versions: [{ name: 'qa', version: '3' }],
  });
  await assess(1, { assessment_name: 'quality', feedback: { value: 0.8 } });
  await assess(2, { assessment_name: 'quality', feedback: { value: true } });
  await assess(2, { assessment_name: 'tone', feedback: { value: 'friendly' } });
  await assess(0, { assessment_name: 'tone', feedback: { value: 'curt' } });
  await assess(0, { assessment_name: 'answer', expectation: { value: 'Paris' } });
  // Logged on alpha for the whole session s1, so it stands for gamma as well.
  await assess(0, {
    assessment_name: 'coherent',
    feedback: { value: 'yes' },
    metadata: { 'mlflow.trace.session': 's1' },
  });
});
afterAll(async () => {
  await t.close();
});

describe('RLIKE', () => {
  it.each([
    ["status RLIKE '^E'", ['beta']],
    ["trace.status RLIKE '(?i)ok'", ['alpha', 'gamma']],
    ["name RLIKE 'a$'", ['alpha', 'beta', 'gamma']],
    ["name RLIKE '(?P<g>gam)ma'", ['gamma']],
    ["name RLIKE '['", []],
    ["request_id RLIKE '^tr-1'", ['alpha']],
    ["client_request_id RLIKE 'b$'", ['beta']],
    ["tags.env RLIKE '^p'", ['beta']],
    ["tags.env rlike 'd'", ['alpha', 'beta', 'gamma']],
    ["metadata.`mlflow.trace.session` RLIKE '1$'", ['alpha', 'gamma']],
    ["span.name RLIKE '^r'", ['alpha', 'beta', 'gamma']],
    ["span.name RLIKE '^re'", ['alpha']],
    ["span.type RLIKE 'LL|TO'", ['beta', 'gamma']],
    ["span.status RLIKE 'ERR'", ['beta']],
    ["feedback.tone RLIKE 'ur'", ['alpha']],
    ["expectation.answer RLIKE 'Par'", ['alpha']],
  ])('%s', async (filter, expected) => {
    expect(await found(filter)).toEqual(expected);
  });

  it.each([
    ["span.attributes.model RLIKE 'gpt'", ['alpha', 'gamma']],
    ["span.attributes.model RLIKE '^gpt'", ['alpha', 'gamma']],
    ["span.attributes.model RLIKE '^gpt-4$'", ['alpha']],
    ["span.attributes.model RLIKE '4o$'", ['gamma']],
    // `^` anchors at the start of the attribute's value, not of the whole span.
    ["span.attributes.model RLIKE '^claude'", ['beta']],
    ["span.attributes.model RLIKE '^laude'", []],
  ])('matches span attribute values: %s', async (filter, expected) => {
    expect(await found(filter)).toEqual(expected);
  });

  it.each([
    ["name RLIKE '(a)\\1'", 'backreference'],
    ["tags.env RLIKE '(?P<x>d)(?P=x)'", 'backreference'],
    ["span.attributes.model RLIKE 'g(?=pt)'", 'lookaround'],
  ])('refuses a pattern that could run for ever: %s', async (filter, construct) => {
    const res = await search(filter);
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(res.body.message).toContain(construct);
  });
});

describe('search keys MLflow keeps elsewhere', () => {
  it.each([
    // run_id: `=` also finds traces linked to the run; other comparators read the metadata only.
    [`run_id = '${'RUN'}'`, ['alpha', 'gamma']],
    [`run_id != '${'RUN'}'`, ['beta']],
    ["run_id LIKE 'other%'", ['beta']],
    ['run_id IS NULL', ['gamma']],
    ['run_id IS NOT NULL', ['alpha', 'beta']],
    // name is the trace-name tag, whatever entity it is written with.
    ['name IS NOT NULL', ['alpha', 'beta', 'gamma']],
    ['tags.`mlflow.traceName` IS NULL', []],
    ["tags.name = 'beta'", ['beta']],
    ["feedback.NAME = 'gamma'", ['gamma']],
    // prompt is the link to a prompt version.
    ["prompt = 'qa/3'", ['gamma']],
    ["tags.`mlflow.linkedPrompts` = 'qa/3'", ['gamma']],
    ["prompt = 'qa/4'", []],
    // text is span content, and like other span conditions it must hold on one span.
    ["trace.text LIKE '%Rome%'", ['beta', 'gamma']],
    ["metadata.text LIKE '%Rome%'", ['beta', 'gamma']],
    ["trace.text ILIKE '%where%'", ['beta']],
    ["trace.text ILIKE '%where%' AND span.name = 'llm'", []],
    ["trace.text like '%Rome%' AND span.name = 'llm'", ['beta', 'gamma']],
    ["trace.text like '%rome%'", []],
    // timestamp aliases; a text value is compared as SQLite compares it with a number column.
    [`timestamp > ${T0 + 5000}`, ['beta', 'gamma']],
    [`trace.timestamp_ms >= '${T0 + 10_000}'`, ['beta', 'gamma']],
    ["timestamp_ms < 'abc'", ['alpha', 'beta', 'gamma']],
    ["end_time_ms > '5'", []],
  ])('%s', async (filter, expected) => {
    expect(await found(filter.replace("'RUN'", `'${runId}'`))).toEqual(expected);
  });
});

describe('span conditions', () => {
  it.each([
    ["span.type IN ('LLM', 'TOOL')", ['beta', 'gamma']],
    ["span.name NOT IN ('root')", ['alpha', 'beta', 'gamma']],
    // MLflow compares `=` and `!=` against the LIKE pattern it builds for attributes.
    ["span.attributes.model = 'gpt-4'", []],
    ["span.attributes.model != 'gpt-4'", ['alpha', 'beta', 'gamma']],
    ["span.attributes.model LIKE '%gpt%'", ['alpha', 'gamma']],
    ["span.type = 'LLM' AND span.attributes.model LIKE '%claude%'", ['beta']],
    ["span.type = 'TOOL' AND span.attributes.model LIKE '%claude%'", []],
  ])('%s', async (filter, expected) => {
    expect(await found(filter)).toEqual(expected);
  });
});

describe('assessments', () => {
  it.each([
    // A boolean value is no number to > and <, as in MLflow.
    ['feedback.quality > 0.5', ['beta']],
    ['feedback.quality < 1', ['beta']],
    ["feedback.quality = 'true'", ['gamma']],
    ["feedback.tone != 'curt'", ['gamma']],
    // A session-level assessment counts for every trace of its session.
    ["feedback.coherent = 'yes'", ['alpha', 'gamma']],
    ['feedback.coherent IS NOT NULL', ['alpha', 'gamma']],
    ['feedback.coherent IS NULL', ['beta']],
    ["expectation.answer = 'Paris'", ['alpha']],
  ])('%s', async (filter, expected) => {
    expect(await found(filter)).toEqual(expected);
  });
});

describe('reserved metadata (token usage, cost)', () => {
  it.each([
    [`metadata.\`mlflow.trace.tokenUsage\` = '${TOKENS}'`, ['beta']],
    // Only the form MLflow writes back can be equal; anything else never is.
    [
      `metadata.\`mlflow.trace.tokenUsage\` = '{"input_tokens":5,"output_tokens":7,"total_tokens":12}'`,
      [],
    ],
    [`metadata.\`mlflow.trace.tokenUsage\` != '{"input_tokens": 5}'`, ['beta']],
    [`metadata.\`mlflow.trace.tokenUsage\` != 'junk'`, ['beta']],
    ['metadata.`mlflow.trace.tokenUsage` IS NULL', ['alpha', 'gamma']],
    ['metadata.`mlflow.trace.cost` IS NOT NULL', []],
  ])('%s', async (filter, expected) => {
    expect(await found(filter)).toEqual(expected);
  });
});

describe("MLflow's refusals", () => {
  it.each([
    ["text LIKE '%Rome%'", "Invalid clause(s) in filter string: 'text', 'LIKE', ''%Rome%''"],
    ["status = 'OK' AND timestamp = 'x'", "'timestamp', '=', ''x'', 'timestamp'"],
    ['TIMESTAMP > 1', "Invalid clause(s) in filter string: 'TIMESTAMP', '>', '1'"],
    ["name IN ('alpha')", "Invalid comparator 'IN' not one of '{"],
    ["run_id IN ('x')", "Invalid comparator 'IN' not one of '{"],
    ['status IS NULL', "Invalid comparator 'IS NULL' not one of '{"],
    ["timestamp_ms LIKE '1%'", "Invalid comparator 'LIKE' not one of '{"],
    ['timestamp_ms IN (1, 2)', 'supports comparison with a list of quoted string values'],
    ['status = 1', 'attributes support comparison with numeric values'],
    ['tags.env = 5', "Expected a quoted string value for tag (e.g. 'my-value'). Got value 5"],
    ["metadata.x IN ('a')", 'Expected a quoted string value for request_metadata'],
    ['tags.env = dev', 'Parameter value is either not quoted'],
    ["span.name like 'l%'", "span.name comparator 'like' not one of"],
    ["span.content RLIKE 'x'", "span.content comparator 'RLIKE' not one of"],
    ["span.attributes. = 'x'", "Span attribute name cannot be empty after 'attributes.'"],
    ["span.foo = 'x'", "Invalid span attribute 'foo'. Supported attributes: name, status, type"],
    ["span.attributes.model IN ('x')", 'only IN and NOT IN take a list'],
    ["status = ('OK')", "Invalid value ('OK') for comparator '='"],
    ['feedback.quality = 0.8', "Expected a quoted string value for feedback (e.g. 'my-value')"],
    ["feedback.quality > '0.5'", "Expected a numeric value for feedback when using comparator '>'"],
    ["feedback.`` = 'x'", 'Assessment field name cannot be empty'],
    ["feedback.x NOT LIKE 'y'", "assessment.x comparator 'NOT LIKE' not one of"],
    ["issue.foo = 'x'", "Invalid issue attribute 'foo'. Supported attributes: id"],
    ["issue.id != 'x'", "issue.id comparator '!=' not one of '{'='}'"],
    [
      "prompt = 'qa'",
      'Invalid prompts filter value \'qa\'. Expected format: prompt = "name/version"',
    ],
    ['prompt IS NULL', "Invalid comparator 'IS NULL' for prompts filter."],
    ["metadata.`mlflow.trace.cost` LIKE '%'", "Comparator 'LIKE' is not supported for reserved"],
    ["assessment.x = 'y'", "Invalid entity type 'assessment'"],
  ])('%s', async (filter, message) => {
    const res = await search(filter);
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(res.body.message).toContain(message);
  });

  it('reports the first clause MLflow would parse before later checks', async () => {
    // `name IN` fails only at MLflow's second stage; `tags.x = 5` fails while parsing.
    const res = await search("name IN ('a') AND tags.x = 5");
    expect(res.body.message).toContain('Expected a quoted string value for tag');
  });
});
