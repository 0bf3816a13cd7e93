// MLflow 3 traces in the web UI, in a real browser against the built server with `--auth basic`:
// traces sent as the client sends them (OTLP spans to /v1/traces, then StartTraceV3), assessments
// and run links made through the REST API; then the experiment's traces tab (columns, sorting,
// paging by page token, MLflow's filter and its error), the trace view (span tree, a span's
// inputs, outputs and exception, assessments, tags by role) and the traces on a run's page.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startServer, type ServerProcess } from '../reliability/support/server-process.js';
import { otlpProtobuf, type TestSpan } from '../support/otlp.js';
import { launchChromium } from './browser.js';

const PROJECT = 'ui-traces';
const PASSWORD = 'correct horse battery';
const BASE = `/projects/${PROJECT}`;
/** 2023-11-14 22:13:20 UTC; trace n starts n minutes later. */
const T0 = 1_700_000_000_000;
const MINUTE = 60_000;
/** Execution times (ms) of the twelve small traces `chat-0` … `chat-11`. */
const CHAT_MS = [35, 120, 900, 15, 60, 240, 75, 300, 20, 45, 150, 10];
const AGENT_MS = 480;
/** Span content that would run script if the page inserted it as markup. */
const HOSTILE = '<img src=x onerror="document.title=\'pwned\'">';

let server: ServerProcess;
let browser: Browser;
let experimentId: string;
let runId: string;
const contexts: BrowserContext[] = [];
/** `tr-…` ids by name: `agent` and `chat-0` … `chat-11`. */
const ids: Record<string, string> = {};

const basic = (user: string) => `Basic ${Buffer.from(`${user}:${PASSWORD}`).toString('base64')}`;

async function api(method: string, path: string, body?: unknown, headers = {}) {
  const res = await call(server.port, method, path, body, {
    Authorization: basic('admin'),
    ...headers,
  });
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${res.text}`);
  return res.json ?? {};
}
const mlflow = (path: string, body: unknown) => api('POST', `${BASE}/api/2.0/mlflow/${path}`, body);

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
const ns = (ms: number) => (BigInt(ms) * 1_000_000n).toString();

/** A trace as MLflow's client records it: its spans over OTLP, then its info (StartTraceV3). */
async function sendTrace(opts: {
  n: number;
  name: string;
  start: number;
  ms: number;
  spans: TestSpan[];
  tags?: Record<string, string>;
  metadata?: Record<string, string>;
  request: unknown;
  response: unknown;
}) {
  const traceId = `tr-${hex(opts.n + 1, 32)}`;
  const sent = await call(server.port, 'POST', `${BASE}/v1/traces`, otlpProtobuf(opts.spans), {
    Authorization: basic('admin'),
    'Content-Type': 'application/x-protobuf',
    'x-mlflow-experiment-id': experimentId,
  });
  if (sent.status !== 200) throw new Error(`OTLP: ${sent.status} ${sent.text}`);
  await api('POST', `${BASE}/api/3.0/mlflow/traces`, {
    trace: {
      trace_info: {
        trace_id: traceId,
        trace_location: {
          type: 'MLFLOW_EXPERIMENT',
          mlflow_experiment: { experiment_id: experimentId },
        },
        request_time: new Date(opts.start).toISOString(),
        execution_duration: `${opts.ms / 1000}s`,
        state: 'OK',
        trace_metadata: {
          'mlflow.trace_schema.version': '3',
          'mlflow.trace.sizeStats': JSON.stringify({ num_spans: opts.spans.length }),
          ...opts.metadata,
        },
        tags: { 'mlflow.traceName': opts.name, ...opts.tags },
        request_preview: JSON.stringify(opts.request),
        response_preview: JSON.stringify(opts.response),
      },
    },
  });
  return traceId;
}

/** One span of trace `n`: ids from its number and index, times in ms from the trace's start. */
function span(
  n: number,
  index: number,
  parent: number | undefined,
  name: string,
  type: string,
  from: number,
  to: number,
  start: number,
  attributes: Record<string, unknown> = {},
  extra: Partial<TestSpan> = {},
): TestSpan {
  return {
    traceId: hex(n + 1, 32),
    spanId: hex((n + 1) * 256 + index, 16),
    ...(parent === undefined ? {} : { parentSpanId: hex((n + 1) * 256 + parent, 16) }),
    name,
    start: ns(start + from),
    end: ns(start + to),
    attributes: { 'mlflow.spanType': type, ...attributes },
    ...extra,
  };
}

const AGENT_N = 12;
const QUESTION = 'What is the capital of France?';
/** (name, depth) of the agent trace's spans in tree order: parents first, siblings by start. */
const AGENT_TREE: [string, number][] = [
  ['agent', 0],
  ['plan', 1],
  ['retrieve', 1],
  ['embed_query', 2],
  ['vector_search', 2],
  ['generate', 1],
  ['parse_output', 2],
];

async function seedAgentTrace() {
  const start = T0 + AGENT_N * MINUTE + MINUTE;
  const n = AGENT_N;
  const spans = [
    span(n, 0, undefined, 'agent', 'AGENT', 0, AGENT_MS, start, {
      'mlflow.spanInputs': { question: QUESTION },
      'mlflow.spanOutputs': 'Paris',
    }),
    span(n, 5, 3, 'parse_output', 'PARSER', 440, 455, start),
    span(n, 3, 0, 'generate', 'CHAT_MODEL', 210, 460, start, {
      'mlflow.spanInputs': { messages: [{ role: 'user', content: QUESTION }], model: 'gpt-4o' },
      'mlflow.spanOutputs': { choices: [{ message: { role: 'assistant', content: HOSTILE } }] },
      'mlflow.chat.tokenUsage': { input_tokens: 120, output_tokens: 60, total_tokens: 180 },
    }),
    span(n, 2, 0, 'retrieve', 'RETRIEVER', 70, 200, start),
    span(
      n,
      6,
      2,
      'vector_search',
      'TOOL',
      100,
      190,
      start,
      {},
      {
        status: 2,
        statusMessage: 'ConnectionError: index down',
        events: [
          {
            name: 'exception',
            time: ns(start + 189),
            attributes: {
              'exception.type': 'ConnectionError',
              'exception.message': 'index down',
              'exception.stacktrace': 'Traceback (most recent call last):\n  File "rag.py", line 7',
            },
          },
        ],
      },
    ),
    span(n, 4, 2, 'embed_query', 'EMBEDDING', 75, 95, start),
    span(n, 1, 0, 'plan', 'CHAT_MODEL', 10, 60, start),
  ];
  ids.agent = await sendTrace({
    n,
    name: 'agent',
    start,
    ms: AGENT_MS,
    spans,
    tags: { env: 'prod' },
    metadata: {
      'mlflow.sourceRun': runId,
      'mlflow.trace.tokenUsage': JSON.stringify({ total_tokens: 180 }),
    },
    request: { question: QUESTION },
    response: 'Paris',
  });
  const assess = (assessment: unknown) =>
    api('POST', `${BASE}/api/3.0/mlflow/traces/${ids.agent}/assessments`, { assessment });
  await assess({
    assessment_name: 'correct',
    source: { source_type: 'HUMAN', source_id: 'ada' },
    feedback: { value: true },
    rationale: 'Paris is the capital.',
  });
  await assess({
    assessment_name: 'expected_answer',
    source: { source_type: 'HUMAN', source_id: 'bob' },
    expectation: {
      serialized_value: { serialization_format: 'JSON_FORMAT', value: '{"answer": "Paris"}' },
    },
  });
}

beforeAll(async () => {
  server = await startServer({
    env: {
      TRACKD_AUTH: 'basic',
      TRACKD_ADMIN_USERNAME: 'admin',
      TRACKD_ADMIN_PASSWORD: PASSWORD,
    },
  });
  await api('POST', '/api/3.0/mlflow/workspaces', { name: PROJECT });
  await api('POST', '/api/2.0/mlflow/users/create', { username: 'reader', password: PASSWORD });
  await api('POST', `${BASE}/api/trackd/v1/roles`, { username: 'reader', role: 'read' });
  experimentId = String((await mlflow('experiments/create', { name: 'agents' })).experiment_id);
  const run = await mlflow('runs/create', { experiment_id: experimentId, run_name: 'eval' });
  runId = (run.run as { info: { run_id: string } }).info.run_id;

  for (const [i, ms] of CHAT_MS.entries()) {
    const start = T0 + i * MINUTE;
    ids[`chat-${i}`] = await sendTrace({
      n: i,
      name: 'chat',
      start,
      ms,
      spans: [
        span(i, 0, undefined, 'chat', 'CHAT_MODEL', 0, ms, start, {
          'mlflow.spanInputs': { q: `question ${i}` },
          'mlflow.spanOutputs': `answer ${i}`,
        }),
      ],
      tags: { env: i % 3 === 0 ? 'dev' : 'prod' },
      request: { q: `question ${i}` },
      response: `answer ${i}`,
    });
  }
  await seedAgentTrace();
  // A trace made outside the run and linked to it afterwards.
  await mlflow('traces/link-to-run', { trace_ids: [ids['chat-4']], run_id: runId });

  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await server?.stop();
});

async function pageAs(user: string, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    colorScheme,
    httpCredentials: { username: user, password: PASSWORD, send: 'always' },
  });
  contexts.push(context);
  const page = await context.newPage();
  page.on('dialog', (dialog) => {
    throw new Error(`a dialog opened: ${dialog.message()}`);
  });
  return page;
}

const root = () => `http://127.0.0.1:${server.port}${BASE}/`;
const tracesUrl = (query = '') => `${root()}${query}#/experiments/${experimentId}/traces`;

/** A view parameter, from the page's query string or the one inside the hash. */
function viewParam(page: Page, name: string): string | null {
  const url = new URL(page.url());
  const inHash = new URLSearchParams(url.hash.split('?')[1] ?? '');
  return url.searchParams.get(name) ?? inHash.get(name);
}

const rowIds = (page: Page) =>
  page
    .locator('table.traces tbody tr')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-trace-id')));
/** Until the table shows exactly these traces, in this order. */
const expectRows = (page: Page, names: string[]) =>
  expect.poll(() => rowIds(page)).toEqual(names.map((n) => ids[n]));
const chats = (order: number[]) => order.map((i) => `chat-${i}`);
/** Newest first: the agent trace came last. */
const NEWEST_FIRST = ['agent', ...chats([11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0])];

async function openAgentTrace(page: Page) {
  await page.goto(tracesUrl());
  await page.locator(`tr[data-trace-id="${ids.agent}"] a.trace-link`).click();
  await page.locator('dialog.trace-drawer .span-row').first().waitFor();
}

const spanRow = (page: Page, name: string) =>
  page.locator('.span-row', { has: page.locator(`.span-name:text-is("${name}")`) });

describe("an experiment's traces", () => {
  it('are a tab of the experiment: id, name, previews, state, times, tags, assessments', async () => {
    const page = await pageAs('reader');
    await page.goto(`${root()}#/experiments/${experimentId}`);
    await page.click('nav.tabs a.tab-traces');
    await page.waitForSelector('table.traces tbody tr');
    expect(new URL(page.url()).hash).toBe(`#/experiments/${experimentId}/traces`);
    await expect(page.locator('nav.tabs [aria-current=page]').innerText()).resolves.toBe('Traces');
    await expectRows(page, NEWEST_FIRST);

    const cells = await page.locator(`tr[data-trace-id="${ids.agent}"] td`).allInnerTexts();
    expect(cells).toEqual([
      `agent\n${ids.agent}`,
      `{"question":"${QUESTION}"}`,
      '"Paris"',
      'OK',
      expect.stringMatching(/^correct: true\s*expected_answer: \{"answer":"Paris"\}$/),
      expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
      '480 ms',
      '180',
      runId.slice(0, 8),
      'env=prod',
    ]);
    const chat = await page.locator(`tr[data-trace-id="${ids['chat-3']}"] td`).allInnerTexts();
    expect(chat.slice(0, 8)).toEqual([
      `chat\n${ids['chat-3']}`,
      '{"q":"question 3"}',
      '"answer 3"',
      'OK',
      '',
      expect.any(String),
      '15 ms',
      '',
    ]);
  });

  it("sorts by execution time and pages with the server's tokens, the view in the URL", async () => {
    const page = await pageAs('reader');
    await page.goto(tracesUrl());
    await expectRows(page, NEWEST_FIRST);

    await page.click('th button[data-sort=execution_time_ms]');
    // Slowest first: 900, 480 (agent), 300, 240, …
    await expectRows(page, ['chat-2', 'agent', ...chats([7, 5, 10, 1, 6, 4, 9, 0, 8, 3, 11])]);
    expect(viewParam(page, 'order')).toBe('execution_time_ms DESC');
    await page.click('th button[data-sort=execution_time_ms]');
    await expectRows(page, [...chats([11, 3, 8, 0, 9, 4, 6, 1, 10, 5, 7]), 'agent', 'chat-2']);
    expect(viewParam(page, 'order')).toBe('execution_time_ms ASC');

    await page.selectOption('select[name=size]', '10');
    await expectRows(page, chats([11, 3, 8, 0, 9, 4, 6, 1, 10, 5]));
    await expect(page.locator('button[name=previous]').isDisabled()).resolves.toBe(true);
    await page.click('button[name=next]');
    await expectRows(page, ['chat-7', 'agent', 'chat-2']);
    expect(viewParam(page, 'pages')).toBeTruthy();
    await expect(page.locator('.summary').innerText()).resolves.toBe('Page 2: 3 traces');

    // The link is the view: order, page size and page come back on a reload.
    await page.reload();
    await expectRows(page, ['chat-7', 'agent', 'chat-2']);
    await page.click('button[name=previous]');
    await expectRows(page, chats([11, 3, 8, 0, 9, 4, 6, 1, 10, 5]));
    expect(viewParam(page, 'pages')).toBeNull();
  });

  it("filters with MLflow's trace search grammar and shows the server's message for a malformed filter", async () => {
    const page = await pageAs('reader');
    await page.goto(tracesUrl());
    await page.waitForSelector('table.traces tbody tr');
    await page.fill('input[name=filter]', "tags.env = 'dev'");
    await page.press('input[name=filter]', 'Enter');
    await expectRows(page, chats([9, 6, 3, 0]));
    expect(viewParam(page, 'filter')).toBe("tags.env = 'dev'");

    await page.fill('input[name=filter]', "tags.env = 'dev' AND attributes.execution_time_ms > 40");
    await page.click('form.filter button[type=submit]');
    await expectRows(page, chats([9, 6]));

    const malformed = 'tags.env =';
    const answer = await call(
      server.port,
      'POST',
      `${BASE}/api/3.0/mlflow/traces/search`,
      {
        locations: [
          { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } },
        ],
        filter: malformed,
      },
      { Authorization: basic('reader') },
    );
    expect(answer.status).toBe(400);
    await page.fill('input[name=filter]', malformed);
    await page.press('input[name=filter]', 'Enter');
    const alert = page.locator('.traces-page [role=alert]');
    await alert.waitFor();
    await expect(alert.innerText()).resolves.toBe(answer.json!.message);
    await expect(page.locator('table.traces').count()).resolves.toBe(0);
    // The box keeps what was typed, to be corrected.
    await expect(page.locator('input[name=filter]').inputValue()).resolves.toBe(malformed);
  });
});

describe('the trace view', () => {
  it('opens over the list as MLflow does (selectedEvaluationId) with the span tree nested', async () => {
    const page = await pageAs('reader');
    await openAgentTrace(page);
    expect(viewParam(page, 'selectedEvaluationId')).toBe(ids.agent);
    const drawer = page.locator('dialog.trace-drawer');
    await expect(drawer.locator('.trace-head h2').innerText()).resolves.toBe('agent');
    const rows = await drawer
      .locator('.span-row')
      .evaluateAll((els) =>
        els.map((el) => [el.querySelector('.span-name')!.textContent, Number(el.dataset.depth)]),
      );
    expect(rows).toEqual(AGENT_TREE);
    await expect(spanRow(page, 'vector_search').getAttribute('class')).resolves.toContain('error');
    await expect(spanRow(page, 'retrieve').locator('.span-duration').innerText()).resolves.toBe(
      '130 ms',
    );
    await expect(spanRow(page, 'retrieve').locator('.span-type').innerText()).resolves.toBe(
      'RETRIEVER',
    );

    // Bars sit on one time line: a child starts within its parent and ends before it.
    const box = async (name: string) => (await spanRow(page, name).locator('.bar').boundingBox())!;
    const [agent, retrieve, search] = [
      await box('agent'),
      await box('retrieve'),
      await box('vector_search'),
    ];
    expect(retrieve.x).toBeGreaterThan(agent.x);
    expect(search.x).toBeGreaterThan(retrieve.x);
    expect(search.x + search.width).toBeLessThan(retrieve.x + retrieve.width);
    expect(retrieve.width / agent.width).toBeCloseTo(130 / 480, 1);

    // Escape closes it, and the URL no longer names it.
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });
    expect(viewParam(page, 'selectedEvaluationId')).toBeNull();
    // Back opens it again.
    await page.goBack();
    await drawer.locator('.span-row').first().waitFor();
  });

  it("shows a selected span's inputs, outputs, attributes and exception as text", async () => {
    const page = await pageAs('reader');
    await openAgentTrace(page);
    const detail = page.locator('.span-detail');
    // The root is selected first.
    await expect(detail.locator('h3').innerText()).resolves.toContain('agent');
    await expect(detail.locator('.span-inputs pre').innerText()).resolves.toBe(
      JSON.stringify({ question: QUESTION }, null, 2),
    );
    await expect(detail.locator('.span-outputs pre').innerText()).resolves.toBe('Paris');

    await spanRow(page, 'generate').click();
    await page.waitForFunction(() =>
      document.querySelector('.span-detail h3')?.textContent?.startsWith('generate'),
    );
    expect(viewParam(page, 'span')).toBe(hex((AGENT_N + 1) * 256 + 3, 16));
    const inputs = JSON.parse(await detail.locator('.span-inputs pre').innerText());
    expect(inputs).toEqual({ messages: [{ role: 'user', content: QUESTION }], model: 'gpt-4o' });
    // Content that is markup stays text: no element made from it, no script run.
    const outputs = JSON.parse(await detail.locator('.span-outputs pre').innerText());
    expect(outputs.choices[0].message.content).toBe(HOSTILE);
    await expect(page.locator('img[onerror], [onerror]').count()).resolves.toBe(0);
    await expect(page.title()).resolves.not.toBe('pwned');
    const usage = detail.locator('.span-attributes tr[data-key="mlflow.chat.tokenUsage"] td');
    expect(JSON.parse(await usage.innerText())).toEqual({
      input_tokens: 120,
      output_tokens: 60,
      total_tokens: 180,
    });

    // Arrow keys walk the tree.
    await page.keyboard.press('ArrowDown');
    await page.waitForFunction(() =>
      document.querySelector('.span-detail h3')?.textContent?.startsWith('parse_output'),
    );

    await spanRow(page, 'vector_search').click();
    await expect(detail.locator('.span-status').innerText()).resolves.toBe(
      'ConnectionError: index down',
    );
    const exception = detail.locator('.span-events .exception');
    await expect(exception.locator('p').innerText()).resolves.toMatch(
      /^ConnectionError: index down at \+\d+ ms$/,
    );
    await expect(exception.locator('pre').innerText()).resolves.toContain('line 7');

    // A deep link opens the same trace and span.
    await page.reload();
    await page.waitForFunction(() =>
      document.querySelector('.span-detail h3')?.textContent?.startsWith('vector_search'),
    );
    await expect(spanRow(page, 'vector_search').getAttribute('aria-selected')).resolves.toBe(
      'true',
    );
  });

  it("lists the trace's assessments with value, rationale and source", async () => {
    const page = await pageAs('reader');
    await openAgentTrace(page);
    const row = (name: string) =>
      page.locator(`table.assessments tr[data-assessment="${name}"] td`).allInnerTexts();
    expect(await row('correct')).toEqual([
      'correct',
      'Feedback',
      'true',
      'Paris is the capital.',
      'HUMAN · ada',
      '',
      expect.stringMatching(/^\d{4}-/),
    ]);
    const expected = await row('expected_answer');
    expect(expected.slice(0, 2)).toEqual(['expected_answer', 'Expectation']);
    expect(JSON.parse(expected[2])).toEqual({ answer: 'Paris' });
    expect(expected[4]).toBe('HUMAN · bob');
  });

  it('lets a writer set and remove a tag; a reader gets no controls', async () => {
    const reader = await pageAs('reader');
    await openAgentTrace(reader);
    await reader.locator('.trace-tags tr[data-tag=env]').waitFor();
    await expect(reader.locator('.trace-tags form, .trace-tags button').count()).resolves.toBe(0);

    const page = await pageAs('admin');
    await openAgentTrace(page);
    await page.fill('.trace-tags input[name=key]', 'reviewed');
    await page.fill('.trace-tags input[name=value]', 'yes');
    await page.click('.trace-tags button[type=submit]');
    const tag = page.locator('.trace-tags tr[data-tag=reviewed] td').first();
    await tag.waitFor();
    await expect(tag.innerText()).resolves.toBe('yes');
    // The list behind the panel shows it too.
    await expect
      .poll(() =>
        page.locator(`table.traces tr[data-trace-id="${ids.agent}"] .chip.tag`).allInnerTexts(),
      )
      .toEqual(['env=prod', 'reviewed=yes']);
    // The client's own tags are not offered for removal.
    await expect(
      page.locator('.trace-tags tr[data-tag="mlflow.traceName"] button').count(),
    ).resolves.toBe(0);
    await page.click('.trace-tags button[aria-label="Remove tag reviewed"]');
    await page.locator('.trace-tags tr[data-tag=reviewed]').waitFor({ state: 'detached' });
    const info = await api('GET', `${BASE}/api/3.0/mlflow/traces/${ids.agent}`);
    expect((info.trace as { trace_info: { tags: object } }).trace_info.tags).not.toHaveProperty(
      'reviewed',
    );
  });

  it('has a page of its own and follows the dark theme', async () => {
    const page = await pageAs('reader', 'dark');
    await page.goto(`${root()}#/experiments/${experimentId}/traces/${ids.agent}`);
    await page.locator('.trace-view h1').waitFor();
    await expect(page.locator('.trace-view h1').innerText()).resolves.toBe('agent');
    await expect(page.locator('.span-row').count()).resolves.toBe(AGENT_TREE.length);
    const colours = await page.evaluate(() => {
      const style = (selector: string, property: string) =>
        getComputedStyle(document.querySelector(selector)!).getPropertyValue(property);
      return {
        page: style('body', 'background-color'),
        json: style('.span-inputs pre', 'background-color'),
        text: style('.span-detail h3', 'color'),
      };
    });
    // styles.css's dark pairs: --bg #0f141b, --head #17202b, --fg #e3e8ef.
    expect(colours).toEqual({
      page: 'rgb(15, 20, 27)',
      json: 'rgb(23, 32, 43)',
      text: 'rgb(227, 232, 239)',
    });
  });
});

describe("a run's traces", () => {
  it('are listed on the run page and open in the trace view', async () => {
    const page = await pageAs('reader');
    await page.goto(`${root()}#/experiments/${experimentId}/runs/${runId}`);
    const rows = page.locator('section.run-traces tbody tr');
    await rows.first().waitFor();
    // Made in the run (mlflow.sourceRun) or linked to it later, newest first.
    await expect(
      rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-trace-id'))),
    ).resolves.toEqual([ids.agent, ids['chat-4']]);
    await page.locator(`section.run-traces tr[data-trace-id="${ids.agent}"] a.trace-link`).click();
    await page.locator('dialog.trace-drawer .span-row').first().waitFor();
    expect(new URL(page.url()).hash).toBe(`#/experiments/${experimentId}/traces`);
    expect(viewParam(page, 'selectedEvaluationId')).toBe(ids.agent);
    // And back from the trace to its run.
    await page.locator('dialog.trace-drawer .facts a.run-link').click();
    await page.waitForFunction(
      () => document.querySelector('article > h1')?.textContent === 'eval',
    );
  });
});
