// Every endpoint of the table × every kind of caller × Basic and Bearer: the status the access
// class promises (401 without valid credentials, 403 without the role, neither when allowed), and
// no denied request changes anything. Generated from the endpoint table, so a new endpoint is
// covered the day it is added, and one without an access class fails here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allEndpoints } from '../../src/api/endpoints.js';
import { ACCESS_CLASSES, atLeast, type Standing } from '../../src/auth/roles.js';
import type { AnyEndpoint } from '../../src/http/endpoint.js';
import { basic, expiredToken, PASSWORD } from '../support/auth.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
const PROJECT = 'team-a';

interface Caller {
  name: string;
  auth?: string;
  /** What it holds in PROJECT; undefined when its credentials are not valid at all. */
  standing?: Standing;
}
let callers: Caller[];

/** A concrete URL for the endpoint's first path: parameters get harmless made-up values. */
function urlOf(endpoint: AnyEndpoint): string {
  const prefix = (endpoint.prefixes ?? ['/api'])[0];
  const workspace = endpoint.access === 'admin' ? 'doomed' : PROJECT;
  const path = endpoint.paths[0]
    .replace(':workspace_name', workspace)
    .replace(/:[a-z_]+/g, 'made-up')
    .replace(/\*[a-z_]+$/, '0/made-up/artifacts/file.txt');
  return endpoint.scope === 'server' ? `${prefix}${path}` : `/projects/${PROJECT}${prefix}${path}`;
}

function send(endpoint: AnyEndpoint, auth: string | undefined) {
  const method = endpoint.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
  let req = t.api[method](urlOf(endpoint));
  if (auth) req = req.set('Authorization', auth);
  if (endpoint.method === 'GET') return req;
  if (endpoint.kind === 'stream' && endpoint.method === 'PUT') {
    return req.set('Content-Type', 'application/octet-stream').send(Buffer.from('x'));
  }
  return req.set('Content-Type', 'application/json').send('{}');
}

function allowed(endpoint: AnyEndpoint, standing: Standing): boolean {
  // Listing projects is open to every signed-in caller (the answer is filtered instead).
  if (endpoint.scope === 'server' && !endpoint.paths[0].includes(':workspace_name')) {
    return endpoint.access === 'read' || standing === 'admin';
  }
  return atLeast(standing, endpoint.access);
}

/** What an admin sees of PROJECT: changed by any write that got through. */
async function snapshot(): Promise<string> {
  const root = (r: ReturnType<typeof t.api.get>) => r.set('Authorization', basic('root'));
  const base = `/projects/${PROJECT}/api/2.0/mlflow`;
  const post = (url: string, body: unknown) =>
    root(t.api.post(url))
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(body))
      .then((r) => r.body as unknown);
  const experiments = (await post(`${base}/experiments/search`, {
    view_type: 'ALL',
    max_results: 1000,
  })) as { experiments: { experiment_id: string }[] };
  const ids = experiments.experiments.map((e) => e.experiment_id);
  return JSON.stringify([
    experiments,
    await post(`${base}/runs/search`, { experiment_ids: ids, run_view_type: 'ALL' }),
    (await root(t.api.get(`${base}/registered-models/search`))).body,
    await post(`/projects/${PROJECT}/api/2.0/mlflow/logged-models/search`, {
      experiment_ids: ids,
    }),
    (await root(t.api.get(`/projects/${PROJECT}/api/2.0/mlflow-artifacts/artifacts`))).body,
    (await root(t.api.get(`/api/3.0/mlflow/workspaces/${PROJECT}`))).body,
  ]);
}

beforeAll(async () => {
  t = await startTestApp({ auth: 'basic' });
  const { accounts } = t;
  await accounts.addUser('root', PASSWORD, true);
  for (const [user, role, project] of [
    ['reader', 'read', PROJECT],
    ['editor', 'edit', PROJECT],
    ['manager', 'manage', PROJECT],
    ['outsider', 'edit', 'team-b'],
  ]) {
    await accounts.addUser(user, PASSWORD);
    await accounts.grant(user, project, role);
  }
  await accounts.addUser('guessed-at', PASSWORD);
  const token = async (user: string) =>
    `Bearer ${(await accounts.createToken({ username: user, name: 'matrix', scope: 'write' })).token}`;
  const expired = await expiredToken(accounts, 'editor');
  const revoked = await accounts.createToken({ username: 'editor', name: 'gone', scope: 'write' });
  await accounts.store.revokeToken(revoked.info.public_id);

  callers = [
    { name: 'no credentials' },
    { name: 'wrong password', auth: basic('guessed-at', 'not the password') },
    { name: 'expired token', auth: `Bearer ${expired}` },
    { name: 'revoked token', auth: `Bearer ${revoked.token}` },
  ];
  for (const [user, standing] of [
    ['reader', 'read'],
    ['editor', 'edit'],
    ['manager', 'manage'],
    ['root', 'admin'],
    ['outsider', 'none'],
  ] as const) {
    callers.push({ name: `${user} (Basic)`, auth: basic(user), standing });
    callers.push({ name: `${user} (Bearer)`, auth: await token(user), standing });
  }

  // Something in the project for denied writes to spoil.
  const root = basic('root');
  const json = (url: string, body: unknown) =>
    t.api
      .post(url)
      .set('Authorization', root)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(body));
  expect((await json('/api/3.0/mlflow/workspaces', { name: PROJECT })).status).toBe(201);
  const base = `/projects/${PROJECT}/api/2.0/mlflow`;
  const exp = await json(`${base}/experiments/create`, { name: 'kept' });
  const run = await json(`${base}/runs/create`, { experiment_id: exp.body.experiment_id });
  await json(`${base}/runs/log-metric`, {
    run_id: run.body.run.info.run_id,
    key: 'm',
    value: 1,
    timestamp: 1,
  });
  await json(`${base}/registered-models/create`, { name: 'kept-model' });
});

afterAll(async () => {
  await t?.close();
});

describe('the access matrix', () => {
  it('classifies every endpoint', () => {
    for (const endpoint of allEndpoints) {
      expect(ACCESS_CLASSES, `${endpoint.method} ${endpoint.paths[0]}`).toContain(endpoint.access);
    }
  });

  it('gives searches to read, deletions to manage and projects to admins', () => {
    const accessOf = (method: string, path: string) =>
      allEndpoints.find((e) => e.method === method && e.paths.some((p) => p.endsWith(path)))
        ?.access;
    for (const e of allEndpoints.filter((e) => e.paths.some((p) => p.endsWith('/search')))) {
      expect(e.access, `${e.method} ${e.paths[0]}`).toBe('read');
    }
    expect(accessOf('POST', '/experiments/delete')).toBe('manage');
    expect(accessOf('POST', '/runs/delete')).toBe('manage');
    expect(accessOf('DELETE', '/registered-models/delete')).toBe('manage');
    expect(accessOf('DELETE', '/model-versions/delete')).toBe('manage');
    expect(accessOf('POST', '/runs/log-batch')).toBe('edit');
    expect(accessOf('POST', '/3.0/mlflow/workspaces')).toBe('admin');
    expect(accessOf('DELETE', '/workspaces/:workspace_name')).toBe('admin');
  });

  it('refuses every endpoint without valid credentials (401) or the role (403), changing nothing', async () => {
    const before = await snapshot();
    const wrong: string[] = [];
    let refused = 0;
    for (const caller of callers) {
      for (const endpoint of allEndpoints) {
        const expected =
          caller.standing === undefined ? 401 : allowed(endpoint, caller.standing) ? null : 403;
        if (expected === null) continue;
        const res = await send(endpoint, caller.auth);
        refused++;
        // Past ten wrong passwords a minute the user is throttled: 429 before any check.
        const throttled = caller.name === 'wrong password' && res.status === 429;
        if ((res.status !== expected && !throttled) || !res.body?.error_code) {
          wrong.push(
            `${caller.name} ${endpoint.method} ${urlOf(endpoint)}: ${res.status}, expected ${expected}`,
          );
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(refused).toBeGreaterThan(allEndpoints.length * 4);
    expect(await snapshot()).toBe(before);
  });

  it('lets every caller through where its role allows', async () => {
    const wrong: string[] = [];
    for (const caller of callers) {
      if (caller.standing === undefined) continue;
      for (const endpoint of allEndpoints) {
        if (!allowed(endpoint, caller.standing)) continue;
        const res = await send(endpoint, caller.auth);
        if (res.status === 401 || res.status === 403) {
          wrong.push(
            `${caller.name} ${endpoint.method} ${urlOf(endpoint)}: ${res.status} ${res.body?.message}`,
          );
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});
