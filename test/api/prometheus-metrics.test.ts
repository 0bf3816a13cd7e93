// Prometheus metrics at GET /metrics: requests counted per endpoint family and status with no id
// in any label, gauges for open projects and database connections (and the hook pooled backends
// report through), Node's process metrics, and who may read them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerMetrics } from '../../src/http/metrics.js';
import type { ProjectRegistry } from '../../src/store/projects.js';
import { basic, PASSWORD } from '../support/auth.js';
import { createExperiment, createRun } from '../support/fixtures.js';
import { post, startTestApp, type TestApp } from '../support/test-app.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition (no label value here holds a quote or comma). */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    expect(match, `not a sample line: ${line}`).not.toBeNull();
    const labels: Record<string, string> = {};
    for (const pair of match![2]?.match(/\w+="[^"]*"/g) ?? []) {
      const eq = pair.indexOf('=');
      labels[pair.slice(0, eq)] = pair.slice(eq + 2, -1);
    }
    samples.push({ name: match![1], labels, value: Number(match![3]) });
  }
  return samples;
}

function sampleValue(
  samples: Sample[],
  name: string,
  labels: Record<string, string>,
): number | undefined {
  return samples.find(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  )?.value;
}

async function scrape(t: TestApp, authorization?: string): Promise<Sample[]> {
  const req = t.api.get('/metrics');
  if (authorization) req.set('Authorization', authorization);
  const res = await req;
  expect(res.status, res.text).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseExposition(res.text);
}

describe('GET /metrics without authentication (--auth none)', () => {
  let t: TestApp;
  let experimentId: string;
  let runId: string;
  let samples: Sample[];

  beforeAll(async () => {
    t = await startTestApp();
    experimentId = await createExperiment(t, 'scraped', '/projects/team-a');
    runId = (await createRun(t, experimentId, {}, '/projects/team-a')).runId;
    // Ids in the query string, in the body and in the path (artifact and trace paths).
    expect(
      (await t.api.get(`/projects/team-a/api/2.0/mlflow/runs/get?run_id=${runId}`)).status,
    ).toBe(200);
    expect(
      (
        await t.api.get(
          `/projects/team-a/api/2.0/mlflow/experiments/get?experiment_id=${experimentId}`,
        )
      ).status,
    ).toBe(200);
    const logged = await post(t, '/projects/team-a/api/2.0/mlflow/runs/log-metric', {
      run_id: runId,
      key: 'loss',
      value: 0.5,
      timestamp: 1,
      step: 1,
    });
    expect(logged.status).toBe(200);
    expect((await t.api.get(`/api/2.0/mlflow/runs/get?run_id=${'f'.repeat(32)}`)).status).toBe(404);
    const uploaded = await t.api
      .put(
        `/projects/team-a/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts/a.txt`,
      )
      .set('Content-Type', 'text/plain')
      .send('hello');
    expect(uploaded.status, uploaded.text).toBe(200);
    expect(
      (
        await t.api.get(
          `/projects/team-a/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts/a.txt`,
        )
      ).status,
    ).toBe(200);
    expect((await t.api.get(`/api/3.0/mlflow/traces/tr-${runId}`)).status).toBe(404);
    expect((await t.api.get(`/no/such/${runId}`)).status).toBe(404);
    expect((await t.api.get('/health')).status).toBe(200);
    samples = await scrape(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('counts requests per endpoint family, method and status', () => {
    const count = (family: string, method: string, status: string) =>
      sampleValue(samples, 'trackd_http_requests_total', { family, method, status });
    expect(count('experiments', 'POST', '200')).toBe(1);
    expect(count('experiments', 'GET', '200')).toBe(1);
    expect(count('runs', 'POST', '200')).toBe(1);
    expect(count('runs', 'GET', '200')).toBe(1);
    expect(count('runs', 'GET', '404')).toBe(1);
    expect(count('metrics', 'POST', '200')).toBe(1);
    expect(count('artifacts', 'PUT', '200')).toBe(1);
    expect(count('artifacts', 'GET', '200')).toBe(1);
    expect(count('traces', 'GET', '404')).toBe(1);
    expect(count('other', 'GET', '404')).toBe(1);
    expect(count('health', 'GET', '200')).toBe(1);
  });

  it('has a latency histogram with the same labels', () => {
    const labels = { family: 'runs', method: 'POST', status: '200' };
    expect(sampleValue(samples, 'trackd_http_request_duration_seconds_count', labels)).toBe(1);
    const sum = sampleValue(samples, 'trackd_http_request_duration_seconds_sum', labels);
    expect(sum).toBeGreaterThan(0);
    expect(
      sampleValue(samples, 'trackd_http_request_duration_seconds_bucket', {
        ...labels,
        le: '+Inf',
      }),
    ).toBe(1);
  });

  it('puts no id, project name or path in any label', () => {
    const values = samples.flatMap((s) => Object.values(s.labels));
    expect(values.length).toBeGreaterThan(0);
    for (const value of values) {
      expect(value).not.toContain(runId);
      expect(value).not.toContain('team-a');
      expect(value).not.toContain('/');
    }
    for (const s of samples.filter((s) => s.name.startsWith('trackd_http_'))) {
      expect([s.labels.family, s.labels.method, s.labels.status]).not.toContain(experimentId);
      expect(s.labels.family).toMatch(/^[a-z_]+$/);
      expect(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'other']).toContain(
        s.labels.method,
      );
      expect(s.labels.status).toMatch(/^[1-5]\d\d$/);
    }
  });

  it('keeps label values bounded however many ids the paths carry', async () => {
    const before = (await scrape(t)).filter((s) => s.name === 'trackd_http_requests_total').length;
    for (let i = 0; i < 20; i++) {
      await t.api.get(`/api/2.0/mlflow/runs/get?run_id=${i}`);
      await t.api.get(`/api/3.0/mlflow/traces/tr-${i}`);
      await t.api.get(`/api/2.0/mlflow-artifacts/artifacts/1/${i}/artifacts/x`);
      await t.api.get(`/random/${i}`);
    }
    const after = (await scrape(t)).filter((s) => s.name === 'trackd_http_requests_total');
    // At most one new series per family and status seen (artifacts 404, the scrape itself).
    expect(after.length - before).toBeLessThanOrEqual(3);
  });

  it('reports open projects, database connections and Node process metrics', () => {
    expect(sampleValue(samples, 'trackd_open_projects', {})).toBeGreaterThanOrEqual(1);
    expect(
      sampleValue(samples, 'trackd_db_connections', { backend: 'sqlite', state: 'open' }),
    ).toBeGreaterThanOrEqual(1);
    const names = new Set(samples.map((s) => s.name));
    expect(names).toContain('process_cpu_user_seconds_total');
    expect(names).toContain('process_resident_memory_bytes');
    expect(names).toContain('nodejs_heap_size_used_bytes');
    expect(names).toContain('nodejs_eventloop_lag_seconds');
  });

  it('is served at the root only, not below a project prefix', async () => {
    const res = await t.api.get('/projects/team-a/metrics');
    expect(res.status).toBe(404);
  });
});

describe('GET /metrics with authentication on', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ auth: 'basic' });
    await t.accounts.addUser('root', PASSWORD, true);
    await t.accounts.addUser('alice', PASSWORD);
  });
  afterAll(async () => {
    await t.close();
  });

  it('asks for credentials, refuses non-admins and serves admins', async () => {
    const anonymous = await t.api.get('/metrics');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toBe('Basic realm="mlflow"');
    const alice = await t.api.get('/metrics').set('Authorization', basic('alice'));
    expect(alice.status).toBe(403);
    expect(alice.body.error_code).toBe('PERMISSION_DENIED');
    const samples = await scrape(t, basic('root'));
    // The refused scrapes were counted too.
    expect(
      sampleValue(samples, 'trackd_http_requests_total', {
        family: 'prometheus',
        method: 'GET',
        status: '401',
      }),
    ).toBe(1);
  });

  it("takes an admin's read-only token, but not one bound to a project", async () => {
    const readOnly = await t.accounts.createToken({
      username: 'root',
      name: 'prometheus',
      scope: 'read',
    });
    await scrape(t, `Bearer ${readOnly.token}`);
    const bound = await t.accounts.createToken({
      username: 'root',
      name: 'one-project',
      scope: 'read',
      project: 'team-a',
    });
    const res = await t.api.get('/metrics').set('Authorization', `Bearer ${bound.token}`);
    expect(res.status).toBe(403);
  });
});

describe('GET /metrics with --metrics-public', () => {
  it('serves anyone while the API still asks for credentials', async () => {
    const t = await startTestApp({ auth: 'basic', metricsPublic: true });
    try {
      await scrape(t);
      expect((await t.api.get('/api/2.0/mlflow/experiments/search')).status).toBe(401);
    } finally {
      await t.close();
    }
  });
});

describe('database connection figures', () => {
  const scrapeOf = async (databases: object) => {
    const projects = { openCount: 3, databases } as unknown as ProjectRegistry;
    return parseExposition((await new ServerMetrics({ endpoints: [], projects }).scrape()).body);
  };

  it("takes a pooled backend's figures from its poolStats() hook", async () => {
    const samples = await scrapeOf({
      kind: 'postgres',
      poolStats: () => ({ open: 7, idle: 5, waiting: 1 }),
    });
    const state = (s: string) =>
      sampleValue(samples, 'trackd_db_connections', { backend: 'postgres', state: s });
    expect([state('open'), state('idle'), state('waiting')]).toEqual([7, 5, 1]);
    expect(sampleValue(samples, 'trackd_open_projects', {})).toBe(3);
  });

  it('reports nothing for a pooled backend without the hook', async () => {
    const samples = await scrapeOf({ kind: 'postgres' });
    expect(samples.filter((s) => s.name === 'trackd_db_connections')).toEqual([]);
  });
});
