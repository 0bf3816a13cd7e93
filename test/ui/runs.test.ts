// The web UI in a real browser against the built server: the links MLflow's client prints open
// the run, the runs table filters with MLflow's grammar (and shows its error text), sorts on the
// server, keeps its state in the URL, and never shows another project's runs.
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
const rowNames = () => page.locator('table.runs tbody tr td:first-child').allInnerTexts();

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

  it('lists the experiments of the project', async () => {
    await page.goto(base());
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
      (name) => document.querySelector('table.runs tbody tr td')?.textContent === name,
      best.name,
    );
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
