// Authentication and roles with `--auth basic`: what the official client's credentials
// (MLFLOW_TRACKING_USERNAME/_PASSWORD as Basic, MLFLOW_TRACKING_TOKEN as Bearer) can and cannot do.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../support/fixtures.js';
import { basic, expiredToken, PASSWORD } from '../support/auth.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
const bearer = (token: string) => `Bearer ${token}`;
let tokens: Record<string, string>;

function as(auth: string | undefined) {
  const withAuth = <T extends { set(k: string, v: string): T }>(r: T) =>
    auth ? r.set('Authorization', auth) : r;
  return {
    get: (url: string) => withAuth(t.api.get(url)),
    post: (url: string, body: unknown) =>
      withAuth(t.api.post(url).set('Content-Type', 'application/json')).send(JSON.stringify(body)),
    put: (url: string, body: Buffer) =>
      withAuth(t.api.put(url).set('Content-Type', 'application/octet-stream')).send(body),
  };
}

beforeAll(async () => {
  t = await startTestApp({ auth: 'basic' });
  await t.accounts.addUser('root', PASSWORD, true);
  for (const [user, role] of [
    ['reader', 'read'],
    ['editor', 'edit'],
    ['manager', 'manage'],
  ]) {
    await t.accounts.addUser(user, PASSWORD);
    await t.accounts.grant(user, 'team-a', role);
  }
  await t.accounts.addUser('outsider', PASSWORD);
  await t.accounts.grant('outsider', 'team-b', 'edit');
  const made = async (user: string, scope: 'read' | 'write', project?: string, days?: number) =>
    (
      await t.accounts.createToken({
        username: user,
        name: 't',
        scope,
        project,
        expiresInDays: days,
      })
    ).token;
  tokens = {
    editorWrite: await made('editor', 'write'),
    editorRead: await made('editor', 'read'),
    rootTeamB: await made('root', 'write', 'team-b'),
    revoked: await made('editor', 'write'),
  };
  const revoked = await t.accounts.store.findToken(tokens.revoked.split('_')[1]);
  await t.accounts.store.revokeToken(revoked!.public_id);
  const root = as(basic('root'));
  for (const name of ['team-a', 'team-b']) {
    expect((await root.post('/api/3.0/mlflow/workspaces', { name })).status).toBe(201);
  }
});

afterAll(async () => {
  await t?.close();
});

const A = '/projects/team-a/api/2.0/mlflow';

describe('authentication', () => {
  it('answers a request without credentials 401 UNAUTHENTICATED with the Basic challenge', async () => {
    const res = await as(undefined).get(`${A}/experiments/search?max_results=1`);
    expectError(res, 401, 'UNAUTHENTICATED', 'MLFLOW_TRACKING_TOKEN');
    expect(res.headers['www-authenticate']).toBe('Basic realm="mlflow"');
  });

  it('keeps health, version and the API documents open', async () => {
    for (const url of ['/health', '/version', '/openapi.json', '/projects/team-a/openapi.json']) {
      expect((await t.api.get(url)).status, url).toBe(200);
    }
  });

  it('refuses a wrong password, an unknown user, a made-up, revoked or malformed token', async () => {
    for (const auth of [
      basic('editor', 'wrong password!!'),
      basic('nobody'),
      bearer('trkd_AAAAAAAAAAAA_' + 'A'.repeat(43)),
      bearer(tokens.revoked),
      bearer('not a token'),
      'Digest abc',
    ]) {
      const res = await as(auth).get(`${A}/experiments/search?max_results=1`);
      expectError(res, 401, 'UNAUTHENTICATED');
      expect(JSON.stringify(res.body)).not.toContain(PASSWORD);
    }
  });

  it('refuses an expired token', async () => {
    const token = await expiredToken(t.accounts, 'editor');
    expectError(
      await as(bearer(token)).get(`${A}/experiments/search?max_results=1`),
      401,
      'UNAUTHENTICATED',
      'expired',
    );
  });

  it('throttles a user after ten wrong passwords a minute, the right one included', async () => {
    await t.accounts.addUser('guessed', PASSWORD);
    await t.accounts.grant('guessed', 'team-a', 'read');
    for (let i = 0; i < 10; i++) {
      const res = await as(basic('guessed', `guess number ${i}`)).get(`${A}/experiments/search`);
      expectError(res, 401, 'UNAUTHENTICATED');
    }
    const locked = await as(basic('guessed')).get(`${A}/experiments/search`);
    expectError(locked, 429, 'REQUEST_LIMIT_EXCEEDED', 'retry in');
    expect(locked.headers['retry-after']).toBeDefined();
    // Other users are not affected.
    expect((await as(basic('reader')).get(`${A}/experiments/search`)).status).toBe(200);
  });

  it('accepts a token as the Basic password of its own user only', async () => {
    const ok = await as(basic('editor', tokens.editorWrite)).get(`${A}/experiments/search`);
    expect(ok.status).toBe(200);
    expectError(
      await as(basic('reader', tokens.editorWrite)).get(`${A}/experiments/search`),
      401,
      'UNAUTHENTICATED',
    );
  });
});

describe('roles', () => {
  it('lets a read token search with POST but not log', async () => {
    const editor = as(bearer(tokens.editorWrite));
    const exp = await editor.post(`${A}/experiments/create`, { name: 'by-editor' });
    expect(exp.status).toBe(200);
    const reader = as(bearer(tokens.editorRead));
    const search = await reader.post(`${A}/runs/search`, {
      experiment_ids: [exp.body.experiment_id],
    });
    expect(search.status).toBe(200);
    const denied = await reader.post(`${A}/runs/create`, {
      experiment_id: exp.body.experiment_id,
    });
    expectError(denied, 403, 'PERMISSION_DENIED', 'read-only');
    const runs = await reader.post(`${A}/runs/search`, {
      experiment_ids: [exp.body.experiment_id],
    });
    expect(runs.body.runs).toBeUndefined();
  });

  it('lets edit log but keeps deleting an experiment for manage', async () => {
    const exp = await as(basic('editor')).post(`${A}/experiments/create`, { name: 'to-delete' });
    const id = exp.body.experiment_id as string;
    expectError(
      await as(basic('editor')).post(`${A}/experiments/delete`, { experiment_id: id }),
      403,
      'PERMISSION_DENIED',
      "needs the 'manage' role",
    );
    const deleted = await as(basic('manager')).post(`${A}/experiments/delete`, {
      experiment_id: id,
    });
    expect(deleted.status).toBe(200);
  });

  it("refuses another project's writer and a token bound to another project, artifacts included", async () => {
    const exp = await as(basic('editor')).post(`${A}/experiments/create`, { name: 'art' });
    const run = await as(basic('editor')).post(`${A}/runs/create`, {
      experiment_id: exp.body.experiment_id,
    });
    const runId = run.body.run.info.run_id as string;
    const put = await as(basic('editor')).put(
      `/projects/team-a/api/2.0/mlflow-artifacts/artifacts/${exp.body.experiment_id}/${runId}/artifacts/a.txt`,
      Buffer.from('secret'),
    );
    expect(put.status).toBe(200);
    for (const auth of [basic('outsider'), bearer(tokens.rootTeamB)]) {
      const caller = as(auth);
      for (const url of [
        `${A}/runs/get?run_id=${runId}`,
        `/projects/team-a/api/2.0/mlflow-artifacts/artifacts/${exp.body.experiment_id}/${runId}/artifacts/a.txt`,
        `/projects/team-a/get-artifact?run_id=${runId}&path=a.txt`,
      ]) {
        expectError(await caller.get(url), 403, 'PERMISSION_DENIED');
      }
    }
    // The same token works in its own project.
    expect(
      (await as(bearer(tokens.rootTeamB)).get('/projects/team-b/api/2.0/mlflow/experiments/search'))
        .status,
    ).toBe(200);
  });

  it('forgets the roles of a deleted project, so a new one of the same name starts bare', async () => {
    const root = as(basic('root'));
    expect((await root.post('/api/3.0/mlflow/workspaces', { name: 'short-lived' })).status).toBe(
      201,
    );
    await t.accounts.grant('reader', 'short-lived', 'edit');
    const url = '/projects/short-lived/api/2.0/mlflow/experiments/search';
    expect((await as(basic('reader')).get(url)).status).toBe(200);
    const gone = await t.api
      .delete('/api/3.0/mlflow/workspaces/short-lived')
      .set('Authorization', basic('root'));
    expect(gone.status).toBe(204);
    expect((await root.post('/api/3.0/mlflow/workspaces', { name: 'short-lived' })).status).toBe(
      201,
    );
    expectError(await as(basic('reader')).get(url), 403, 'PERMISSION_DENIED');
    await t.api
      .delete('/api/3.0/mlflow/workspaces/short-lived')
      .set('Authorization', basic('root'));
  });

  it('lists only the projects the caller can read, and keeps project creation for admins', async () => {
    const names = async (auth: string) =>
      ((await as(auth).get('/api/3.0/mlflow/workspaces')).body.workspaces as { name: string }[])
        .map((w) => w.name)
        .sort();
    expect(await names(basic('reader'))).toEqual(['team-a']);
    expect(await names(basic('outsider'))).toEqual(['team-b']);
    expect(await names(basic('root'))).toEqual(['default', 'team-a', 'team-b']);
    expectError(
      await as(basic('manager')).post('/api/3.0/mlflow/workspaces', { name: 'team-c' }),
      403,
      'PERMISSION_DENIED',
      'admin',
    );
  });
});
