// Project scoping at the edge: the /projects/<name> prefix, MLflow's X-MLFLOW-WORKSPACE header, the
// root and /ajax-api paths, name validation before anything touches the disk, and isolation.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createExperiment, createRun, expectError } from '../support/fixtures.js';
import { post, projectFolders, startTestApp, type TestApp } from '../support/test-app.js';

const CREATE = 'api/2.0/mlflow/experiments/create';
const GET_BY_NAME = 'api/2.0/mlflow/experiments/get-by-name';

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp();
});
afterEach(async () => {
  await t.close();
});

function dataDirEntries(): string[] {
  return projectFolders(t);
}

async function findByName(prefix: string, name: string) {
  return t.api.get(`${prefix}/${GET_BY_NAME}`).query({ experiment_name: name });
}

describe('choosing a project', () => {
  it('uses the /projects/<name> prefix', async () => {
    const id = await createExperiment(t, 'scoped', '/projects/team-a');
    const inProject = await findByName('/projects/team-a', 'scoped');
    expect(inProject.status).toBe(200);
    expect(inProject.body.experiment).toMatchObject({ experiment_id: id, workspace: 'team-a' });
    expectError(await findByName('', 'scoped'), 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  it('serves /projects/<name>/ajax-api as the same project', async () => {
    await createExperiment(t, 'via-api', '/projects/team-a');
    const ajax = await t.api
      .get('/projects/team-a/ajax-api/2.0/mlflow/experiments/get-by-name')
      .query({ experiment_name: 'via-api' });
    expect(ajax.status).toBe(200);
    expect(ajax.body.experiment.workspace).toBe('team-a');
  });

  it('serves /ajax-api at the root as the default project', async () => {
    const res = await post(t, '/ajax-api/2.0/mlflow/experiments/create', { name: 'ajax' });
    expect(res.status).toBe(200);
    const got = await findByName('', 'ajax');
    expect(got.status).toBe(200);
    expect(got.body.experiment.workspace).toBe('default');
    expect(dataDirEntries()).toEqual(['default']);
  });

  it('serves /api/3.0 paths at the root and below a project prefix', async () => {
    expect((await t.api.get('/api/3.0/mlflow/server-info')).status).toBe(200);
    expect((await t.api.get('/projects/team-a/api/3.0/mlflow/server-info')).status).toBe(200);
    expect((await t.api.get('/projects/team-a/api/3.0/mlflow/workspaces')).status).toBe(200);
  });

  it('uses the X-MLFLOW-WORKSPACE header when there is no prefix', async () => {
    const res = await post(t, `/${CREATE}`, { name: 'by-header' }).set(
      'X-MLFLOW-WORKSPACE',
      'team-b',
    );
    expect(res.status).toBe(200);
    expect((await findByName('/projects/team-b', 'by-header')).status).toBe(200);
    expectError(await findByName('', 'by-header'), 404, 'RESOURCE_DOES_NOT_EXIST');
    expect(fs.existsSync(path.join(t.dataDir, 'team-b', 'mlflow.db'))).toBe(true);
  });

  it('accepts a prefix and a header that name the same project', async () => {
    const res = await post(t, `/projects/team-a/${CREATE}`, { name: 'agree' }).set(
      'X-MLFLOW-WORKSPACE',
      'team-a',
    );
    expect(res.status).toBe(200);
  });

  it('rejects a prefix and a header that disagree with 400, writing nothing', async () => {
    const res = await post(t, `/projects/team-a/${CREATE}`, { name: 'clash' }).set(
      'X-MLFLOW-WORKSPACE',
      'team-b',
    );
    expectError(res, 400, 'INVALID_PARAMETER_VALUE', 'disagree');
    expect(dataDirEntries()).toEqual([]);
  });

  it('rejects an invalid project name in the header', async () => {
    const res = await post(t, `/${CREATE}`, { name: 'bad-header' }).set(
      'X-MLFLOW-WORKSPACE',
      'Team_B',
    );
    expectError(res, 400, 'INVALID_PARAMETER_VALUE', "Workspace name 'Team_B'");
    expect(dataDirEntries()).toEqual([]);
  });

  it('treats an empty header as no header', async () => {
    const res = await post(t, `/${CREATE}`, { name: 'empty-header' }).set('X-MLFLOW-WORKSPACE', '');
    expect(res.status).toBe(200);
    expect((await findByName('', 'empty-header')).status).toBe(200);
  });
});

describe('invalid project names in the prefix', () => {
  const tmp = os.tmpdir();
  const outside = () => ({
    db: fs.existsSync(path.join(tmp, 'mlflow.db')),
    artifacts: fs.existsSync(path.join(tmp, 'artifacts')),
  });

  it.each([
    ['..', 'must match the pattern'],
    ['%2e%2e', 'must match the pattern'],
    ['%2E%2E', 'must match the pattern'],
    ['.', 'must be between 2 and 63 characters'],
    ['Team-A', 'must match the pattern'],
    ['a', 'must be between 2 and 63 characters'],
    ['x'.repeat(64), 'must be between 2 and 63 characters'],
    ['api', 'is reserved and cannot be used'],
    ['ajax-api', 'is reserved and cannot be used'],
    ['ab%00', 'must match the pattern'],
    ['a%2Fb', 'must match the pattern'],
    ['a%5Cb', 'must match the pattern'],
    ['-ab', 'must match the pattern'],
  ])('rejects %s with 400 INVALID_PARAMETER_VALUE and creates no folder', async (name, message) => {
    const before = outside();
    const res = await post(t, `/projects/${name}/${CREATE}`, { name: 'evil' });
    expectError(res, 400, 'INVALID_PARAMETER_VALUE', message);
    const read = await t.api
      .get(`/projects/${name}/${GET_BY_NAME}`)
      .query({ experiment_name: 'x' });
    expectError(read, 400, 'INVALID_PARAMETER_VALUE');
    expect(dataDirEntries()).toEqual([]);
    expect(outside()).toEqual(before);
    expect(fs.existsSync(path.join(t.dataDir, 'a'))).toBe(false);
  });

  it('accepts a 63-character name', async () => {
    const name = 'x'.repeat(63);
    await createExperiment(t, 'long-project', `/projects/${name}`);
    expect(dataDirEntries()).toEqual([name]);
  });
});

describe('project storage', () => {
  it('answers reads of a never-written project as an empty project and creates no files', async () => {
    const search = await post(t, '/projects/fresh/api/2.0/mlflow/experiments/search', {
      max_results: 10,
    });
    expect(search.status).toBe(200);
    expect(search.body.experiments.map((e: { name: string }) => e.name)).toEqual(['Default']);
    const defaultExperiment = await t.api
      .get('/projects/fresh/api/2.0/mlflow/experiments/get')
      .query({ experiment_id: '0' });
    expect(defaultExperiment.status).toBe(200);
    expect(defaultExperiment.body.experiment.workspace).toBe('fresh');
    const runs = await post(t, '/projects/fresh/api/2.0/mlflow/runs/search', {
      experiment_ids: ['0'],
    });
    expect(runs.status).toBe(200);
    expect(runs.body).toEqual({});
    expectError(await findByName('/projects/fresh', 'nope'), 404, 'RESOURCE_DOES_NOT_EXIST');
    expectError(
      await t.api.get('/projects/fresh/api/2.0/mlflow/runs/get').query({ run_id: 'abc' }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
    );
    expect(dataDirEntries()).toEqual([]);
    const list = await t.api.get('/api/3.0/mlflow/workspaces');
    expect(list.body.workspaces.map((w: { name: string }) => w.name)).toEqual(['default']);
  });

  it('reading the default project before any write creates no files either', async () => {
    expect((await findByName('', 'Default')).status).toBe(200);
    expect(dataDirEntries()).toEqual([]);
  });

  it('creates <dataDir>/<name>/mlflow.db and artifacts/ on the first write', async () => {
    await createExperiment(t, 'first', '/projects/team-a');
    expect(dataDirEntries()).toEqual(['team-a']);
    expect(fs.existsSync(path.join(t.dataDir, 'team-a', 'mlflow.db'))).toBe(true);
    expect(fs.statSync(path.join(t.dataDir, 'team-a', 'artifacts')).isDirectory()).toBe(true);
  });

  it("a failed write to a never-written project answers with MLflow's error", async () => {
    const res = await post(t, '/projects/team-c/api/2.0/mlflow/runs/log-parameter', {
      run_id: 'nope',
      key: 'k',
      value: 'v',
    });
    expectError(res, 404, 'RESOURCE_DOES_NOT_EXIST', 'Run with id=nope not found');
  });
});

describe('isolation between projects', () => {
  it('keeps different data for the same experiment name in two projects', async () => {
    const idA = await createExperiment(t, 'shared', '/projects/team-a');
    const idB = await createExperiment(t, 'shared', '/projects/team-b');
    expect(idA).toBe(idB); // each project numbers its own experiments
    const runA = await createRun(t, idA, { run_name: 'run-a' }, '/projects/team-a');
    await post(t, '/projects/team-a/api/2.0/mlflow/runs/log-parameter', {
      run_id: runA.runId,
      key: 'owner',
      value: 'a',
    });
    await post(t, '/projects/team-b/api/2.0/mlflow/experiments/set-experiment-tag', {
      experiment_id: idB,
      key: 'owner',
      value: 'b',
    });

    const searchA = await post(t, '/projects/team-a/api/2.0/mlflow/runs/search', {
      experiment_ids: [idA],
    });
    const searchB = await post(t, '/projects/team-b/api/2.0/mlflow/runs/search', {
      experiment_ids: [idB],
    });
    expect(searchA.body.runs.map((r: { info: { run_name: string } }) => r.info.run_name)).toEqual([
      'run-a',
    ]);
    expect(searchB.body).toEqual({});

    expect((await findByName('/projects/team-a', 'shared')).body.experiment.tags).toBeUndefined();
    expect((await findByName('/projects/team-b', 'shared')).body.experiment.tags).toEqual([
      { key: 'owner', value: 'b' },
    ]);

    const crossRead = await t.api
      .get('/projects/team-b/api/2.0/mlflow/runs/get')
      .query({ run_id: runA.runId });
    expectError(crossRead, 404, 'RESOURCE_DOES_NOT_EXIST');
    expect(dataDirEntries()).toEqual(['team-a', 'team-b']);
  });
});
