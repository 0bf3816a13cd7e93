// What the server does with authentication before and around requests: it will not serve the
// network without authentication unless told to, it makes the first admin from the environment,
// and its logs carry no credential of any kind.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import supertest from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { ensureAdmin } from '../../src/auth/bootstrap.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logging.js';
import { serve } from '../../src/serve.js';
import { ServerStore } from '../../src/store/server/server-store.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trackd-auth-'));
  dirs.push(dir);
  return dir;
};

afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('starting with authentication', () => {
  it('refuses to serve a network address without authentication unless allowed', async () => {
    const config = loadConfig({ host: '0.0.0.0', dataDir: tempDir() }, {});
    await expect(serve(config, silentLogger())).rejects.toThrow(
      /refusing to serve 0\.0\.0\.0 without authentication.*--allow-unauthenticated-network/,
    );
    expect(
      loadConfig({}, { TRACKD_ALLOW_UNAUTHENTICATED_NETWORK: 'true' }).allowUnauthenticatedNetwork,
    ).toBe(true);
  });

  it('creates the first admin from the environment once, and never again over a changed password', async () => {
    const dataDir = tempDir();
    const env = {
      TRACKD_AUTH: 'basic',
      TRACKD_ADMIN_USERNAME: 'boss',
      TRACKD_ADMIN_PASSWORD: 'first long password',
    };
    const app = await createApp(loadConfig({ dataDir }, env));
    try {
      expect(await ensureAdmin(app.serverStore, loadConfig({ dataDir }, env))).toBe('created');
      const later = { ...env, TRACKD_ADMIN_PASSWORD: 'another long password' };
      expect(await ensureAdmin(app.serverStore, loadConfig({ dataDir }, later))).toBe('exists');
      const auth = `Basic ${Buffer.from('boss:first long password').toString('base64')}`;
      const res = await supertest(app.app)
        .get('/api/2.0/mlflow/users/current')
        .set('Authorization', auth);
      expect(res.body.user).toMatchObject({ username: 'boss', is_admin: true });
      const fresh = await ServerStore.open({ dataDir: tempDir() });
      await expect(
        ensureAdmin(fresh, loadConfig({}, { ...env, TRACKD_ADMIN_PASSWORD: 'short' })),
      ).rejects.toThrow('TRACKD_ADMIN_PASSWORD must be at least 12 characters.');
      await fresh.close();
    } finally {
      await app.close();
    }
  });

  it('logs no password, token or Authorization header, whether they are right or wrong', async () => {
    let output = '';
    const sink = new Writable({
      write(chunk, _encoding, done) {
        output += String(chunk);
        done();
      },
    });
    const logger = pino({ level: 'trace' }, sink);
    const app = await createApp(loadConfig({ dataDir: tempDir(), auth: 'basic' }, {}), logger);
    try {
      await app.accounts.addUser('kim', 'kims secret password', true);
      const { token } = await app.accounts.createToken({
        username: 'kim',
        name: 'x',
        scope: 'write',
      });
      const api = supertest(app.app);
      const secrets = ['kims secret password', 'wrong secret password', token];
      for (const auth of [
        `Basic ${Buffer.from('kim:kims secret password').toString('base64')}`,
        `Basic ${Buffer.from('kim:wrong secret password').toString('base64')}`,
        `Bearer ${token}`,
        `Bearer ${token.slice(0, -2)}xx`,
      ]) {
        await api
          .post('/api/2.0/mlflow/experiments/create')
          .set('Authorization', auth)
          .send({ name: 'x' });
        secrets.push(auth.split(' ')[1]);
      }
      expect(output).toContain('"status":401');
      expect(output).toContain('"status":200');
      for (const secret of secrets) expect(output).not.toContain(secret);
      // The secret part alone (it may itself hold underscores: base64url).
      expect(output).not.toContain(token.split('_').slice(2).join('_'));
      expect(output.toLowerCase()).not.toContain('authorization');
    } finally {
      await app.close();
    }
  });
});
