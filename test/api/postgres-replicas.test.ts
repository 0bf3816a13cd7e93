// Two trackd processes' worth of application (two apps, each with its own connection pools) on one
// PostgreSQL database behave as one server: what one writes the other reads, projects stay apart
// in their schemas, and numbers handed out as "largest + 1" (experiment ids, run keys, model
// versions) are never given twice or skipped, however the writes interleave.
// Needs a PostgreSQL server: TRACKD_TEST_PG_URL (scripts/services/postgres.sh start prints one).
// Without it the file is skipped, except under CI, where it must run.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';

const PG_URL = process.env.TRACKD_TEST_PG_URL;
if (!PG_URL && process.env.CI) {
  throw new Error('TRACKD_TEST_PG_URL must name a PostgreSQL server under CI');
}

interface Replica {
  api: ReturnType<typeof supertest>;
  close: () => Promise<void>;
}

let replicas: Replica[] = [];
let dataDir = '';
let databaseUrl = '';

/** A fresh database on the test server, so runs never see each other's projects. */
async function freshDatabase(serverUrl: string): Promise<string> {
  const name = `trackd_test_${process.pid}_${Date.now()}`;
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`create database "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

const json = (api: Replica['api'], url: string, body: unknown) =>
  api.post(url).set('Content-Type', 'application/json').send(JSON.stringify(body));

describe.skipIf(!PG_URL)('two servers on one PostgreSQL database', () => {
  beforeAll(async () => {
    databaseUrl = await freshDatabase(PG_URL!);
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'trackd-pg-'));
    for (let i = 0; i < 2; i++) {
      const { app, close } = await createApp(
        loadConfig({ dataDir, backendStoreUri: databaseUrl }, {}),
      );
      replicas.push({ api: supertest(app), close });
    }
  });

  afterAll(async () => {
    for (const r of replicas) await r.close();
    replicas = [];
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('answers on one what was written on the other', async () => {
    const [a, b] = replicas;
    const created = await json(a.api, '/api/2.0/mlflow/experiments/create', { name: 'shared' });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const run = await json(b.api, '/api/2.0/mlflow/runs/create', {
      experiment_id: created.body.experiment_id,
    });
    expect(run.status, JSON.stringify(run.body)).toBe(200);
    const runId = run.body.run.info.run_id as string;
    const logged = await json(a.api, '/api/2.0/mlflow/runs/log-metric', {
      run_id: runId,
      key: 'loss',
      value: 0.5,
      timestamp: 1,
      step: 0,
    });
    expect(logged.status, JSON.stringify(logged.body)).toBe(200);
    const got = await b.api.get('/api/2.0/mlflow/runs/get').query({ run_id: runId });
    expect(got.body.run.data.metrics).toEqual([{ key: 'loss', value: 0.5, timestamp: 1, step: 0 }]);
  });

  it('keeps projects apart, each in its own schema', async () => {
    const [a, b] = replicas;
    const inA = await json(a.api, '/projects/team-a/api/2.0/mlflow/experiments/create', {
      name: 'only-in-a',
    });
    expect(inA.status).toBe(200);
    const inB = await json(b.api, '/projects/team-b/api/2.0/mlflow/experiments/create', {
      name: 'only-in-b',
    });
    expect(inB.status).toBe(200);
    const fromB = await b.api
      .get('/projects/team-b/api/2.0/mlflow/experiments/get-by-name')
      .query({ experiment_name: 'only-in-a' });
    expect(fromB.status).toBe(404);
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query(
        "select table_schema from information_schema.tables where table_name = 'experiments' order by 1",
      );
      expect(rows.map((r) => r.table_schema)).toEqual(
        expect.arrayContaining(['p_team_a', 'p_team_b']),
      );
    } finally {
      await client.end();
    }
  });

  it('gives 32 concurrent writers on two servers consecutive numbers, none twice, no 5xx', async () => {
    const prefix = '/projects/busy';
    const [a, b] = replicas;
    const model = await json(a.api, `${prefix}/api/2.0/mlflow/registered-models/create`, {
      name: 'contended',
    });
    expect(model.status, JSON.stringify(model.body)).toBe(200);
    const experiment = await json(b.api, `${prefix}/api/2.0/mlflow/experiments/create`, {
      name: 'contended',
    });
    expect(experiment.status).toBe(200);
    const source = await json(a.api, `${prefix}/api/2.0/mlflow/runs/create`, {
      experiment_id: experiment.body.experiment_id,
    });
    const sourceRun = source.body.run.info.run_id as string;

    const writers = Array.from({ length: 32 }, (_, i) => {
      const api = replicas[i % 2].api;
      return Promise.all([
        json(api, `${prefix}/api/2.0/mlflow/model-versions/create`, {
          name: 'contended',
          source: `runs:/${sourceRun}/model`,
          run_id: sourceRun,
        }),
        json(api, `${prefix}/api/2.0/mlflow/runs/create`, {
          experiment_id: experiment.body.experiment_id,
        }),
        json(api, `${prefix}/api/2.0/mlflow/experiments/create`, { name: `exp-${i}` }),
      ]);
    });
    const answers = (await Promise.all(writers)).flat();
    for (const res of answers) expect(res.status, JSON.stringify(res.body)).toBe(200);

    const versions = answers
      .filter((r) => r.body.model_version)
      .map((r) => Number(r.body.model_version.version))
      .sort((x, y) => x - y);
    expect(versions).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
    const experimentIds = answers
      .filter((r) => r.body.experiment_id)
      .map((r) => Number(r.body.experiment_id));
    expect(new Set(experimentIds).size).toBe(32);
    const runs = await json(a.api, `${prefix}/api/2.0/mlflow/runs/search`, {
      experiment_ids: [experiment.body.experiment_id],
      max_results: 100,
    });
    expect(runs.body.runs).toHaveLength(33);
  });
});
