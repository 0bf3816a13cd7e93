// Structured request logs: one JSON line per answered request, with a request id that every other
// line logged for the request carries too; the client's X-Request-Id is reused when sane (else a
// new id is made) and echoed in the answer.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import supertest from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let lines: Record<string, unknown>[] = [];
let built: App;
let api: ReturnType<typeof supertest>;
let dataDir: string;

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'trackd-request-log-'));
  const logger = pino(
    { level: 'info', base: { service: 'trackd' } },
    { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
  );
  built = await createApp(loadConfig({ dataDir }, {}), logger);
  api = supertest(built.app);
});
afterAll(async () => {
  await built.close();
  await fs.rm(dataDir, { recursive: true, force: true });
});
beforeEach(() => {
  lines = [];
});

/** The lines logged so far for the request with id `id`. */
const linesOf = (id: string) => lines.filter((l) => l.reqId === id);

describe('request logs', () => {
  it('logs one line per request with method, route template, project, status and timings', async () => {
    const res = await api
      .get('/projects/team-a/api/2.0/mlflow/experiments/get?experiment_id=42')
      .set('X-Request-Id', 'abc-123');
    expect(res.status).toBe(404);
    expect(res.headers['x-request-id']).toBe('abc-123');
    expect(linesOf('abc-123')).toEqual([
      expect.objectContaining({
        level: 40,
        service: 'trackd',
        reqId: 'abc-123',
        method: 'GET',
        route: '/api/2.0/mlflow/experiments/get',
        project: 'team-a',
        status: 404,
        ms: expect.any(Number),
        msg: 'GET /api/2.0/mlflow/experiments/get 404',
      }),
    ]);
  });

  it('reuses a sane X-Request-Id and replaces any other with a new UUID', async () => {
    for (const sane of ['req.1:2_3-4', 'a'.repeat(128), '0af7651916cd43dd8448eb211c80319c']) {
      const res = await api.get('/health').set('X-Request-Id', sane);
      expect(res.headers['x-request-id']).toBe(sane);
      expect(linesOf(sane)).toHaveLength(1);
    }
    for (const insane of ['a'.repeat(129), 'has space', 'quote"d', '<script>', 'a/b', '']) {
      const res = await api.get('/health').set('X-Request-Id', insane);
      const id = res.headers['x-request-id'] as string;
      expect(id).toMatch(UUID);
      expect(linesOf(id)).toHaveLength(1);
      if (insane) expect(JSON.stringify(lines)).not.toContain(insane);
    }
    const res = await api.get('/health');
    expect(res.headers['x-request-id']).toMatch(UUID);
    const other = await api.get('/health');
    expect(other.headers['x-request-id']).not.toBe(res.headers['x-request-id']);
  });

  it('puts the request id on every line logged for the request, not just the last', async () => {
    const res = await api
      .get('/api/2.0/mlflow/experiments/search')
      .set('Host', 'evil.example')
      .set('X-Request-Id', 'refused-host-1');
    expect(res.status).toBe(403);
    const own = linesOf('refused-host-1');
    expect(own.map((l) => l.msg)).toEqual([
      'refused a request for a Host that is not allowed',
      expect.stringMatching(/ 403$/),
    ]);
    // Nothing about this request was logged without its id.
    expect(lines.filter((l) => l.reqId === undefined)).toEqual([]);
  });

  it('never logs credentials or bodies', async () => {
    const res = await api
      .post('/api/2.0/mlflow/experiments/create')
      .set('Authorization', 'Bearer trkd_secret_value')
      .set('Content-Type', 'application/json')
      .set('X-Request-Id', 'no-secrets')
      .send(JSON.stringify({ name: 'body-secret-name' }));
    expect(res.status).toBe(200);
    const text = JSON.stringify(linesOf('no-secrets'));
    expect(text).not.toContain('trkd_secret_value');
    expect(text).not.toContain('body-secret-name');
  });
});
