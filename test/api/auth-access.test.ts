// GET /api/trackd/v1/access: what the caller may do in the project, as the access check sees it
// (role, token scope and project binding included), so the web UI can hide controls it would refuse.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, PASSWORD } from '../support/auth.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
const URL_A = '/projects/team-a/api/trackd/v1/access';

const access = (url: string, auth?: string) => {
  const req = t.api.get(url);
  return auth ? req.set('Authorization', auth) : req;
};

describe('with --auth basic', () => {
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
    const created = await t.api
      .post('/api/3.0/mlflow/workspaces')
      .set('Authorization', basic('root'))
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ name: 'team-a' }));
    expect(created.status).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('reports each role with what it may do', async () => {
    for (const [user, role, canWrite, canManage] of [
      ['reader', 'read', false, false],
      ['editor', 'edit', true, false],
      ['manager', 'manage', true, true],
      ['root', 'admin', true, true],
    ] as const) {
      const res = await access(URL_A, basic(user));
      expect(res.status, user).toBe(200);
      expect(res.body).toEqual({
        username: user,
        role,
        can_write: canWrite,
        can_manage: canManage,
      });
    }
  });

  it('caps the answer by a read-only token', async () => {
    const { token } = await t.accounts.createToken({
      username: 'manager',
      name: 'ro',
      scope: 'read',
    });
    const res = await access(URL_A, `Bearer ${token}`);
    expect(res.body).toEqual({
      username: 'manager',
      role: 'read',
      can_write: false,
      can_manage: false,
    });
  });

  it('refuses a caller without credentials (401) or without a role in the project (403)', async () => {
    const anonymous = await access(URL_A);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error_code).toBe('UNAUTHENTICATED');
    const outsider = await access(URL_A, basic('outsider'));
    expect(outsider.status).toBe(403);
    expect(outsider.body.error_code).toBe('PERMISSION_DENIED');
  });
});

describe('with --auth none', () => {
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('treats every caller as admin, at the root as below a project', async () => {
    for (const url of ['/api/trackd/v1/access', URL_A]) {
      const res = await access(url);
      expect(res.status, url).toBe(200);
      expect(res.body).toEqual({
        username: 'anonymous',
        role: 'admin',
        can_write: true,
        can_manage: true,
      });
    }
  });
});
