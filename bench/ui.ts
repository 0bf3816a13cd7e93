// The web UI's figures, in headless Chromium (Debian's, driven by playwright-core): what the first
// load of a page costs (JS + CSS, gzipped), how long the runs table of a large experiment takes to
// paint, and how long a compare page of many long histories takes to draw its chart.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';
import { request } from 'undici';
import { seedHistory, seedRuns } from './data.js';
import { ROOT, startTrackd } from './servers.js';

export interface UiSizes {
  tableRuns: number;
  chartRuns: number;
  chartPoints: number;
}

/** A chart still missing by then is reported as such (the bench goes on). */
const CHART_TIMEOUT_MS = 120_000;
const CHROMIUM = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];

async function json(base: string, p: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await request(`${base}${p}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    // A connection a call: seeding blocks this process for seconds between calls, long enough
    // for the server to close an idle kept-alive one just as the next request goes out on it.
    reset: true,
  });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`${p}: ${res.statusCode} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** A built asset's bytes gzipped, as a browser downloads it. */
function gzippedBytes(assetPath: string): number {
  return zlib.gzipSync(fs.readFileSync(path.join(ROOT, 'dist/ui', assetPath))).length;
}

/** The scripts and styles `index.html` names: what every page loads first (lazy chunks aside). */
function entryAssets(): string[] {
  const html = fs.readFileSync(path.join(ROOT, 'dist/ui/index.html'), 'utf8');
  return [...html.matchAll(/(?:src|href)="\/static-files\/([^"]+\.(?:js|css))"/g)].map((m) => m[1]);
}

export async function measureUi(
  tmp: string,
  sizes: UiSizes,
): Promise<{ lines: string[]; serverCpuSeconds: number }> {
  const executablePath = CHROMIUM.find((p): p is string => !!p && fs.existsSync(p));
  if (!executablePath) {
    const kib = entryAssets().reduce((sum, a) => sum + gzippedBytes(a), 0) / 1024;
    return {
      lines: [
        `ui first load: ${kib.toFixed(0)} KiB of JS + CSS gzipped (entry files; target < 300 KB)`,
        'ui timings skipped: no Chromium (test/ui/install-chromium.sh)',
      ],
      serverCpuSeconds: 0,
    };
  }
  const lines: string[] = [];
  const server = await startTrackd(tmp, path.join(tmp, 'ui.log'));
  const dbFile = path.join(tmp, 'default', 'mlflow.db');
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  let serverCpuSeconds: number | undefined;
  try {
    const table = await json(server.url, '/api/2.0/mlflow/experiments/create', {
      name: 'ui-table',
    });
    const tableId = Number(table.experiment_id);
    seedRuns(dbFile, {
      experimentId: tableId,
      artifactRoot: 'mlflow-artifacts:/ui',
      from: 0,
      count: sizes.tableRuns,
    });
    const charts = await json(server.url, '/api/2.0/mlflow/experiments/create', {
      name: 'ui-charts',
    });
    const runIds: string[] = [];
    for (let i = 0; i < sizes.chartRuns; i++) {
      const made = await json(server.url, '/api/2.0/mlflow/runs/create', {
        experiment_id: charts.experiment_id,
      });
      const id = (made.run as { info: { run_id: string } }).info.run_id;
      seedHistory(dbFile, id, 'loss', sizes.chartPoints);
      runIds.push(id);
    }

    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    // Every script and style the runs page fetched, lazily loaded chunks included.
    const loaded = new Set<string>();
    page.on('response', (res) => {
      const match = /\/static-files\/(.+\.(?:js|css))$/.exec(new URL(res.url()).pathname);
      if (match) loaded.add(match[1]);
    });
    // Time from the navigation's start until the first page of runs (100) is in the table and
    // painted: the table keeps only the rows in view in the page, and counts what it loaded.
    await page.goto(`${server.url}/#/experiments/${tableId}`);
    await page.waitForFunction(
      () =>
        !!document.querySelector('table.runs tbody tr[data-run-id]') &&
        Number(document.querySelector<HTMLElement>('table.runs')?.dataset.loaded) >= 100,
      undefined,
      { timeout: 60_000 },
    );
    const tableMs = await page.evaluate(
      () =>
        new Promise<number>((resolve) => requestAnimationFrame(() => resolve(performance.now()))),
    );
    const kib = [...loaded].reduce((sum, a) => sum + gzippedBytes(a), 0) / 1024;
    lines.push(`ui first load: ${kib.toFixed(0)} KiB of JS + CSS gzipped (target < 300 KB)`);
    lines.push(
      `ui runs table of ${sizes.tableRuns.toLocaleString('en')} runs painted ${tableMs.toFixed(0)} ms after navigation (target < 1.5 s)`,
    );

    const compare = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    // The link as MLflow's UI writes it: the runs and their experiment.
    const runsAndExperiment = new URLSearchParams({
      runs: JSON.stringify(runIds),
      experiments: JSON.stringify([String(charts.experiment_id)]),
    });
    await compare.goto(`${server.url}/#/compare-runs?${runsAndExperiment}`);
    const drawn = await compare
      .waitForFunction(
        (n) =>
          document.querySelector(`.chart[data-metric=loss][data-series="${n}"] canvas`) !== null,
        sizes.chartRuns,
        { timeout: CHART_TIMEOUT_MS },
      )
      .then(
        () => true,
        () => false,
      );
    const what = `ui chart of ${sizes.chartRuns} runs × ${sizes.chartPoints.toLocaleString('en')} points`;
    if (!drawn) {
      lines.push(`${what} not drawn within ${CHART_TIMEOUT_MS / 1000} s (target < 1 s): missed`);
    } else {
      const chartMs = await compare.evaluate(
        () =>
          new Promise<number>((resolve) => requestAnimationFrame(() => resolve(performance.now()))),
      );
      lines.push(`${what} drawn ${chartMs.toFixed(0)} ms after navigation (target < 1 s)`);
    }
  } finally {
    await browser.close();
    serverCpuSeconds = server.cpuSeconds();
    await server.stop();
  }
  return { lines, serverCpuSeconds: serverCpuSeconds ?? 0 };
}
