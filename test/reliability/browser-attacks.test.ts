// A web page must not be able to drive the server through a visitor's browser. DNS rebinding
// (evil.example resolving to 127.0.0.1) shows as a Host the server does not answer; a cross-site
// form post (no CORS preflight needed) shows as an Origin it does not allow. Links in answers come
// from configuration, never from a Host the request made up.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startServer, type ServerProcess } from './support/server-process.js';
import { createRun } from './support/tracking-run.js';
import { multipartForm } from '../support/multipart-form.js';

const EVIL = 'http://evil.example';
const GOOD = 'https://good.example';
const PUBLIC_URL = 'https://trackd.example.com';

let server: ServerProcess;
let configured: ServerProcess;
let runId: string;

beforeAll(async () => {
  [server, configured] = await Promise.all([
    startServer(),
    startServer({ args: ['--cors-allowed-origins', GOOD, '--public-url', PUBLIC_URL] }),
  ]);
  ({ runId } = await createRun(server.port, 'x'));
});

afterAll(async () => {
  for (const s of [server, configured]) {
    await s?.stop();
    if (s) fs.rmSync(s.dataDir, { recursive: true, force: true });
  }
});

function formUpload(port: number, headers: Record<string, string>) {
  const form = multipartForm([{ field: 'file', filename: 'planted.txt', content: 'gotcha' }]);
  return call(port, 'POST', `/api/trackd/v1/runs/${runId}/artifacts`, form.body, {
    'Content-Type': form.contentType,
    ...headers,
  });
}

async function artifactNames(): Promise<string[]> {
  const res = await call(server.port, 'GET', `/api/2.0/mlflow/artifacts/list?run_id=${runId}`);
  return ((res.json as { files?: { path: string }[] }).files ?? []).map((f) => f.path);
}

describe('DNS rebinding', () => {
  it('refuses reads, writes and deletes for a Host that is not allowed', async () => {
    const host = { Host: `evil.example:${server.port}` };
    const attempts = [
      await call(
        server.port,
        'GET',
        '/api/2.0/mlflow/experiments/search?max_results=5',
        undefined,
        host,
      ),
      await call(server.port, 'POST', '/api/2.0/mlflow/experiments/create', { name: 'y' }, host),
      await call(
        server.port,
        'DELETE',
        '/api/3.0/mlflow/workspaces/default?mode=CASCADE',
        undefined,
        host,
      ),
    ];
    for (const res of attempts) {
      expect(res.status).toBe(403);
      expect(res.json).toMatchObject({
        error_code: 'PERMISSION_DENIED',
        message: expect.stringContaining('Invalid Host header'),
      });
    }
    const names = await call(server.port, 'POST', '/api/2.0/mlflow/experiments/search', {});
    expect(JSON.stringify(names.json)).not.toContain('"y"');
  });

  it('still answers loopback names, private addresses and the health check', async () => {
    for (const host of [
      `127.0.0.1:${server.port}`,
      `localhost:${server.port}`,
      '192.168.1.20:5000',
    ]) {
      const res = await call(
        server.port,
        'GET',
        '/api/2.0/mlflow/experiments/get?experiment_id=0',
        undefined,
        { Host: host },
      );
      expect(res.status, host).toBe(200);
    }
    const health = await call(server.port, 'GET', '/health', undefined, { Host: 'evil.example' });
    expect(health.status).toBe(200);
  });

  it('answers the configured public name and builds links from it', async () => {
    const host = { Host: 'trackd.example.com' };
    const exp = await call(
      configured.port,
      'POST',
      '/api/2.0/mlflow/experiments/create',
      { name: 'p' },
      host,
    );
    expect(exp.status).toBe(200);
    const run = await call(configured.port, 'POST', '/api/2.0/mlflow/runs/create', exp.json, host);
    const id = (run.json as { run: { info: { run_id: string } } }).run.info.run_id;
    const experiment = (exp.json as { experiment_id: string }).experiment_id;
    const mpu = await call(
      configured.port,
      'POST',
      `/api/2.0/mlflow-artifacts/mpu/create/${experiment}/${id}/artifacts`,
      { path: 'big.bin', num_parts: 2 },
      { Host: `127.0.0.1:${configured.port}` },
    );
    expect(mpu.status).toBe(200);
    const urls = (mpu.json as { credentials: { url: string }[] }).credentials.map((c) => c.url);
    for (const url of urls) expect(url.startsWith(`${PUBLIC_URL}/api/trackd/v1/mpu/`)).toBe(true);
    const doc = await call(configured.port, 'GET', '/projects/team-a/openapi.json');
    expect((doc.json as { servers: unknown }).servers).toEqual([
      { url: `${PUBLIC_URL}/projects/team-a` },
    ]);
  });
});

describe('cross-site requests', () => {
  it('refuses a cross-site form upload and stores nothing', async () => {
    const res = await formUpload(server.port, { Origin: EVIL });
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ error_code: 'PERMISSION_DENIED' });
    expect(await artifactNames()).toEqual([]);
  });

  it('refuses cross-site simple posts to JSON endpoints', async () => {
    const res = await call(
      server.port,
      'POST',
      '/api/2.0/mlflow/experiments/create',
      { name: 'z' },
      {
        Origin: EVIL,
        'Content-Type': 'text/plain',
      },
    );
    expect(res.status).toBe(403);
  });

  it('accepts the same upload from the server itself, from loopback pages and from an allowed origin', async () => {
    const own = await formUpload(server.port, { Origin: `http://127.0.0.1:${server.port}` });
    expect(own.status).toBe(200);
    expect(await artifactNames()).toEqual(['planted.txt']);

    const exp = await call(
      configured.port,
      'POST',
      '/api/2.0/mlflow/experiments/create',
      { name: 'c' },
      {
        Origin: GOOD,
      },
    );
    expect(exp.status).toBe(200);
    const preflight = await call(
      configured.port,
      'OPTIONS',
      '/api/2.0/mlflow/experiments/create',
      undefined,
      {
        Origin: GOOD,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type',
      },
    );
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(GOOD);
    const refused = await call(
      configured.port,
      'OPTIONS',
      '/api/2.0/mlflow/experiments/create',
      undefined,
      {
        Origin: EVIL,
        'Access-Control-Request-Method': 'POST',
      },
    );
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    console.log(
      'browser attacks: rebinding Host refused (403) for read, write and delete; ' +
        'cross-site form upload refused (403), nothing stored',
    );
  });
});
