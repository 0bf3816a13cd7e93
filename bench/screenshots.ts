// The README's screenshots of the web UI, taken again from scratch: a server on a fresh data
// directory, a demo seeded through the REST API only (an experiment comparing three optimisers,
// a parent run with child runs, a described run with a dataset and artifacts, logged models and a
// registered model with an alias, traces of an assistant answering questions about the runs),
// then each page captured at 1280×800 in the light theme into docs/screenshots/. The data is the same every time (a seeded generator, fixed timestamps); only
// the ids the server makes differ. Run with `npm run screenshots`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { seedTraces } from './screenshot-traces.js';
import { ROOT, startTrackd } from './servers.js';

const OUT = path.join(ROOT, 'docs/screenshots');
const CHROMIUM = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
const VIEWPORT = { width: 1280, height: 800 };
/** A full page is cut at this height: long pages would make large files of little use. */
const MAX_HEIGHT = 1400;
const STEPS = 200;
const DAY = 86_400_000;
/**
 * Yesterday 09:00 UTC: the runs start from here, a few minutes apart (the server dates the models
 * it registers today, so the runs come before them).
 */
const T0 = Math.floor(Date.now() / DAY) * DAY - DAY + 9 * 3_600_000;
/** Every run evaluates at these steps; its last evaluation scores the model it logs. */
const EVAL_STEPS = [49, 99, 149, 199];

type Json = Record<string, unknown>;
interface RunInfo {
  run_id: string;
  artifact_uri: string;
}

/** mulberry32: the same noise every time. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Api {
  constructor(readonly base: string) {}

  async call(method: string, p: string, body?: unknown): Promise<Json> {
    const res = await fetch(`${this.base}${p}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${text}`);
    return text ? (JSON.parse(text) as Json) : {};
  }

  post = (p: string, body: unknown) => this.call('POST', `/api/2.0/mlflow/${p}`, body);

  /** An artifact into the artifact proxy, at `mlflow-artifacts:/<where>/<file>`. */
  async upload(artifactUri: string, file: string, bytes: Buffer | string): Promise<void> {
    const where = artifactUri.replace(/^mlflow-artifacts:\/*/, '');
    const res = await fetch(`${this.base}/api/2.0/mlflow-artifacts/artifacts/${where}/${file}`, {
      method: 'PUT',
      body: typeof bytes === 'string' ? bytes : new Uint8Array(bytes),
    });
    if (!res.ok) throw new Error(`upload ${file}: ${res.status} ${await res.text()}`);
  }
}

interface DemoRun {
  id: string;
  name: string;
  opt: string;
  artifactUri: string;
  finalLoss: number;
  finalEval: number;
  seed: number;
  lr: string;
  start: number;
}

interface Demo {
  experimentId: string;
  runs: DemoRun[];
  featured: DemoRun;
  parentId: string;
  modelName: string;
}

const OPTS = ['sa', 'ga', 'tabu'] as const;
const LRS = ['0.01', '0.03', '0.1'];
/** How fast each optimiser's loss falls and where it settles. */
const CURVES = {
  sa: { rate: 0.035, floor: 0.18 },
  ga: { rate: 0.022, floor: 0.24 },
  tabu: { rate: 0.05, floor: 0.3 },
};

const evalLoss = (clean: number, step: number) => clean * (1.06 + 0.01 * Math.sin(step));

/** loss and acc along STEPS steps, a run's own noise on a curve of its optimiser. */
function histories(opt: keyof typeof CURVES, lr: number, seed: number, start: number) {
  const random = generator(seed * 101 + opt.length * 7 + Math.round(lr * 1000));
  const { rate, floor } = CURVES[opt];
  const speed = rate * (0.7 + lr * 4) * (0.85 + random() * 0.3);
  const settle = floor * (0.9 + random() * 0.2);
  const metrics: Json[] = [];
  let loss = 0;
  for (let step = 0; step < STEPS; step++) {
    const clean = settle + (2.3 - settle) * Math.exp(-speed * step);
    loss = Math.max(0.01, clean * (1 + (random() - 0.5) * 0.12));
    const acc = Math.min(0.999, Math.max(0, 1 - clean / 2.4 + (random() - 0.5) * 0.03));
    const timestamp = start + step * 1500;
    metrics.push({ key: 'loss', value: loss, step, timestamp });
    metrics.push({ key: 'acc', value: acc, step, timestamp });
    // The held-out loss, a little above the training loss; the last one is logged with the model.
    if (EVAL_STEPS.includes(step) && step !== STEPS - 1) {
      metrics.push({ key: 'eval_loss', value: evalLoss(clean, step), step, timestamp });
    }
  }
  return { metrics, finalLoss: loss, finalEval: evalLoss(loss, STEPS - 1) };
}

async function logBatch(api: Api, runId: string, body: Json): Promise<void> {
  const metrics = (body.metrics as Json[] | undefined) ?? [];
  // log-batch takes 1000 metrics a call.
  for (let i = 0; i < Math.max(1, metrics.length); i += 1000) {
    await api.post('runs/log-batch', {
      run_id: runId,
      ...(i === 0 ? body : {}),
      metrics: metrics.slice(i, i + 1000),
    });
  }
}

async function createRun(
  api: Api,
  experimentId: string,
  name: string,
  start: number,
  tags: Json[] = [],
): Promise<RunInfo> {
  const made = await api.post('runs/create', {
    experiment_id: experimentId,
    run_name: name,
    start_time: start,
    tags: [{ key: 'mlflow.user', value: 'demo' }, ...tags],
  });
  return (made.run as { info: RunInfo }).info;
}

async function finish(api: Api, runId: string, end: number): Promise<void> {
  await api.post('runs/update', { run_id: runId, status: 'FINISHED', end_time: end });
}

/** A small plot of a loss history as a PNG, drawn by the browser (a real image artifact). */
async function lossPng(browser: Browser, losses: number[], title: string): Promise<Buffer> {
  const page = await browser.newPage({ viewport: { width: 480, height: 300 } });
  try {
    await page.setContent('<body style="margin:0;background:#fff"><canvas width=480 height=300>');
    await page.evaluate(
      ([ys, title]) => {
        const c = document.querySelector('canvas')!.getContext('2d')!;
        const max = Math.max(...ys);
        c.strokeStyle = '#ccc';
        c.strokeRect(40, 20, 420, 240);
        c.fillStyle = '#333';
        c.font = '14px sans-serif';
        c.fillText(`loss of ${title}`, 170, 15);
        c.fillText('0', 25, 264);
        c.fillText(max.toFixed(1), 8, 28);
        c.strokeStyle = '#1f6feb';
        c.lineWidth = 2;
        c.beginPath();
        ys.forEach((y, i) => {
          const px = 40 + (i / (ys.length - 1)) * 420;
          const py = 260 - (y / max) * 240;
          if (i === 0) c.moveTo(px, py);
          else c.lineTo(px, py);
        });
        c.stroke();
      },
      [losses, title] as const,
    );
    return await page.locator('canvas').screenshot();
  } finally {
    await page.close();
  }
}

function description(run: DemoRun, experimentId: string): string {
  const groups = `#/experiments/${experimentId}/groups?by=params.opt&metric=loss`;
  return `Simulated annealing on the **berlin52** tour, seed ${run.seed}: the best run of the sweep.

- geometric cooling, \`T₀ = 10\`, \`α = 0.995\`, learning rate ${run.lr}
- 2-opt moves; restarts from the best tour every 50 steps

Next: a slower schedule for the other seeds (see [the groups](${groups}) for the spread).`;
}

async function seed(api: Api, browser: Browser): Promise<Demo> {
  const made = await api.post('experiments/create', {
    name: 'sa-vs-ga',
    tags: [{ key: 'mlflow.note.content', value: 'Three optimisers on the same tours.' }],
  });
  const experimentId = String(made.experiment_id);
  const runs: DemoRun[] = [];
  let clock = T0;

  // A parent run with three children: a learning-rate sweep of tabu search.
  const parent = await createRun(api, experimentId, 'tabu-lr-sweep', clock);
  await logBatch(api, parent.run_id, { params: [{ key: 'opt', value: 'tabu' }] });

  for (let i = 0; i < 24; i++) {
    const opt = OPTS[i % 3];
    const seedValue = Math.floor(i / 3);
    const lr = LRS[(i + seedValue) % 3];
    const child = opt === 'tabu' && seedValue < 3;
    const name = child ? `tabu-lr-${lr}` : `${opt}-s${seedValue}-lr${lr}`;
    clock += 7 * 60_000;
    const info = await createRun(
      api,
      experimentId,
      name,
      clock,
      child ? [{ key: 'mlflow.parentRunId', value: parent.run_id }] : [],
    );
    const { metrics, finalLoss, finalEval } = histories(opt, Number(lr), seedValue, clock);
    await logBatch(api, info.run_id, {
      params: [
        { key: 'opt', value: opt },
        { key: 'seed', value: String(seedValue) },
        { key: 'lr', value: lr },
        { key: 'tour', value: 'berlin52' },
      ],
      tags: [{ key: 'team', value: i % 2 ? 'routing' : 'search' }],
      metrics,
    });
    await finish(api, info.run_id, clock + STEPS * 1500);
    runs.push({
      id: info.run_id,
      name,
      opt,
      artifactUri: info.artifact_uri,
      finalLoss,
      finalEval,
      seed: seedValue,
      lr,
      start: clock,
    });
  }
  await finish(api, parent.run_id, clock + STEPS * 1500);

  // The featured run: the best simulated annealing run, described, with its dataset and artifacts.
  const featured = runs
    .filter((r) => r.opt === 'sa')
    .reduce((best, r) => (r.finalLoss < best.finalLoss ? r : best));
  await api.post('runs/set-tag', {
    run_id: featured.id,
    key: 'mlflow.note.content',
    value: description(featured, experimentId),
  });
  await api.post('runs/log-inputs', {
    run_id: featured.id,
    datasets: [
      {
        tags: [{ key: 'mlflow.data.context', value: 'training' }],
        dataset: {
          name: 'berlin52',
          digest: '3f9a1c07',
          source_type: 'http',
          source: JSON.stringify({ url: 'https://example.org/tsplib/berlin52.tsp' }),
          schema: JSON.stringify({
            mlflow_colspec: [
              { type: 'long', name: 'node' },
              { type: 'double', name: 'x' },
              { type: 'double', name: 'y' },
            ],
          }),
          profile: JSON.stringify({ num_rows: 52 }),
        },
      },
    ],
  });
  const history = (await api.call(
    'GET',
    `/api/2.0/mlflow/metrics/get-history?run_id=${featured.id}&metric_key=loss&max_results=1000`,
  )) as { metrics: { value: number; step: number }[] };
  const losses = history.metrics.sort((a, b) => a.step - b.step).map((m) => m.value);
  await api.upload(
    featured.artifactUri,
    'config.json',
    JSON.stringify(
      { optimiser: 'sa', tour: 'berlin52', schedule: { t0: 10, alpha: 0.995 }, restarts: 50 },
      null,
      2,
    ),
  );
  await api.upload(
    featured.artifactUri,
    'plots/loss.png',
    await lossPng(browser, losses, featured.name),
  );

  // Logged models (MLflow 3) from the best run of each optimiser, two of them registered.
  const best = OPTS.map((opt) =>
    runs.filter((r) => r.opt === opt).reduce((a, r) => (r.finalLoss < a.finalLoss ? r : a)),
  );
  const modelIds: string[] = [];
  for (const run of best) {
    const created = await api.call('POST', '/api/2.0/mlflow/logged-models', {
      experiment_id: experimentId,
      name: `${run.opt}-solver`,
      model_type: 'tour-solver',
      source_run_id: run.id,
      params: [
        { key: 'opt', value: run.opt },
        { key: 'tour', value: 'berlin52' },
      ],
      tags: [{ key: 'framework', value: 'numpy' }],
    });
    const model = created.model as { info: { model_id: string; artifact_uri: string } };
    const id = model.info.model_id;
    await api.upload(
      model.info.artifact_uri,
      'MLmodel',
      `artifact_path: model\nmodel_id: ${id}\nflavors:\n  python_function:\n    loader_module: solver\n`,
    );
    await api.call('PATCH', `/api/2.0/mlflow/logged-models/${id}`, {
      status: 'LOGGED_MODEL_READY',
    });
    await api.post('runs/outputs', { run_id: run.id, models: [{ model_id: id, step: STEPS - 1 }] });
    modelIds.push(id);
  }
  // Each run's last evaluation, scoring the model where the run logged one.
  for (const run of runs) {
    const model = best.indexOf(run);
    await api.post('runs/log-batch', {
      run_id: run.id,
      metrics: [
        {
          key: 'eval_loss',
          value: run.finalEval,
          step: STEPS - 1,
          timestamp: run.start + (STEPS - 1) * 1500,
          ...(model >= 0 ? { model_id: modelIds[model] } : {}),
        },
      ],
    });
  }

  const modelName = 'tour-solver';
  await api.post('registered-models/create', {
    name: modelName,
    description: 'The tour solver the routing service loads as models:/tour-solver@champion.',
    tags: [{ key: 'owner', value: 'routing' }],
  });
  // Version 1 from genetic algorithms, version 2 from simulated annealing, which is the champion.
  for (const i of [1, 0]) {
    await api.post('model-versions/create', {
      name: modelName,
      source: `models:/${modelIds[i]}`,
      run_id: best[i].id,
      model_id: modelIds[i],
      description: `Best ${best[i].opt} run of the sweep.`,
      tags: [{ key: 'validated', value: i === 0 ? 'true' : 'false' }],
    });
  }
  await api.post('registered-models/alias', { name: modelName, alias: 'champion', version: '2' });
  await api.post('registered-models/alias', {
    name: modelName,
    alias: 'previous',
    version: '1',
  });

  return { experimentId, runs, featured, parentId: parent.run_id, modelName };
}

/** Until every chart on the page has drawn its canvas (and at least `min` charts are there). */
async function chartsDrawn(page: Page, min: number): Promise<void> {
  await page.waitForFunction(
    (n) => {
      const charts = document.querySelectorAll('.chart');
      return (
        charts.length >= n &&
        [...charts].every((c) => c.querySelector('canvas') || c.querySelector('svg'))
      );
    },
    min,
    { timeout: 30_000 },
  );
}

/**
 * The page as it stands: all of it up to MAX_HEIGHT, or down to the bottom of the last element
 * `until` matches.
 */
async function capture(page: Page, name: string, until?: string): Promise<void> {
  // Fonts and the last frame of any layout change.
  await page.evaluate(() => document.fonts.ready);
  await page.evaluate(
    () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))),
  );
  const height = await page.evaluate((selector) => {
    const last = selector ? [...document.querySelectorAll(selector)].pop() : undefined;
    return last
      ? Math.ceil(last.getBoundingClientRect().bottom + window.scrollY + 16)
      : document.documentElement.scrollHeight;
  }, until);
  const file = path.join(OUT, `${name}.png`);
  await page.screenshot({
    path: file,
    fullPage: height > VIEWPORT.height,
    clip: { x: 0, y: 0, width: VIEWPORT.width, height: Math.min(height, MAX_HEIGHT) },
  });
  const kb = fs.statSync(file).size / 1024;
  console.log(`${path.relative(ROOT, file)}: ${kb.toFixed(0)} KB`);
}

async function main(): Promise<void> {
  const executablePath = CHROMIUM.find((p): p is string => !!p && fs.existsSync(p));
  if (!executablePath) throw new Error('no Chromium found (test/ui/install-chromium.sh)');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'trackd-screenshots-'));
  const server = await startTrackd(tmp, path.join(tmp, 'server.log'));
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  try {
    const api = new Api(server.url);
    const demo = await seed(api, browser);
    // Traces from the afternoon after the runs.
    const trace = await seedTraces(api, demo.experimentId, demo.featured.id, T0 + 5 * 3_600_000);
    fs.mkdirSync(OUT, { recursive: true });
    const context = await browser.newContext({
      viewport: VIEWPORT,
      colorScheme: 'light',
      timezoneId: 'UTC',
    });
    await context.addInitScript(() => localStorage.setItem('trackd.theme', 'light'));
    const page = await context.newPage();
    const open = async (route: string) => {
      await page.goto(`${server.url}/#${route}`);
      await page.waitForLoadState('networkidle');
    };
    const exp = demo.experimentId;
    const byOpt = (opt: string) => demo.runs.filter((r) => r.opt === opt);

    const table = new URLSearchParams({
      order: 'metrics.loss ASC',
      cols: 'params.opt,params.lr,params.seed,metrics.loss,metrics.acc,tags.team',
      pin: 'attributes.run_name,params.opt',
      selected: [demo.featured.id, byOpt('ga')[0].id].join(','),
    });
    await open(`/experiments/${exp}?${table}`);
    await page.waitForSelector('table.runs tbody tr[data-run-id]');
    await capture(page, 'runs-table');

    await open(`/experiments/${exp}/runs/${demo.featured.id}`);
    await chartsDrawn(page, 3);
    await capture(page, 'run-page', '.chart');

    const compared = [demo.featured, byOpt('ga')[1], byOpt('tabu')[4]];
    const compare = new URLSearchParams({
      runs: JSON.stringify(compared.map((r) => r.id)),
      experiments: JSON.stringify([exp]),
      metric: 'loss',
    });
    await open(`/compare-runs?${compare}`);
    await chartsDrawn(page, 2);
    await page.waitForSelector('svg.parallel');
    await capture(page, 'compare');

    const groups = new URLSearchParams({ by: 'params.opt', metric: 'loss', value: 'min' });
    await open(`/experiments/${exp}/groups?${groups}`);
    await chartsDrawn(page, 1);
    await capture(page, 'groups');

    await open(`/models/${demo.modelName}`);
    await page.waitForSelector('table');
    await capture(page, 'models');

    await open(`/experiments/${exp}/models`);
    await page.waitForSelector('table');
    await capture(page, 'logged-models');

    await open(`/experiments/${exp}/traces`);
    await page.waitForSelector('table.traces tbody tr');
    await capture(page, 'traces');

    const opened = new URLSearchParams({ selectedEvaluationId: trace.traceId, span: trace.spanId });
    await open(`/experiments/${exp}/traces?${opened}`);
    await page.waitForSelector('.span-detail .span-inputs');
    await capture(page, 'trace-view');
  } finally {
    await browser.close();
    await server.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
