// The web UI in a real browser against the built server: the links MLflow's client prints open
// the run, the runs table filters with MLflow's grammar (and shows its error text), sorts on the
// server, keeps its state in the URL, and never shows another project's runs.
import zlib from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startServer, type ServerProcess } from '../reliability/support/server-process.js';
import { launchChromium } from './browser.js';

let server: ServerProcess;
let browser: Browser;
let page: Page;
let experimentId: string;
const runs: { id: string; name: string; opt: string; acc: number }[] = [];
const API = '/api/2.0/mlflow';
/** A PNG of `width`×`height` grey pixels, written with zlib (no image library needed). */
function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(Buffer.concat([Buffer.from(type), data])));
    return Buffer.concat([length, Buffer.from(type), data, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const rows = Buffer.alloc(height * (1 + width * 3), 0x80);
  for (let y = 0; y < height; y++) rows[y * (1 + width * 3)] = 0; // filter: none
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
const PNG_2X3 = png(2, 3);

async function api(project: string, path: string, body: unknown) {
  const res = await call(server.port, 'POST', `/projects/${project}${API}/${path}`, body);
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${res.text}`);
  return res.json!;
}

beforeAll(async () => {
  server = await startServer();
  const exp = await api('ui-a', 'experiments/create', { name: 'annealing' });
  experimentId = String(exp.experiment_id);
  for (let i = 0; i < 12; i++) {
    const opt = i % 3 === 0 ? 'ga' : 'sa';
    const acc = Math.round(((i * 37) % 100) / 10) / 10;
    const name = `run-${String(i).padStart(2, '0')}`;
    const made = await api('ui-a', 'runs/create', {
      experiment_id: experimentId,
      run_name: name,
      start_time: 1000 + i,
    });
    const id = (made.run as { info: { run_id: string } }).info.run_id;
    await api('ui-a', 'runs/log-batch', {
      run_id: id,
      params: [
        { key: 'opt', value: opt },
        { key: 'seed', value: String(i) },
      ],
      metrics: [{ key: 'acc', value: acc, timestamp: 1, step: 0 }],
    });
    runs.push({ id, name, opt, acc });
  }
  // A history to chart: 50 steps of loss, and 5000 of a long metric the server samples down.
  const charted = runs[4].id;
  await api('ui-a', 'runs/log-batch', {
    run_id: charted,
    metrics: Array.from({ length: 50 }, (_, step) => ({
      key: 'loss',
      value: 1 / (step + 1),
      timestamp: step,
      step,
    })),
  });
  for (let from = 0; from < 5000; from += 1000) {
    await api('ui-a', 'runs/log-batch', {
      run_id: charted,
      metrics: Array.from({ length: 1000 }, (_, i) => ({
        key: 'long',
        value: Math.sin(from + i),
        timestamp: from + i,
        step: from + i,
      })),
    });
  }
  for (const [file, body, type] of [
    [
      'results/summary.json',
      Buffer.from(JSON.stringify({ best_acc: 0.97, trials: 12 })),
      'application/json',
    ],
    ['results/table.csv', Buffer.from('opt,acc\nsa,"0,9"\nga,0.8\n'), 'text/csv'],
    ['plots/curve.png', PNG_2X3, 'image/png'],
    [
      'report.html',
      Buffer.from('<h1>Report</h1><script>parent.document.title = "scripted"</script>'),
      'text/html',
    ],
  ] as const) {
    const res = await call(
      server.port,
      'PUT',
      `/projects/ui-a/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${charted}/artifacts/${file}`,
      body,
      { 'Content-Type': type },
    );
    if (res.status !== 200) throw new Error(`upload ${file}: ${res.status} ${res.text}`);
  }
  await api('ui-a', 'registered-models/create', { name: 'annealer v2' });
  await api('ui-a', 'model-versions/create', {
    name: 'annealer v2',
    source: `runs:/${runs[7].id}/model`,
    run_id: runs[7].id,
  });
  const other = await api('ui-b', 'experiments/create', { name: 'elsewhere' });
  await api('ui-b', 'runs/create', {
    experiment_id: String(other.experiment_id),
    run_name: 'other-project-run',
  });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const base = () => `http://127.0.0.1:${server.port}/projects/ui-a/`;
const rowNames = () => page.locator('table.runs tbody tr td:nth-child(2)').allInnerTexts();

describe('the web UI', () => {
  it('opens the run page from the link the official client prints', async () => {
    const run = runs[4];
    await page.goto(`${base()}#/experiments/${experimentId}/runs/${run.id}`);
    await expect(page.locator('h1').innerText()).resolves.toBe(run.name);
    const params = page.locator('section', { hasText: 'Parameters' });
    await expect(params.locator('tr', { hasText: 'opt' }).locator('td').innerText()).resolves.toBe(
      run.opt,
    );
  });

  it("charts a run's metrics: one series, every point of a short history, a long one sampled", async () => {
    const run = runs[4];
    await page.goto(`${base()}#/experiments/${experimentId}/runs/${run.id}`);
    const loss = page.locator('.chart[data-metric=loss]');
    await loss.locator('canvas').waitFor();
    await expect(loss.getAttribute('data-series')).resolves.toBe('1');
    await expect(loss.getAttribute('data-points')).resolves.toBe('50');
    const long = Number(await page.locator('.chart[data-metric=long]').getAttribute('data-points'));
    expect(long).toBeGreaterThan(500);
    expect(long).toBeLessThanOrEqual(1000);
  });

  it('browses the artifacts and previews JSON, CSV and a PNG', async () => {
    const run = runs[4];
    await page.goto(`${base()}#/experiments/${experimentId}/runs/${run.id}`);
    const files = page.locator('.files');
    await files.locator('button:text-is("results")').click();
    await files.locator('button:text-is("summary.json")').click();
    await expect(page.locator('.preview pre.json').innerText()).resolves.toContain(
      '"best_acc": 0.97',
    );
    await files.locator('button:text-is("table.csv")').click();
    await page.waitForSelector('.preview table.csv tbody tr');
    await expect(page.locator('.preview table.csv tbody tr').allInnerTexts()).resolves.toEqual([
      'sa\t0,9',
      'ga\t0.8',
    ]);
    await files.locator('button:text-is("..")').click();
    await files.locator('button:text-is("plots")').click();
    await files.locator('button:text-is("curve.png")').click();
    const image = page.locator('.preview img');
    await image.waitFor();
    await page.waitForFunction(
      () => (document.querySelector('.preview img') as HTMLImageElement)?.complete,
    );
    await expect(
      image.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight]),
    ).resolves.toEqual([2, 3]);
  });

  it('lists the experiments of the project', async () => {
    await page.goto(base());
    await page.waitForSelector('table.grid a');
    await expect(page.locator('table.grid a').allInnerTexts()).resolves.toContain('annealing');
  });

  it("filters with MLflow's grammar, keeps the filter in the URL, and sorts on the server", async () => {
    await page.goto(`${base()}#/experiments/${experimentId}`);
    await page.waitForSelector('table.runs tbody tr');
    expect((await rowNames()).sort()).toEqual(runs.map((r) => r.name).sort());

    await page.fill('input[name=filter]', "metrics.acc > 0.5 and params.opt = 'sa'");
    await page.click('form.filter button[type=submit]');
    const expected = runs.filter((r) => r.acc > 0.5 && r.opt === 'sa');
    await page.waitForFunction(
      (n) => document.querySelectorAll('table.runs tbody tr').length === n,
      expected.length,
    );
    expect((await rowNames()).sort()).toEqual(expected.map((r) => r.name).sort());

    // The view is a link: reloading it gives the same rows.
    expect(page.url()).toContain('filter=');
    await page.reload();
    await page.waitForSelector('table.runs tbody tr');
    expect((await rowNames()).sort()).toEqual(expected.map((r) => r.name).sort());

    // A column sorts descending first (the best value on top), then ascending.
    await page.click('table.runs th button:has-text("acc")');
    await page.waitForSelector('th[aria-sort=descending]');
    const best = [...expected].sort((a, b) => b.acc - a.acc)[0];
    await page.waitForFunction(
      (name) => document.querySelector('table.runs tbody tr td:nth-child(2)')?.textContent === name,
      best.name,
    );
  });

  it('compares three selected runs: their params side by side, their metrics in one chart', async () => {
    await page.goto(`${base()}#/experiments/${experimentId}`);
    await page.waitForSelector('table.runs tbody tr');
    const chosen = [runs[0], runs[1], runs[2]];
    for (const run of chosen) {
      await page.check(`tr[data-run-id="${run.id}"] input[type=checkbox]`);
      await page.waitForFunction(
        (n) => new URL(location.href).searchParams.get('selected')?.split(',').length === n,
        chosen.indexOf(run) + 1,
      );
    }
    await page.click('a.compare-link');
    await page.waitForSelector('table.compare');
    await expect(page.locator('table.compare thead th').allInnerTexts()).resolves.toEqual([
      'Parameter',
      ...chosen.map((r) => r.name),
    ]);
    const opt = page.locator('table.compare tr', { has: page.locator('th:text-is("opt")') });
    await expect(opt.locator('td').allInnerTexts()).resolves.toEqual(chosen.map((r) => r.opt));
    await expect(opt.getAttribute('class')).resolves.toBe('differs');
    const acc = page.locator('.chart[data-metric=acc]');
    await acc.locator('canvas').waitFor();
    await expect(acc.getAttribute('data-series')).resolves.toBe('3');

    // MLflow's own compare link carries its query inside the hash.
    const ids = JSON.stringify(chosen.slice(0, 2).map((r) => r.id));
    await page.goto(
      `${base()}#/compare-runs?runs=${encodeURIComponent(ids)}&experiments=["${experimentId}"]`,
    );
    await page.waitForSelector('table.compare');
    await expect(page.locator('table.compare thead th').count()).resolves.toBe(3);
  });

  it('groups the runs by a param and reads the mean and std the test computed itself', async () => {
    await page.goto(`${base()}#/experiments/${experimentId}`);
    await page.click('a.groups-link');
    await page.selectOption('select[name=by]', 'params.opt');
    await page.selectOption('select[name=metric]', 'acc');
    await page.waitForSelector('table.group-stats tbody tr');
    for (const opt of ['sa', 'ga']) {
      const values = runs.filter((r) => r.opt === opt).map((r) => r.acc);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1));
      const row = page.locator(`table.group-stats tr[data-group="opt=${opt}"]`);
      expect(Number(await row.locator('[data-stat=mean]').innerText())).toBeCloseTo(mean, 3);
      expect(Number(await row.locator('[data-stat=std]').innerText())).toBeCloseTo(std, 3);
    }
    await expect(page.locator('.chart[data-bands]').getAttribute('data-bands')).resolves.toBe('2');
    // The view is a link.
    expect(page.url()).toContain('by=params.opt');
    expect(page.url()).toContain('metric=acc');
  });

  it('follows a registered model to the run it came from', async () => {
    await page.goto(`${base()}#/models`);
    await page.click('table.models a:text-is("annealer v2")');
    await page.waitForSelector('table.versions tr[data-version="1"]');
    await page.click('table.versions a.source-run');
    await page.waitForSelector('h1');
    await expect(page.locator('h1').innerText()).resolves.toBe(runs[7].name);
  });

  it('follows an active run: new metrics appear on its page and in the table without a reload', async () => {
    const run = runs[5];
    await page.goto(`${base()}#/experiments/${experimentId}/runs/${run.id}`);
    await page.waitForSelector('h1');
    await api('ui-a', 'runs/log-metric', {
      run_id: run.id,
      key: 'live',
      value: 1,
      timestamp: 1,
      step: 0,
    });
    await page.locator('.chart[data-metric=live] canvas').waitFor({ timeout: 15_000 });

    await page.goto(`${base()}#/experiments/${experimentId}`);
    await page.waitForSelector('table.runs tbody tr');
    await api('ui-a', 'runs/log-metric', {
      run_id: run.id,
      key: 'fresh',
      value: 2,
      timestamp: 1,
      step: 0,
    });
    await page.locator('table.runs th button:text-is("fresh")').waitFor({ timeout: 15_000 });
  });

  it("shows MLflow's own error text for a malformed filter", async () => {
    const filter = 'metrics.acc >> 1';
    const direct = await call(server.port, 'POST', `/projects/ui-a${API}/runs/search`, {
      experiment_ids: [experimentId],
      filter,
    });
    expect(direct.status).toBe(400);
    await page.goto(`${base()}#/experiments/${experimentId}`);
    await page.fill('input[name=filter]', filter);
    await page.click('form.filter button[type=submit]');
    await expect(page.locator('[role=alert]').innerText()).resolves.toBe(
      String(direct.json!.message),
    );
  });

  it("never shows another project's runs", async () => {
    await page.goto(`${base()}#/experiments/${experimentId}`);
    await page.waitForSelector('table.runs tbody tr');
    expect(await page.content()).not.toContain('other-project-run');
  });
});
