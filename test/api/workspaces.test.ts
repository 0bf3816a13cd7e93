// MLflow 3.10+'s workspace API answered with projects: list, create, get, update and delete.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createExperiment, createRun, expectError } from '../support/fixtures.js';
import { post, projectFolders, startTestApp, type TestApp } from '../support/test-app.js';

const WS = '/api/3.0/mlflow/workspaces';

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp();
});
afterEach(async () => {
  await t.close();
});

function patch(url: string, body: unknown) {
  return t.api.patch(url).set('Content-Type', 'application/json').send(JSON.stringify(body));
}

async function workspaceNames(): Promise<string[]> {
  const res = await t.api.get(WS);
  expect(res.status).toBe(200);
  return (res.body.workspaces as { name: string }[]).map((w) => w.name);
}

describe('listing workspaces', () => {
  it('lists only default on a fresh server', async () => {
    const res = await t.api.get(WS);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      workspaces: [{ name: 'default', description: 'Default workspace for legacy resources' }],
    });
  });

  it('lists projects created through the API and by a first write, sorted', async () => {
    await post(t, WS, { name: 'zeta' });
    await createExperiment(t, 'written', '/projects/alpha');
    expect(await workspaceNames()).toEqual(['alpha', 'default', 'zeta']);
  });

  it('is served under /ajax-api as well', async () => {
    const res = await t.api.get(`/ajax-api/3.0/mlflow/workspaces`);
    expect(res.status).toBe(200);
    expect(res.body.workspaces).toEqual([
      { name: 'default', description: 'Default workspace for legacy resources' },
    ]);
  });
});

describe('creating a workspace', () => {
  it('answers 201 with the workspace and creates its database', async () => {
    const res = await post(t, WS, { name: 'team-a', description: 'Team A' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ workspace: { name: 'team-a', description: 'Team A' } });
    expect(fs.existsSync(path.join(t.dataDir, 'team-a', 'mlflow.db'))).toBe(true);
  });

  it('rejects a name that already exists with RESOURCE_ALREADY_EXISTS', async () => {
    await post(t, WS, { name: 'team-a' });
    const res = await post(t, WS, { name: 'team-a' });
    expectError(res, 400, 'RESOURCE_ALREADY_EXISTS', "Workspace 'team-a' already exists.");
  });

  it('refuses to create default', async () => {
    const res = await post(t, WS, { name: 'default' });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      "The 'default' workspace is reserved and cannot be created",
    );
  });

  it.each([
    ['Team-A', 'must match the pattern'],
    ['a', 'must be between 2 and 63 characters'],
    ['x'.repeat(64), 'must be between 2 and 63 characters'],
    ['-ab', 'must match the pattern'],
    ['ab-', 'must match the pattern'],
    ['a_b', 'must match the pattern'],
    ['api', 'is reserved and cannot be used'],
    ['workspaces', 'is reserved and cannot be used'],
  ])('rejects the name %j', async (name, message) => {
    const res = await post(t, WS, { name });
    expectError(res, 400, 'INVALID_PARAMETER_VALUE', message);
    expect(projectFolders(t)).toEqual([]);
  });

  it('rejects a missing name', async () => {
    const res = await post(t, WS, {});
    expectError(res, 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'name'");
  });
});

describe('getting a workspace', () => {
  it('returns a created workspace', async () => {
    await post(t, WS, { name: 'team-a', description: 'd' });
    const res = await t.api.get(`${WS}/team-a`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ workspace: { name: 'team-a', description: 'd' } });
  });

  it('returns default even before anything was written', async () => {
    const res = await t.api.get(`${WS}/default`);
    expect(res.status).toBe(200);
    expect(res.body.workspace.name).toBe('default');
    expect(projectFolders(t)).toEqual([]);
  });

  it('answers an unknown workspace with RESOURCE_DOES_NOT_EXIST and creates nothing', async () => {
    const res = await t.api.get(`${WS}/nope`);
    expectError(res, 404, 'RESOURCE_DOES_NOT_EXIST', "Workspace 'nope' not found");
    expect(projectFolders(t)).toEqual([]);
  });

  it('rejects an invalid name', async () => {
    const res = await t.api.get(`${WS}/Bad_Name`);
    expectError(res, 400, 'INVALID_PARAMETER_VALUE', "Workspace name 'Bad_Name'");
  });
});

describe('updating a workspace', () => {
  it('changes the description', async () => {
    await post(t, WS, { name: 'team-a', description: 'old' });
    const res = await patch(`${WS}/team-a`, { description: 'new' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ workspace: { name: 'team-a', description: 'new' } });
    expect((await t.api.get(`${WS}/team-a`)).body.workspace.description).toBe('new');
  });

  it('rejects an update without any field', async () => {
    await post(t, WS, { name: 'team-a' });
    const res = await patch(`${WS}/team-a`, {});
    expectError(res, 400, 'INVALID_PARAMETER_VALUE', 'Workspace update must have at least one key');
  });

  it('answers an unknown workspace with RESOURCE_DOES_NOT_EXIST', async () => {
    const res = await patch(`${WS}/nope`, { description: 'x' });
    expectError(res, 404, 'RESOURCE_DOES_NOT_EXIST', "Workspace 'nope' not found");
  });

  it('rejects a PATCH without a JSON content type', async () => {
    await post(t, WS, { name: 'team-a' });
    const res = await t.api.patch(`${WS}/team-a`).set('Content-Type', 'text/plain').send('{}');
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
  });
});

describe('deleting a workspace', () => {
  it('deletes an empty workspace with 204 and removes its folder', async () => {
    await post(t, WS, { name: 'team-a' });
    const res = await t.api.delete(`${WS}/team-a`);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(fs.existsSync(path.join(t.dataDir, 'team-a'))).toBe(false);
    expect(await workspaceNames()).toEqual(['default']);
  });

  it('refuses (RESTRICT, the default mode) while the workspace holds experiments', async () => {
    await createExperiment(t, 'keep-me', '/projects/team-a');
    const res = await t.api.delete(`${WS}/team-a`);
    // MLflow raises INVALID_STATE (500); a refused delete is a client-side conflict, so 409.
    expectError(
      res,
      409,
      'RESOURCE_CONFLICT',
      "Cannot delete workspace 'team-a': table 'experiments' still contains 1 resource(s).",
    );
    expect(fs.existsSync(path.join(t.dataDir, 'team-a', 'mlflow.db'))).toBe(true);
  });

  it('refuses RESTRICT while runs remain in the Default experiment', async () => {
    await createRun(t, '0', {}, '/projects/team-a');
    const res = await t.api.delete(`${WS}/team-a`).query({ mode: 'RESTRICT' });
    expectError(res, 409, 'RESOURCE_CONFLICT', "table 'runs' still contains 1 resource(s)");
  });

  it('deletes a workspace and all it holds with CASCADE', async () => {
    await createExperiment(t, 'doomed', '/projects/team-a');
    const res = await t.api.delete(`${WS}/team-a`).query({ mode: 'CASCADE' });
    expect(res.status).toBe(204);
    expect(fs.existsSync(path.join(t.dataDir, 'team-a'))).toBe(false);
    const gone = await t.api
      .get('/projects/team-a/api/2.0/mlflow/experiments/get-by-name')
      .query({ experiment_name: 'doomed' });
    expectError(gone, 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  it('rejects an unknown deletion mode', async () => {
    await post(t, WS, { name: 'team-a' });
    const res = await t.api.delete(`${WS}/team-a`).query({ mode: 'NUKE' });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      "Invalid deletion mode 'NUKE'. Must be one of: SET_DEFAULT, CASCADE, RESTRICT",
    );
  });

  it('rejects SET_DEFAULT, which separate databases cannot honour', async () => {
    await post(t, WS, { name: 'team-a' });
    const res = await t.api.delete(`${WS}/team-a`).query({ mode: 'SET_DEFAULT' });
    expectError(res, 400, 'INVALID_PARAMETER_VALUE', 'SET_DEFAULT');
  });

  it('refuses to delete default', async () => {
    const res = await t.api.delete(`${WS}/default`);
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      "The 'default' workspace is reserved and cannot be deleted",
    );
  });

  it('answers an unknown workspace with RESOURCE_DOES_NOT_EXIST', async () => {
    const res = await t.api.delete(`${WS}/nope`);
    expectError(res, 404, 'RESOURCE_DOES_NOT_EXIST', "Workspace 'nope' not found");
  });

  it.each(['..', '%2e%2e', 'a%2Fb'])(
    'rejects the invalid name %s without touching the disk',
    async (name) => {
      await post(t, WS, { name: 'team-a' });
      const res = await t.api.delete(`${WS}/${name}`);
      expectError(res, 400, 'INVALID_PARAMETER_VALUE', 'Workspace name');
      expect(projectFolders(t)).toEqual(['team-a']);
    },
  );
});
