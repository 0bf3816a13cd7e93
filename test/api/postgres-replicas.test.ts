// Two trackd processes' worth of application (two apps, each with its own connection pools and its
// own data dir) on one PostgreSQL database behave as one server: what one writes the other reads,
// projects stay apart in their schemas, numbers handed out as "largest + 1" (experiment ids, run
// keys, model versions) are never given twice or skipped, however the writes interleave, and the
// users, tokens and roles one server changes hold on the other at its next request.
// Needs a PostgreSQL server: TRACKD_TEST_PG_URL (scripts/services/postgres.sh start prints one).
// Without it the file is skipped, except under CI, where it must run.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import type { Accounts } from '../../src/auth/accounts.js';
import { loadConfig, type ConfigFlags } from '../../src/config.js';
import { basic, PASSWORD } from '../support/auth.js';
import { freshDatabase, PG_URL } from '../support/postgres.js';

interface Replica {
  api: ReturnType<typeof supertest>;
  accounts: Accounts;
  close: () => Promise<void>;
}

const dataDirs: string[] = [];

/** Two servers on `databaseUrl`, each with a data dir of its own (nothing shared but the database). */
async function startReplicas(databaseUrl: string, flags: ConfigFlags = {}): Promise<Replica[]> {
  const started: Replica[] = [];
  for (let i = 0; i < 2; i++) {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'trackd-pg-'));
    dataDirs.push(dataDir);
    const { app, accounts, close } = await createApp(
      loadConfig({ ...flags, dataDir, backendStoreUri: databaseUrl }, {}),
    );
    started.push({ api: supertest(app), accounts, close });
  }
  return started;
}

let replicas: Replica[] = [];
let databaseUrl = '';

const json = (api: Replica['api'], url: string, body: unknown) =>
  api.post(url).set('Content-Type', 'application/json').send(JSON.stringify(body));

describe.skipIf(!PG_URL)('two servers on one PostgreSQL database', () => {
  beforeAll(async () => {
    databaseUrl = await freshDatabase(PG_URL!);
    replicas = await startReplicas(databaseUrl);
  });

  afterAll(async () => {
    for (const r of replicas) await r.close();
    replicas = [];
    for (const dir of dataDirs.splice(0)) await fs.rm(dir, { recursive: true, force: true });
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

  it('forgets on one a project the other deleted, and makes it anew on the next write', async () => {
    const [a, b] = replicas;
    const prefix = '/projects/short-lived/api/2.0/mlflow';
    const created = await json(b.api, `${prefix}/experiments/create`, { name: 'gone-soon' });
    expect(created.status).toBe(200);
    const deleted = await a.api
      .delete('/api/3.0/mlflow/workspaces/short-lived')
      .query({ mode: 'CASCADE' });
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(204);
    // b still has the project open; it must answer as for a project that was never made.
    const read = await b.api
      .get(`${prefix}/experiments/get-by-name`)
      .query({ experiment_name: 'gone-soon' });
    expect(read.status, JSON.stringify(read.body)).toBe(404);
    expect(read.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    const again = await json(b.api, `${prefix}/experiments/create`, { name: 'gone-soon' });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    const fromA = await a.api
      .get(`${prefix}/experiments/get-by-name`)
      .query({ experiment_name: 'gone-soon' });
    expect(fromA.status).toBe(200);
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

describe.skipIf(!PG_URL)('two servers with sign-in on one PostgreSQL database', () => {
  let signedIn: Replica[] = [];

  beforeAll(async () => {
    signedIn = await startReplicas(await freshDatabase(PG_URL!), { auth: 'basic' });
  });

  afterAll(async () => {
    for (const r of signedIn) await r.close();
    for (const dir of dataDirs.splice(0)) await fs.rm(dir, { recursive: true, force: true });
  });

  const listExperiments = (r: Replica, auth: string) =>
    r.api
      .get('/projects/shared/api/2.0/mlflow/experiments/search')
      .query({ max_results: 10 })
      .set('Authorization', auth);

  it('signs in on one the users, tokens and roles made on the other, and drops them at once', async () => {
    const [a, b] = signedIn;
    await a.accounts.addUser('ada', PASSWORD);
    expect((await listExperiments(b, basic('ada'))).status).toBe(403);
    await a.accounts.grant('ada', 'shared', 'read');
    expect((await listExperiments(b, basic('ada'))).status).toBe(200);

    const { token, info } = await b.accounts.createToken({
      username: 'ada',
      name: 'ci',
      scope: 'read',
    });
    expect((await listExperiments(a, `Bearer ${token}`)).status).toBe(200);
    // Each server has answered with the token just now; a revoke through the other one still
    // holds on the very next request (nothing kept in memory on a shared store).
    expect((await listExperiments(b, `Bearer ${token}`)).status).toBe(200);
    expect(await a.accounts.store.revokeToken(info.public_id)).toBe(true);
    const revoked = await listExperiments(b, `Bearer ${token}`);
    expect(revoked.status).toBe(401);
    expect(revoked.body.error_code).toBe('UNAUTHENTICATED');

    await b.accounts.grant('ada', 'shared', 'none');
    expect((await listExperiments(a, basic('ada'))).status).toBe(403);
    await b.accounts.removeUser('ada');
    expect((await listExperiments(a, basic('ada'))).status).toBe(401);
  });
});
