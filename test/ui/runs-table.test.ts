// The runs table in a real browser against the built server with `--auth basic`: columns chosen
// and pinned (kept in the URL), pages loaded as it scrolls with only the rows in view in the DOM,
// keyboard navigation, the selection's actions shown by role (and MLflow's error when a write is
// refused anyway), and the theme toggle, with screenshots at 1280×800 in both themes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startServer, type ServerProcess } from '../reliability/support/server-process.js';
import { launchChromium } from './browser.js';

const PROJECT = 'tbl';
const PASSWORD = 'correct horse battery';
const RUNS = 250; // two and a half pages of runs/search
const PARAMS = ['opt', 'seed', 'lr', 'batch', 'layers', 'dropout', 'momentum', 'decay', 'warmup'];
/** Where the screenshots go; look at them after a change to the table's looks. */
const SHOTS = process.env.UI_SCREENSHOTS ?? path.join(os.tmpdir(), 'trackd-runs-table');

let server: ServerProcess;
let browser: Browser;
let experimentId: string;
/** Newest first, as the table sorts by default (start_time DESC). */
const runs: { id: string; name: string }[] = [];
const contexts: BrowserContext[] = [];

const basic = (user: string) => `Basic ${Buffer.from(`${user}:${PASSWORD}`).toString('base64')}`;

async function api(user: string, urlPath: string, body: unknown) {
  const res = await call(server.port, 'POST', urlPath, body, { Authorization: basic(user) });
  if (res.status >= 300) throw new Error(`${urlPath}: ${res.status} ${res.text}`);
  return res.json!;
}
const mlflow = (user: string, p: string, body: unknown) =>
  api(user, `/projects/${PROJECT}/api/2.0/mlflow/${p}`, body);
const grant = (username: string, role: string) =>
  api('admin', `/projects/${PROJECT}/api/trackd/v1/roles`, { username, role });

/** A page signed in as `user` (HTTP Basic, as a person's browser would be). */
async function pageAs(user: string): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    httpCredentials: { username: user, password: PASSWORD, send: 'always' },
  });
  contexts.push(context);
  return context.newPage();
}

const tableUrl = (query = '') =>
  `http://127.0.0.1:${server.port}/projects/${PROJECT}/#/experiments/${experimentId}${query}`;

async function openTable(page: Page, query = '') {
  await page.goto(tableUrl(query));
  await page.waitForSelector('table.runs tbody tr[data-run-id]');
}

/** A view parameter, from the page's query string or the one inside the hash. */
function viewParam(page: Page, name: string): string | null {
  const url = new URL(page.url());
  const inHash = new URLSearchParams(url.hash.split('?')[1] ?? '');
  return url.searchParams.get(name) ?? inHash.get(name);
}

const headers = (page: Page) => page.locator('table.runs thead th button').allInnerTexts();
const loaded = async (page: Page) =>
  Number(await page.locator('table.runs').getAttribute('data-loaded'));
const domRows = (page: Page) => page.locator('table.runs tbody tr[data-run-id]').count();

beforeAll(async () => {
  server = await startServer({
    env: {
      TRACKD_AUTH: 'basic',
      TRACKD_ADMIN_USERNAME: 'admin',
      TRACKD_ADMIN_PASSWORD: PASSWORD,
    },
  });
  await api('admin', '/api/3.0/mlflow/workspaces', { name: PROJECT });
  for (const [user, role] of [
    ['reader', 'read'],
    ['editor', 'edit'],
    ['manager', 'manage'],
  ]) {
    await api('admin', '/api/2.0/mlflow/users/create', { username: user, password: PASSWORD });
    await grant(user, role);
  }
  const exp = await mlflow('admin', 'experiments/create', { name: 'sweep' });
  experimentId = String(exp.experiment_id);
  for (let i = 0; i < RUNS; i++) {
    const name = `run-${String(i).padStart(3, '0')}`;
    const made = await mlflow('admin', 'runs/create', {
      experiment_id: experimentId,
      run_name: name,
      start_time: 1_700_000_000_000 + i * 60_000,
    });
    const id = (made.run as { info: { run_id: string } }).info.run_id;
    await mlflow('admin', 'runs/log-batch', {
      run_id: id,
      params: PARAMS.map((key, k) => ({ key, value: key === 'opt' ? 'sa' : String(i * k) })),
      metrics: [{ key: 'acc', value: (i % 97) / 97, timestamp: 1, step: 0 }],
      tags: i % 2 ? [{ key: 'team', value: 'vision' }] : [],
    });
    await mlflow('admin', 'runs/update', { run_id: id, status: 'FINISHED', end_time: 1 });
    runs.unshift({ id, name });
  }
  browser = await launchChromium();
  fs.mkdirSync(SHOTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await server?.stop();
});

describe('the runs table', () => {
  it('shows params and metrics by default, chooses columns and pins them, all in the URL', async () => {
    const page = await pageAs('reader');
    await openTable(page);
    expect(await headers(page)).toEqual(['Run', 'Started', 'Status', 'acc', ...PARAMS.sort()]);

    // The run name is pinned: it stays put while the table scrolls sideways.
    const runHead = page.locator('table.runs thead th button:text-is("Run")');
    const before = (await runHead.boundingBox())!.x;
    await page.locator('.runs-viewport').evaluate((el) => (el.scrollLeft = 400));
    await page.waitForFunction(() => document.querySelector('.runs-viewport')!.scrollLeft > 0);
    expect((await runHead.boundingBox())!.x).toBe(before);
    const started = page.locator('table.runs thead th button:text-is("Started")');
    expect((await started.boundingBox())!.x).toBeLessThan(before);

    await page.click('.column-chooser summary');
    const choice = (id: string) => page.locator(`.choice[data-column="${id}"]`);
    await expect(choice('tags.team').count()).resolves.toBe(1);
    await expect(choice('tags.mlflow.runName').count()).resolves.toBe(0);
    await page.click('.chooser-bar button:text-is("None")');
    await choice('params.opt').locator('input').check();
    await choice('tags.team').locator('input').check();
    await choice('metrics.acc').locator('.pin-toggle').click();
    const chosen = ['Run', 'acc', 'Started', 'Status', 'opt', 'team'];
    await page.waitForFunction(
      (n) => document.querySelectorAll('table.runs thead th button').length === n,
      chosen.length,
    );
    expect(await headers(page)).toEqual(chosen);
    expect(viewParam(page, 'cols')).toBe('params.opt,tags.team,metrics.acc');
    expect(viewParam(page, 'pin')).toBe('attributes.run_name,metrics.acc');
    const first = page.locator(`tr[data-run-id="${runs[0].id}"] td`);
    await expect(first.allInnerTexts()).resolves.toContain('vision');

    // The view is a link.
    await page.reload();
    await page.waitForSelector('table.runs tbody tr[data-run-id]');
    expect(await headers(page)).toEqual(chosen);

    // A key can be found in a long list, and Default forgets the choice.
    await page.click('.column-chooser summary');
    await page.fill('.chooser-bar input', 'mom');
    await expect(
      page.locator('.chooser-panel .choice[data-column^="params."]').count(),
    ).resolves.toBe(1);
    await page.click('.chooser-bar button:text-is("Default")');
    await page.waitForFunction(() => !location.href.includes('cols='));
    expect(await headers(page)).toEqual(['Run', 'Started', 'Status', 'acc', ...PARAMS.sort()]);
  });

  it('loads the next page as it scrolls and keeps only the rows in view in the DOM', async () => {
    const page = await pageAs('reader');
    await openTable(page);
    expect(await loaded(page)).toBeLessThanOrEqual(200);
    expect(await domRows(page)).toBeLessThan(60);
    const viewport = page.locator('.runs-viewport');
    // Each scroll to the end loads one more page (waited for, not timed: CI machines are slow).
    for (let i = 0; i < 10 && (await loaded(page)) < RUNS; i++) {
      const before = await loaded(page);
      await viewport.evaluate((el) => (el.scrollTop = el.scrollHeight));
      await page.waitForFunction(
        (n) => Number(document.querySelector<HTMLElement>('table.runs')?.dataset.loaded) > n,
        before,
      );
    }
    expect(await loaded(page)).toBe(RUNS);
    // Scrolled to the end (again while the last page renders): the oldest run is on screen, the
    // newest no longer in the DOM.
    await page.waitForFunction(
      (id) => {
        const el = document.querySelector('.runs-viewport')!;
        el.scrollTop = el.scrollHeight;
        return document.querySelector(`tr[data-run-id="${id}"]`) !== null;
      },
      runs[RUNS - 1].id,
    );
    const last = page.locator(`tr[data-run-id="${runs[RUNS - 1].id}"]`);
    const box = (await viewport.boundingBox())!;
    const row = (await last.boundingBox())!;
    expect(row.y + row.height).toBeLessThanOrEqual(box.y + box.height + 1);
    await expect(page.locator(`tr[data-run-id="${runs[0].id}"]`).count()).resolves.toBe(0);
    expect(await domRows(page)).toBeLessThan(60);
  });

  it('moves a focused row with the keyboard, selects with Space and opens with Enter', async () => {
    const page = await pageAs('reader');
    await openTable(page);
    await page.focus('.runs-viewport');
    await page.keyboard.press('ArrowDown'); // the first key focuses the top row
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const focused = page.locator('table.runs tr.focused');
    await expect(focused.getAttribute('data-run-id')).resolves.toBe(runs[2].id);
    await expect(
      page.locator('.runs-viewport').getAttribute('aria-activedescendant'),
    ).resolves.toBe(`run-row-${runs[2].id}`);

    await page.keyboard.press(' ');
    await page.waitForFunction((id) => location.href.includes(`selected=${id}`), runs[2].id);
    await expect(focused.getAttribute('class')).resolves.toContain('selected');

    // The window follows the focus far below the first screen.
    for (let i = 0; i < 40; i++) await page.keyboard.press('ArrowDown');
    await expect(focused.getAttribute('data-run-id')).resolves.toBe(runs[42].id);
    const box = (await page.locator('.runs-viewport').boundingBox())!;
    const row = (await focused.boundingBox())!;
    expect(row.y).toBeGreaterThan(box.y);
    expect(row.y + row.height).toBeLessThanOrEqual(box.y + box.height + 1);
    await page.keyboard.press('Home');
    await expect(focused.getAttribute('data-run-id')).resolves.toBe(runs[0].id);

    await page.keyboard.press('Enter');
    await page.waitForSelector('h1');
    await expect(page.locator('h1').innerText()).resolves.toBe(runs[0].name);
  });

  it('offers a reader no changes, an editor rename and tags, a manager delete and restore', async () => {
    const target = runs[4]; // tagged team=vision
    const query = `?selected=${target.id}`;
    const reader = await pageAs('reader');
    await openTable(reader, query);
    await reader.waitForSelector('.selection-actions a.compare-link');
    for (const control of ['rename', 'edit-tags', 'delete', 'restore']) {
      await expect(reader.locator(`.selection-actions button.${control}`).count()).resolves.toBe(0);
    }

    const editor = await pageAs('editor');
    await openTable(editor, query);
    await editor.click('.selection-actions button.rename');
    await editor.fill('dialog input[name=run_name]', 'renamed-by-editor');
    await editor.click('dialog button[type=submit]');
    await editor.waitForFunction(
      (id) =>
        document.querySelector(`tr[data-run-id="${id}"] a`)?.textContent === 'renamed-by-editor',
      target.id,
    );
    await editor.click('.selection-actions button.edit-tags');
    await editor.fill('dialog input[name=key]', 'note');
    await editor.fill('dialog input[name=value]', 'checked');
    await editor.click('dialog button:text-is("Set tag")');
    await editor.waitForSelector('dialog tr[data-tag=note]');
    await editor.click('dialog tr[data-tag=team] button:text-is("Remove")');
    await editor.waitForFunction(() => !document.querySelector('dialog tr[data-tag=team]'));
    await editor.click('dialog button.close');
    const got = await call(
      server.port,
      'GET',
      `/projects/${PROJECT}/api/2.0/mlflow/runs/get?run_id=${target.id}`,
      undefined,
      { Authorization: basic('admin') },
    );
    const tags = (got.json!.run as { data: { tags: { key: string; value: string }[] } }).data.tags;
    expect(tags.filter((t) => !t.key.startsWith('mlflow.'))).toEqual([
      { key: 'note', value: 'checked' },
    ]);
    // An editor may not delete (MLflow's delete is for the manage role here).
    await expect(editor.locator('.selection-actions button.delete').count()).resolves.toBe(0);

    const manager = await pageAs('manager');
    await openTable(manager, query);
    await manager.click('.selection-actions button.delete');
    await manager.waitForFunction(
      (id) => !document.querySelector(`tr[data-run-id="${id}"]`),
      target.id,
    );
    expect(viewParam(manager, 'selected')).toBe(null);

    await manager.selectOption('select[name=view]', 'DELETED_ONLY');
    await manager.waitForSelector(`tr[data-run-id="${target.id}"]`);
    expect(await domRows(manager)).toBe(1);
    expect(manager.url()).toContain('view=DELETED_ONLY');
    await manager.check(`tr[data-run-id="${target.id}"] input[type=checkbox]`);
    await manager.click('.selection-actions button.restore');
    await manager.waitForSelector('table.runs tbody tr[data-run-id]', { state: 'detached' });
    await manager.selectOption('select[name=view]', 'ACTIVE_ONLY');
    await manager.waitForSelector(`tr[data-run-id="${target.id}"]`);
  });

  it("shows MLflow's error when a write is refused after the page was opened", async () => {
    const target = runs[6];
    const page = await pageAs('manager');
    await openTable(page, `?selected=${target.id}`);
    await page.waitForSelector('.selection-actions button.delete');
    await grant('manager', 'read');
    try {
      const direct = await call(
        server.port,
        'POST',
        `/projects/${PROJECT}/api/2.0/mlflow/runs/delete`,
        { run_id: target.id },
        { Authorization: basic('manager') },
      );
      expect(direct.status).toBe(403);
      await page.click('.selection-actions button.delete');
      await expect(page.locator('.selection-actions [role=alert]').innerText()).resolves.toBe(
        String(direct.json!.message),
      );
      await expect(page.locator(`tr[data-run-id="${target.id}"]`).count()).resolves.toBe(1);
    } finally {
      await grant('manager', 'manage');
    }
  });

  it('switches to the dark theme and back, remembers it, and stays readable at 1280×800', async () => {
    const page = await pageAs('editor');
    await openTable(page, `?selected=${runs[1].id},${runs[3].id}`);
    await page.focus('.runs-viewport');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const viewport = (await page.locator('.runs-viewport').boundingBox())!;
    expect(viewport.y + viewport.height).toBeLessThanOrEqual(800);
    expect(await domRows(page)).toBeGreaterThanOrEqual(15);
    await page.screenshot({ path: path.join(SHOTS, 'runs-table-light.png') });

    const background = () =>
      page.evaluate(
        () => getComputedStyle(document.querySelector('table.runs tbody td')!).backgroundColor,
      );
    expect(await background()).toBe('rgb(255, 255, 255)');
    await page.click('button.theme-toggle');
    await expect(page.locator('html').getAttribute('data-theme')).resolves.toBe('dark');
    expect(await background()).toBe('rgb(15, 20, 27)');
    await page.reload();
    await page.waitForSelector('table.runs tbody tr[data-run-id]');
    await expect(page.locator('html').getAttribute('data-theme')).resolves.toBe('dark');
    await page.focus('.runs-viewport');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.screenshot({ path: path.join(SHOTS, 'runs-table-dark.png') });

    await page.click('.column-chooser summary');
    await page.screenshot({ path: path.join(SHOTS, 'runs-table-chooser-dark.png') });
    await page.click('.column-chooser summary');
    await page.click('button.theme-toggle');
    await expect(page.locator('html').getAttribute('data-theme')).resolves.toBe('light');
  });
});
