// The run page, logged models and the compare page's parallel coordinates in a real browser
// against the built server: chart settings that are links, a run's family, source and safely
// rendered description, its datasets and logged models, and the params → metric chart.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startServer, type ServerProcess } from '../reliability/support/server-process.js';
import { launchChromium } from './browser.js';

let server: ServerProcess;
let browser: Browser;
let page: Page;
let experimentId: string;
let parentId: string;
let modelId: string;
const children: { id: string; name: string }[] = [];
const compared: { id: string; name: string; lr: string; opt: string; acc: number }[] = [];
const PROJECT = 'ui-run';
const API = `/projects/${PROJECT}/api/2.0/mlflow`;
/** The parent's first point: 2023-11-14, one point a second after it. */
const T0 = 1_700_000_000_000;
const STEPS = 50;
const COMMIT = '0123456789abcdef0123456789abcdef01234567';
const DESCRIPTION = [
  '# Annealing sweep',
  '',
  'Cooling schedules compared:',
  '',
  '- geometric',
  '- linear',
  '',
  '<img src=x onerror="document.title=\'pwned\'">',
  '',
  '[x](javascript:alert(1)) and [docs](https://mlflow.org/docs)',
].join('\n');

async function api(method: string, path: string, body?: unknown) {
  const res = await call(server.port, method, `${API}/${path}`, body);
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${res.text}`);
  return res.json!;
}
const post = (path: string, body: unknown) => api('POST', path, body);

async function createRun(name: string, tags: { key: string; value: string }[] = [], start = T0) {
  const made = await post('runs/create', {
    experiment_id: experimentId,
    run_name: name,
    start_time: start,
    tags,
  });
  return (made.run as { info: { run_id: string } }).info.run_id;
}

beforeAll(async () => {
  server = await startServer();
  experimentId = String((await post('experiments/create', { name: 'sweeps' })).experiment_id);

  parentId = await createRun('sweep', [
    { key: 'mlflow.source.name', value: 'train.py' },
    { key: 'mlflow.source.type', value: 'LOCAL' },
    { key: 'mlflow.source.git.commit', value: COMMIT },
    { key: 'mlflow.user', value: 'ada' },
    { key: 'mlflow.note.content', value: DESCRIPTION },
  ]);
  // A noisy falling loss, one point a second: smoothing has something to smooth.
  await post('runs/log-batch', {
    run_id: parentId,
    metrics: Array.from({ length: STEPS }, (_, step) => ({
      key: 'loss',
      value: 1 / (step + 1) + (step % 2 ? 0.05 : -0.05) + 0.1,
      timestamp: T0 + step * 1000,
      step,
    })),
  });
  for (const [i, name] of ['trial-a', 'trial-b'].entries()) {
    const id = await createRun(name, [{ key: 'mlflow.parentRunId', value: parentId }], T0 + i);
    children.push({ id, name });
  }
  await post('runs/log-inputs', {
    run_id: parentId,
    datasets: [
      {
        tags: [{ key: 'mlflow.data.context', value: 'training' }],
        dataset: {
          name: 'tsp-instances',
          digest: 'd41d8cd9',
          source_type: 'local',
          source: '{"uri": "/data/tsp"}',
        },
      },
    ],
  });

  // A logged model the parent produced and its first child used, with a file and a metric.
  const model = await post('logged-models', {
    experiment_id: experimentId,
    name: 'annealer-net',
    source_run_id: parentId,
    params: [{ key: 'layers', value: '3' }],
    tags: [{ key: 'team', value: 'opt' }],
  });
  const info = (model.model as { info: { model_id: string; artifact_uri: string } }).info;
  modelId = info.model_id;
  const served = info.artifact_uri.replace(/^mlflow-artifacts:\//, '');
  const upload = await call(
    server.port,
    'PUT',
    `/projects/${PROJECT}/api/2.0/mlflow-artifacts/artifacts/${served}/MLmodel`,
    Buffer.from('flavors:\n  python_function: {}\n'),
    { 'Content-Type': 'text/plain' },
  );
  if (upload.status !== 200) throw new Error(`upload: ${upload.status} ${upload.text}`);
  await api('PATCH', `logged-models/${modelId}`, { status: 'LOGGED_MODEL_READY' });
  await post('runs/log-batch', {
    run_id: parentId,
    metrics: [{ key: 'val_acc', value: 0.91, timestamp: T0, step: 3, model_id: modelId }],
  });
  await post('runs/outputs', { run_id: parentId, models: [{ model_id: modelId, step: 3 }] });
  await post('runs/log-inputs', { run_id: children[0].id, models: [{ model_id: modelId }] });
  await post('registered-models/create', { name: 'annealer' });
  await post('model-versions/create', {
    name: 'annealer',
    source: `models:/${modelId}`,
    model_id: modelId,
  });

  // Three runs to compare: lr differs as a number, opt as a category, seed not at all.
  for (const [i, [lr, opt, acc]] of (
    [
      ['0.1', 'sa', 0.5],
      ['0.01', 'ga', 0.7],
      ['0.001', 'sa', 0.9],
    ] as const
  ).entries()) {
    const name = `cmp-${i}`;
    const id = await createRun(name);
    await post('runs/log-batch', {
      run_id: id,
      params: [
        { key: 'lr', value: lr },
        { key: 'opt', value: opt },
        { key: 'seed', value: '7' },
      ],
      metrics: [
        { key: 'acc', value: acc, timestamp: T0, step: 0 },
        { key: 'loss', value: 1 - acc, timestamp: T0, step: 0 },
      ],
    });
    compared.push({ id, name, lr, opt, acc });
  }

  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  // A description that ran script would show up as a dialog or a changed title.
  page.on('dialog', (dialog) => {
    throw new Error(`a dialog opened: ${dialog.message()}`);
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const base = () => `http://127.0.0.1:${server.port}/projects/${PROJECT}/`;
const runUrl = (id: string, query = '') =>
  `${base()}${query}#/experiments/${experimentId}/runs/${id}`;
const section = (title: string) =>
  page.locator('section', { has: page.locator(`h2:text-matches("^${title}")`) });
const pair = (title: string, key: string) =>
  section(title)
    .locator('tr', { has: page.locator(`th:text-is("${key}")`) })
    .locator('td');
/** The uPlot legend's labels of one chart: the x axis first, then each line. */
const legend = (metric: string) =>
  page.locator(`.chart[data-metric="${metric}"] .u-legend .u-series .u-label`).allInnerTexts();

/** Moves the mouse over the middle of a chart and reads the x value its legend shows there. */
async function xUnderCursor(metric: string): Promise<string> {
  const over = page.locator(`.chart[data-metric="${metric}"] .u-over`);
  await over.scrollIntoViewIfNeeded();
  const box = (await over.boundingBox())!;
  // From outside the chart in, so a freshly drawn chart sees the cursor arrive.
  await page.mouse.move(0, 0);
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 4 });
  const value = page.locator(
    `.chart[data-metric="${metric}"] .u-legend .u-series:first-child .u-value`,
  );
  await expect.poll(() => value.innerText()).toMatch(/\d/);
  return value.innerText();
}

describe('the run page', () => {
  it("shows the run's source, user, parent and child runs as links", async () => {
    await page.goto(runUrl(parentId));
    await expect(page.locator('article > h1').innerText()).resolves.toBe('sweep');
    await expect(pair('Overview', 'Source').innerText()).resolves.toBe(
      `train.py · LOCAL · git ${COMMIT.slice(0, 7)}`,
    );
    await expect(pair('Overview', 'User').innerText()).resolves.toBe('ada');
    const childLinks = page.locator('ul.child-runs a');
    await childLinks.first().waitFor();
    await expect(childLinks.allInnerTexts()).resolves.toEqual(children.map((c) => c.name));

    await childLinks.first().click();
    await page.waitForFunction(
      (name) => document.querySelector('h1')?.textContent === name,
      children[0].name,
    );
    const parent = pair('Overview', 'Parent run').locator('a.parent-run');
    await expect(parent.innerText()).resolves.toBe('sweep');
    await parent.click();
    await page.waitForFunction(() => document.querySelector('h1')?.textContent === 'sweep');
  });

  it('renders the description as markdown without its raw HTML or script links', async () => {
    await page.goto(runUrl(parentId));
    const description = page.locator('section.description .markdown');
    await description.locator('h1').waitFor();
    await expect(description.locator('h1').innerText()).resolves.toBe('Annealing sweep');
    await expect(description.locator('li').allInnerTexts()).resolves.toEqual([
      'geometric',
      'linear',
    ]);
    // The tag is shown as the text it is, not made an element.
    await expect(description.innerText()).resolves.toContain('<img src=x onerror=');
    await expect(page.locator('img[onerror], [onerror], script:not([src])').count()).resolves.toBe(
      0,
    );
    await expect(page.locator('a[href^="javascript:" i]').count()).resolves.toBe(0);
    await expect(description.locator('a').allInnerTexts()).resolves.toEqual(['docs']);
    await expect(page.title()).resolves.not.toBe('pwned');
  });

  it('plots a metric against step, wall time or relative time, and the choice is in the URL', async () => {
    await page.goto(runUrl(parentId));
    const chart = page.locator('.chart[data-metric=loss]');
    await chart.locator('canvas').waitFor();
    await expect.poll(() => legend('loss')).toEqual(['step', 'loss']);
    expect(Number(await xUnderCursor('loss'))).toBeCloseTo((STEPS - 1) / 2, -1);

    await page.selectOption('select[name=x]', 'wall');
    await page.waitForSelector('.chart[data-metric=loss][data-x=wall] canvas');
    expect(new URL(page.url()).searchParams.get('x')).toBe('wall');
    await expect.poll(() => legend('loss')).toEqual(['wall time', 'loss']);
    // Local time of a point in the run's 50 seconds, as the page writes dates.
    const wall = await xUnderCursor('loss');
    expect(wall).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    const seconds = await page.evaluate((text) => new Date(text.replace(' ', 'T')).getTime(), wall);
    expect(seconds).toBeGreaterThanOrEqual(T0);
    expect(seconds).toBeLessThanOrEqual(T0 + STEPS * 1000);

    await page.selectOption('select[name=x]', 'relative');
    await page.waitForSelector('.chart[data-metric=loss][data-x=relative] canvas');
    await expect.poll(() => legend('loss')).toEqual(['relative time (s)', 'loss']);
    const relative = Number(await xUnderCursor('loss'));
    expect(relative).toBeGreaterThanOrEqual(0);
    expect(relative).toBeLessThan(STEPS);
    expect(relative).toBeCloseTo((STEPS - 1) / 2, -1);
  });

  it('smooths a metric: the smoothed line over the faint raw one, the weight in the URL', async () => {
    await page.goto(runUrl(parentId));
    await page.locator('.chart[data-metric=loss] canvas').waitFor();
    const slider = page.locator('input[name=smooth]');
    await slider.evaluate((input: HTMLInputElement) => {
      input.value = '0.8';
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await page.waitForSelector('.chart[data-metric=loss][data-smoothing="0.8"] canvas');
    await expect.poll(() => legend('loss')).toEqual(['step', 'loss', 'loss (smoothed)']);
    await expect(page.locator('.chart-controls output').innerText()).resolves.toBe('0.80');
    expect(new URL(page.url()).searchParams.get('smooth')).toBe('0.8');
    // Still one series of the run's 50 points.
    await expect(
      page.locator('.chart[data-metric=loss]').getAttribute('data-series'),
    ).resolves.toBe('1');
  });

  it('opens a deep link with its chart settings: x axis, smoothing and log scale', async () => {
    await page.goto(runUrl(parentId, '?x=relative&smooth=0.6&log=1'));
    await page.waitForSelector(
      '.chart[data-metric=loss][data-x=relative][data-smoothing="0.6"] canvas',
    );
    await expect(page.locator('select[name=x]').inputValue()).resolves.toBe('relative');
    await expect(page.locator('input[name=smooth]').inputValue()).resolves.toBe('0.6');
    await expect(page.locator('input[name=log]').isChecked()).resolves.toBe(true);
    await expect
      .poll(() => legend('loss'))
      .toEqual(['relative time (s)', 'loss', 'loss (smoothed)']);
    // The same settings written into the hash, as MLflow's links carry their query, work too.
    await page.goto(`${base()}#/experiments/${experimentId}/runs/${parentId}?x=wall&log=1`);
    await page.waitForSelector('.chart[data-metric=loss][data-x=wall][data-smoothing="0"] canvas');
    await expect(page.locator('input[name=log]').isChecked()).resolves.toBe(true);
  });

  it('lists the datasets the run used and the logged models it produced and used', async () => {
    await page.goto(runUrl(parentId));
    const dataset = page.locator('section.datasets tbody tr');
    await dataset.waitFor();
    await expect(dataset.locator('td').allInnerTexts()).resolves.toEqual([
      'tsp-instances',
      'd41d8cd9',
      'local',
      'training',
    ]);
    const produced = page.locator('section.run-models tbody tr');
    await produced.locator('a.model-link').waitFor();
    await expect(produced.locator('td').allInnerTexts()).resolves.toEqual([
      'output',
      'annealer-net',
      modelId,
      'Ready',
      '3',
    ]);

    await page.goto(runUrl(children[0].id));
    const used = page.locator('section.run-models tbody tr');
    await used.locator('a.model-link').waitFor();
    await expect(used.locator('td').first().innerText()).resolves.toBe('input');
    await used.locator('a.model-link').click();
    await page.waitForFunction(() => document.querySelector('h1')?.textContent === 'annealer-net');
  });
});

describe('logged models', () => {
  it("lists an experiment's logged models from the experiments page", async () => {
    await page.goto(base());
    const row = page.locator('table.grid tr', { hasText: 'sweeps' });
    await row.locator('a.models-link').click();
    const model = page.locator(`table.logged-models tr[data-model-id="${modelId}"]`);
    await model.waitFor();
    await expect(model.locator('td').allInnerTexts()).resolves.toEqual([
      'annealer-net',
      modelId,
      'Ready',
      parentId,
      expect.stringMatching(/^\d{4}-\d\d-\d\d /),
      'val_acc=0.91',
    ]);
    expect(page.url()).toContain(`#/experiments/${experimentId}/models`);
  });

  it("shows a logged model's params, metrics, source run and artifacts", async () => {
    await page.goto(`${base()}#/experiments/${experimentId}/models`);
    await page.click('table.logged-models a:text-is("annealer-net")');
    await page.waitForFunction(() => document.querySelector('h1')?.textContent === 'annealer-net');
    expect(page.url()).toContain(`#/experiments/${experimentId}/models/${modelId}`);
    await expect(pair('Parameters', 'layers').innerText()).resolves.toBe('3');
    await expect(pair('Tags', 'team').innerText()).resolves.toBe('opt');
    await expect(page.locator('table.model-metrics tbody tr td').allInnerTexts()).resolves.toEqual([
      'val_acc',
      '0.91',
      '3',
      '',
      parentId,
    ]);
    await page.locator('.files button:text-is("MLmodel")').click();
    await expect(page.locator('.preview pre').innerText()).resolves.toContain('python_function');
    const download = await page.locator('.preview a.download').getAttribute('href');
    expect(download).toContain(`/ajax-api/2.0/mlflow/logged-models/${modelId}/artifacts/files?`);

    const source = pair('Overview', 'Source run').locator('a.source-run');
    await expect(source.innerText()).resolves.toBe('sweep');
    await source.click();
    await page.waitForFunction(() => document.querySelector('h1')?.textContent === 'sweep');
  });

  it('links a registered model version to the logged model it registers', async () => {
    await page.goto(`${base()}#/models/annealer`);
    const link = page.locator('table.versions tr[data-version="1"] a.logged-model');
    await expect(link.innerText()).resolves.toBe(modelId);
    await link.click();
    await page.waitForFunction(() => document.querySelector('h1')?.textContent === 'annealer-net');
  });
});

describe('the compare page', () => {
  it('draws the differing params against a metric, one line a run, the metric chosen in the URL', async () => {
    const ids = compared.map((r) => r.id).join(',');
    await page.goto(`${base()}?runs=${ids}#/compare-runs`);
    const chart = page.locator('svg.parallel');
    await chart.waitFor();
    // The first metric by name until one is chosen; seed is the same in every run: no axis.
    await expect(chart.locator('.axis-label').allTextContents()).resolves.toEqual([
      'lr',
      'opt',
      'acc',
    ]);
    const lines = chart.locator('polyline.run-line');
    await expect(lines.count()).resolves.toBe(3);
    await expect(
      lines.evaluateAll((els) => els.map((el) => el.getAttribute('data-run-id'))),
    ).resolves.toEqual(compared.map((r) => r.id));
    // Each line crosses every axis; a higher metric sits higher (smaller y) on the last one.
    const lastY = await lines.evaluateAll((els) =>
      els.map((el) => {
        const points = (el.getAttribute('points') ?? '').trim().split(' ');
        return { count: points.length, y: Number(points[points.length - 1].split(',')[1]) };
      }),
    );
    expect(lastY.map((p) => p.count)).toEqual([3, 3, 3]);
    expect(lastY[0].y).toBeGreaterThan(lastY[1].y);
    expect(lastY[1].y).toBeGreaterThan(lastY[2].y);
    // The categorical axis names its categories.
    await expect(
      chart
        .locator('.axis', { has: page.locator('.axis-label:text-is("opt")') })
        .locator('.tick')
        .allTextContents(),
    ).resolves.toEqual(['ga', 'sa']);

    await page.selectOption('select[name=metric]', 'loss');
    await page.waitForSelector('svg.parallel[data-metric=loss]');
    await expect(chart.locator('.axis-label').allTextContents()).resolves.toEqual([
      'lr',
      'opt',
      'loss',
    ]);
    expect(page.url()).toContain('metric=loss');
    await page.reload();
    await page.waitForSelector('svg.parallel[data-metric=loss]');
  });

  it("overlays the runs' metrics with the run page's chart settings, read from the URL", async () => {
    const ids = compared.map((r) => r.id).join(',');
    await page.goto(`${base()}?runs=${ids}&x=relative&smooth=0.5#/compare-runs`);
    const acc = page.locator('.chart[data-metric=acc][data-x=relative][data-smoothing="0.5"]');
    await acc.locator('canvas').waitFor();
    await expect(acc.getAttribute('data-series')).resolves.toBe('3');
    await expect
      .poll(() => legend('acc'))
      .toEqual(['relative time (s)', ...compared.flatMap((r) => [r.name, `${r.name} (smoothed)`])]);
    await expect(page.locator('select[name=x]').inputValue()).resolves.toBe('relative');
  });
});
