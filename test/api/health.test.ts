// Liveness and identity: /health, /version and MLflow 3's server-info capability probe.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.js';

const packageVersion = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('health and version', () => {
  it('answers GET /health with 200 OK in plain text', async () => {
    const res = await t.api.get('/health');
    expect(res.status).toBe(200);
    expect(res.text).toBe('OK');
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
  });

  it('answers /health below a project prefix too', async () => {
    const res = await t.api.get('/projects/team-a/health');
    expect(res.status).toBe(200);
    expect(res.text).toBe('OK');
  });

  it('answers GET /version with the MLflow API version served, as plain text', async () => {
    const res = await t.api.get('/version');
    expect(res.status).toBe(200);
    expect(res.text).toBe('3.17.2');
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
  });

  it("keeps trackd's own version in a header and at /api/trackd/v1/version", async () => {
    expect((await t.api.get('/version')).headers['x-trackd-version']).toBe(packageVersion);
    expect((await t.api.get('/health')).headers['x-trackd-version']).toBe(packageVersion);
    const res = await t.api.get('/api/trackd/v1/version');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ version: packageVersion, mlflow_api_version: '3.17.2' });
    const scoped = await t.api.get('/projects/team-a/api/trackd/v1/version');
    expect(scoped.body.version).toBe(packageVersion);
  });
});

describe('server-info', () => {
  it('reports a SQL store with workspaces enabled', async () => {
    const res = await t.api.get('/api/3.0/mlflow/server-info');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ store_type: 'SqlStore', workspaces_enabled: true });
    expect(typeof res.body.multipart_uploads_enabled).toBe('boolean');
  });

  it('is served under /ajax-api and below a project prefix', async () => {
    for (const url of [
      '/ajax-api/3.0/mlflow/server-info',
      '/projects/team-a/api/3.0/mlflow/server-info',
    ]) {
      const res = await t.api.get(url);
      expect(res.status, url).toBe(200);
      expect(res.body.workspaces_enabled).toBe(true);
    }
  });
});

describe('ajax-api ui-telemetry', () => {
  const URL_ = '/ajax-api/3.0/mlflow/ui-telemetry';
  it('tells the web UI telemetry is disabled, at the root and below a project', async () => {
    for (const url of [URL_, `/projects/team-a${URL_}`]) {
      const res = await t.api.get(url);
      expect(res.status, url).toBe(200);
      expect(res.body).toEqual({
        disable_ui_telemetry: true,
        disable_ui_events: [],
        ui_rollout_percentage: 0,
      });
    }
  });

  it("accepts the UI's records and answers 'disabled', so it stops sending", async () => {
    const records = [{ event_name: 'x', timestamp_ns: 1, params: {}, session_id: 's' }];
    const res = await t.api.post(URL_).send({ records });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'disabled' });
    expect((await t.api.post('/api/3.0/mlflow/ui-telemetry').send({})).status).toBe(404);
  });
});
