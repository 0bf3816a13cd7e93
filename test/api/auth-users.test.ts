// MLflow's user API on trackd (what AuthServiceClient calls), the per-user permission calls
// mapped onto project roles, trackd's token and role endpoints, and the trusted-header mode.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../support/fixtures.js';
import { basic, PASSWORD } from '../support/auth.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

function call(
  t: TestApp,
  auth: string,
  method: 'get' | 'post' | 'patch' | 'delete',
  url: string,
  body?: unknown,
) {
  const req = t.api[method](url).set('Authorization', auth);
  if (method === 'get') return req.query((body ?? {}) as Record<string, string>);
  return req.set('Content-Type', 'application/json').send(JSON.stringify(body ?? {}));
}

describe("users over MLflow's API", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ auth: 'basic' });
    await t.accounts.addUser('root', PASSWORD, true);
  });
  afterAll(async () => {
    await t?.close();
  });
  const U = '/api/2.0/mlflow/users';

  it('creates, gets, lists and deletes users as MLflow answers', async () => {
    const created = await call(t, basic('root'), 'post', `${U}/create`, {
      username: 'bob',
      password: PASSWORD,
    });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      user: { id: expect.any(Number), username: 'bob', is_admin: false },
    });
    expectError(
      await call(t, basic('root'), 'post', `${U}/create`, { username: 'bob', password: PASSWORD }),
      400,
      'RESOURCE_ALREADY_EXISTS',
      'User (username=bob) already exists.',
    );
    expectError(
      await call(t, basic('root'), 'post', `${U}/create`, { username: 'eve', password: 'short' }),
      400,
      'INVALID_PARAMETER_VALUE',
      'Password must be at least 12 characters.',
    );
    expect(
      (await call(t, basic('bob'), 'get', `${U}/get`, { username: 'bob' })).body.user.username,
    ).toBe('bob');
    expectError(
      await call(t, basic('bob'), 'get', `${U}/get`, { username: 'root' }),
      403,
      'PERMISSION_DENIED',
    );
    expectError(await call(t, basic('bob'), 'get', `${U}/list`), 403, 'PERMISSION_DENIED');
    const list = await call(t, basic('root'), 'get', `${U}/list`);
    expect(list.body.users.map((u: { username: string }) => u.username)).toEqual(['bob', 'root']);
    const current = await call(t, basic('bob'), 'get', `${U}/current`);
    expect(current.body).toEqual({
      user: { id: expect.any(Number), username: 'bob', is_admin: false },
      is_basic_auth: true,
    });
    expectError(
      await call(t, basic('root'), 'delete', `${U}/delete`, { username: 'root' }),
      400,
      'BAD_REQUEST',
      'Users cannot delete their own account.',
    );
    expect(
      (await call(t, basic('root'), 'delete', `${U}/delete`, { username: 'bob' })).status,
    ).toBe(200);
    expectError(await call(t, basic('bob'), 'get', `${U}/current`), 401, 'UNAUTHENTICATED');
    expectError(
      await call(t, basic('root'), 'get', `${U}/get`, { username: 'bob' }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
      'User with username=bob not found',
    );
  });

  it('changes your own password only with the current one, and the old one stops working', async () => {
    await t.accounts.addUser('carol', PASSWORD);
    const change = (body: unknown, auth = basic('carol')) =>
      call(t, auth, 'patch', `${U}/update-password`, body);
    expectError(
      await change({ username: 'carol', password: 'a new long password' }),
      400,
      'INVALID_PARAMETER_VALUE',
      'Current password is required',
    );
    expectError(
      await change({
        username: 'carol',
        password: 'a new long password',
        current_password: 'not it at all',
      }),
      400,
      'INVALID_PARAMETER_VALUE',
      'Current password does not match.',
    );
    expectError(
      await change({ username: 'root', password: 'a new long password' }),
      403,
      'PERMISSION_DENIED',
    );
    const ok = await change({
      username: 'carol',
      password: 'a new long password',
      current_password: PASSWORD,
    });
    expect(ok.status).toBe(200);
    expectError(await call(t, basic('carol'), 'get', `${U}/current`), 401, 'UNAUTHENTICATED');
    expect(
      (await call(t, basic('carol', 'a new long password'), 'get', `${U}/current`)).status,
    ).toBe(200);
  });

  it('makes an admin and takes it back', async () => {
    await t.accounts.addUser('dave', PASSWORD);
    expectError(
      await call(t, basic('dave'), 'patch', `${U}/update-admin`, {
        username: 'dave',
        is_admin: true,
      }),
      403,
      'PERMISSION_DENIED',
    );
    await call(t, basic('root'), 'patch', `${U}/update-admin`, {
      username: 'dave',
      is_admin: true,
    });
    expect((await call(t, basic('dave'), 'get', `${U}/list`)).status).toBe(200);
    await call(t, basic('root'), 'patch', `${U}/update-admin`, {
      username: 'dave',
      is_admin: false,
    });
    expectError(await call(t, basic('dave'), 'get', `${U}/list`), 403, 'PERMISSION_DENIED');
  });

  it('maps a permission on every experiment of a workspace onto the role there, and refuses single ones', async () => {
    await t.accounts.addUser('erin', PASSWORD);
    const P = '/projects/team-x/api/3.0/mlflow/users/permissions';
    const grant = (permission: string, resource_id = '*') =>
      call(t, basic('root'), 'post', `${P}/grant`, {
        username: 'erin',
        resource_type: 'experiment',
        resource_id,
        permission,
      });
    expect((await grant('EDIT')).status).toBe(200);
    const get = await call(t, basic('root'), 'get', `${P}/get`, {
      username: 'erin',
      resource_type: 'experiment',
      resource_id: '*',
    });
    expect(get.body).toEqual({ allowed: true, permission: 'EDIT' });
    const created = await call(
      t,
      basic('erin'),
      'post',
      '/projects/team-x/api/2.0/mlflow/experiments/create',
      { name: 'e' },
    );
    expect(created.status).toBe(200);
    expectError(await grant('EDIT', '12'), 400, 'INVALID_PARAMETER_VALUE', "use resource_id '*'");
    expectError(await grant('OWNER'), 400, 'INVALID_PARAMETER_VALUE', "Invalid permission 'OWNER'");
    expect(
      (
        await call(t, basic('root'), 'post', `${P}/revoke`, {
          username: 'erin',
          resource_type: 'experiment',
          resource_id: '*',
        })
      ).status,
    ).toBe(200);
    expectError(
      await call(t, basic('erin'), 'post', '/projects/team-x/api/2.0/mlflow/experiments/create', {
        name: 'f',
      }),
      403,
      'PERMISSION_DENIED',
    );
  });

  it("answers MLflow's per-experiment and roles APIs with what to use instead", async () => {
    for (const [method, url] of [
      ['post', '/projects/team-x/api/2.0/mlflow/experiments/permissions/create'],
      ['get', '/projects/team-x/api/3.0/mlflow/roles/list'],
    ] as const) {
      expectError(
        await call(t, basic('root'), method, url, {
          experiment_id: '1',
          username: 'erin',
          permission: 'EDIT',
        }),
        400,
        'INVALID_PARAMETER_VALUE',
        'trackd grants roles per project',
      );
    }
  });

  it('creates, lists and revokes tokens over REST, never broader than the token asking', async () => {
    await t.accounts.addUser('frank', PASSWORD);
    await t.accounts.grant('frank', 'team-y', 'edit');
    const made = await call(t, basic('frank'), 'post', '/api/trackd/v1/tokens', {
      name: 'ci',
      scope: 'read',
    });
    expect(made.status).toBe(201);
    expect(made.body.token).toMatch(/^trkd_/);
    expect(made.body.token_info).toMatchObject({ name: 'ci', username: 'frank', scope: 'read' });
    const readToken = `Bearer ${made.body.token}`;
    expectError(
      await call(t, readToken, 'post', '/api/trackd/v1/tokens', { name: 'wider', scope: 'write' }),
      403,
      'PERMISSION_DENIED',
      'read-only token',
    );
    const listed = await call(t, basic('frank'), 'get', '/api/trackd/v1/tokens');
    expect(listed.body.tokens).toHaveLength(1);
    expect(JSON.stringify(listed.body)).not.toContain(made.body.token.split('_')[2]);
    const revoked = await call(t, basic('frank'), 'post', '/api/trackd/v1/tokens/revoke', {
      token_id: made.body.token_info.token_id,
    });
    expect(revoked.status).toBe(200);
    expectError(
      await call(t, readToken, 'get', '/projects/team-y/api/2.0/mlflow/experiments/search'),
      401,
      'UNAUTHENTICATED',
      'revoked',
    );
  });

  it('lets a project manager set roles there, and nowhere else', async () => {
    await t.accounts.addUser('gina', PASSWORD);
    await t.accounts.addUser('hank', PASSWORD);
    await t.accounts.grant('gina', 'team-z', 'manage');
    const set = (project: string) =>
      call(t, basic('gina'), 'post', `/projects/${project}/api/trackd/v1/roles`, {
        username: 'hank',
        role: 'edit',
      });
    expect((await set('team-z')).status).toBe(200);
    expectError(await set('team-w'), 403, 'PERMISSION_DENIED');
    const roles = await call(t, basic('gina'), 'get', '/projects/team-z/api/trackd/v1/roles');
    expect(roles.body.roles).toEqual([
      { username: 'gina', role: 'manage' },
      { username: 'hank', role: 'edit' },
    ]);
  });
});

describe('trusted-header mode', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ auth: 'trusted-header', trustedProxies: '127.0.0.1' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('takes the user from the header of a trusted proxy, with no role until granted', async () => {
    const url = '/projects/team-a/api/2.0/mlflow/experiments/search';
    expectError(
      await t.api.get(url).set('X-Forwarded-User', 'ivy'),
      403,
      'PERMISSION_DENIED',
      "'ivy' needs the 'read' role",
    );
    await t.accounts.grant('ivy', 'team-a', 'read');
    expect((await t.api.get(url).set('X-Forwarded-User', 'ivy')).status).toBe(200);
    expectError(await t.api.get(url), 401, 'UNAUTHENTICATED');
  });

  it('ignores the header from an address that is not a trusted proxy', async () => {
    const other = await startTestApp({ auth: 'trusted-header', trustedProxies: '10.0.0.5' });
    try {
      expectError(
        await other.api.get('/api/3.0/mlflow/workspaces').set('X-Forwarded-User', 'mallory'),
        401,
        'UNAUTHENTICATED',
        'only trusted from the configured proxies',
      );
    } finally {
      await other.close();
    }
  });
});
