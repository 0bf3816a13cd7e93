// Experiment API family: create, get, get-by-name, search, update, delete, restore and tags.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExperiment, createRun, expectError } from '../support/fixtures.js';
import { post, startTestApp, type TestApp } from '../support/test-app.js';

const EXP = '/api/2.0/mlflow/experiments';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

async function getExperiment(id: string) {
  return t.api.get(`${EXP}/get`).query({ experiment_id: id });
}

describe('experiments/create', () => {
  it('creates an experiment and returns its id as a string', async () => {
    const res = await post(t, `${EXP}/create`, { name: 'create-basic' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ experiment_id: expect.stringMatching(/^\d+$/) });
    expect(res.body.experiment_id).not.toBe('0');
  });

  it('stores tags given at creation', async () => {
    const res = await post(t, `${EXP}/create`, {
      name: 'create-tags',
      tags: [{ key: 'team', value: 'vision' }],
    });
    expect(res.status).toBe(200);
    const got = await getExperiment(res.body.experiment_id);
    expect(got.body.experiment.tags).toEqual([{ key: 'team', value: 'vision' }]);
  });

  it('keeps an explicit artifact_location', async () => {
    const res = await post(t, `${EXP}/create`, {
      name: 'create-artifacts',
      artifact_location: '/tmp/somewhere',
    });
    expect(res.status).toBe(200);
    const got = await getExperiment(res.body.experiment_id);
    expect(got.body.experiment.artifact_location).toBe('/tmp/somewhere');
  });

  it('makes a relative artifact_location absolute inside the project, as MLflow never keeps one', async () => {
    const res = await post(t, `${EXP}/create`, {
      name: 'create-relative',
      artifact_location: './my_location//sub',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const got = await getExperiment(res.body.experiment_id);
    expect(got.body.experiment.artifact_location).toBe('mlflow-artifacts:/my_location/sub');
    const run = await post(t, '/api/2.0/mlflow/runs/create', {
      experiment_id: res.body.experiment_id,
    });
    expect(run.body.run.info.artifact_uri).toMatch(
      /^mlflow-artifacts:\/my_location\/sub\/[0-9a-f]{32}\/artifacts$/,
    );
  });

  it.each(['../outside', 'a/../../outside', '%2e%2e/outside'])(
    'refuses a relative artifact_location %s that climbs out of the project',
    async (location) => {
      const res = await post(t, `${EXP}/create`, {
        name: `climb-${location}`,
        artifact_location: location,
      });
      expect(res.status).toBe(400);
      expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    },
  );

  it('rejects a duplicate name with RESOURCE_ALREADY_EXISTS', async () => {
    await createExperiment(t, 'dup-name');
    const res = await post(t, `${EXP}/create`, { name: 'dup-name' });
    expectError(res, 400, 'RESOURCE_ALREADY_EXISTS', 'Experiment(name=dup-name) already exists.');
  });

  it('rejects a missing name, naming the field', async () => {
    const res = await post(t, `${EXP}/create`, {});
    expectError(res, 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'name'");
  });

  it('rejects an empty name as missing', async () => {
    const res = await post(t, `${EXP}/create`, { name: '' });
    expectError(res, 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'name'");
  });

  it('rejects a name longer than 500 characters', async () => {
    const res = await post(t, `${EXP}/create`, { name: 'x'.repeat(501) });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      "'name' exceeds the maximum length of 500 characters",
    );
  });

  it('accepts a name of exactly 500 characters', async () => {
    const res = await post(t, `${EXP}/create`, { name: 'y'.repeat(500) });
    expect(res.status).toBe(200);
  });

  it('rejects a name that is not a string', async () => {
    const res = await post(t, `${EXP}/create`, { name: 5 });
    expectError(res, 400, 'INVALID_PARAMETER_VALUE', "for parameter 'name' supplied");
  });

  it('rejects a runs:/ artifact location', async () => {
    const res = await post(t, `${EXP}/create`, {
      name: 'runs-uri',
      artifact_location: 'runs:/abc/x',
    });
    expectError(res, 400, 'INVALID_PARAMETER_VALUE', 'Artifact location cannot be a runs:/ URI');
  });

  it('rejects an experiment tag key with a path trick', async () => {
    const res = await post(t, `${EXP}/create`, {
      name: 'bad-tag-key',
      tags: [{ key: 'a/../b', value: 'v' }],
    });
    expectError(res, 400, 'INVALID_PARAMETER_VALUE', 'must not resolve to other names');
  });
});

describe('experiments/get and get-by-name', () => {
  it('returns the experiment with MLflow fields', async () => {
    const id = await createExperiment(t, 'get-me');
    const res = await getExperiment(id);
    expect(res.status).toBe(200);
    expect(res.body.experiment).toEqual({
      experiment_id: id,
      name: 'get-me',
      artifact_location: expect.any(String),
      lifecycle_stage: 'active',
      last_update_time: expect.any(Number),
      creation_time: expect.any(Number),
      workspace: 'default',
    });
  });

  it('returns the Default experiment 0', async () => {
    const res = await getExperiment('0');
    expect(res.status).toBe(200);
    expect(res.body.experiment).toMatchObject({ experiment_id: '0', name: 'Default' });
  });

  it('answers an unknown id with RESOURCE_DOES_NOT_EXIST', async () => {
    const res = await getExperiment('987654');
    expectError(res, 404, 'RESOURCE_DOES_NOT_EXIST', 'No Experiment with id=987654 exists');
  });

  it('rejects a non-integer id', async () => {
    const res = await getExperiment('abc');
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      "Invalid experiment ID 'abc'. Experiment ID must be a valid integer.",
    );
  });

  it('rejects a missing experiment_id', async () => {
    const res = await t.api.get(`${EXP}/get`);
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      "Missing value for required parameter 'experiment_id'",
    );
  });

  it('finds an experiment by name', async () => {
    const id = await createExperiment(t, 'by name');
    const res = await t.api.get(`${EXP}/get-by-name`).query({ experiment_name: 'by name' });
    expect(res.status).toBe(200);
    expect(res.body.experiment).toMatchObject({ experiment_id: id, name: 'by name' });
  });

  it('answers an unknown name with RESOURCE_DOES_NOT_EXIST', async () => {
    const res = await t.api.get(`${EXP}/get-by-name`).query({ experiment_name: 'nope' });
    expectError(res, 404, 'RESOURCE_DOES_NOT_EXIST', "Could not find experiment with name 'nope'");
  });

  it('rejects get-by-name without a name', async () => {
    const res = await t.api.get(`${EXP}/get-by-name`);
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      "Missing value for required parameter 'experiment_name'",
    );
  });
});

describe('experiments/update', () => {
  it('renames an experiment', async () => {
    const id = await createExperiment(t, 'old-name');
    const res = await post(t, `${EXP}/update`, { experiment_id: id, new_name: 'new-name' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    expect((await getExperiment(id)).body.experiment.name).toBe('new-name');
  });

  it('rejects a rename onto an existing name', async () => {
    const id = await createExperiment(t, 'rename-a');
    await createExperiment(t, 'rename-b');
    const res = await post(t, `${EXP}/update`, { experiment_id: id, new_name: 'rename-b' });
    // MLflow answers 400 BAD_REQUEST with the SQL error text; ours names the conflict instead.
    expectError(res, 400, 'RESOURCE_ALREADY_EXISTS', 'Experiment(name=rename-b) already exists.');
    expect((await getExperiment(id)).body.experiment.name).toBe('rename-a');
  });

  it('rejects a missing new_name', async () => {
    const id = await createExperiment(t, 'rename-missing');
    const res = await post(t, `${EXP}/update`, { experiment_id: id });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      "Missing value for required parameter 'new_name'",
    );
  });

  it('rejects a new name longer than 500 characters', async () => {
    const id = await createExperiment(t, 'rename-long');
    const res = await post(t, `${EXP}/update`, { experiment_id: id, new_name: 'n'.repeat(501) });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      "'name' exceeds the maximum length of 500 characters",
    );
  });

  it('refuses to rename a deleted experiment with a 409 conflict, not a retried 500', async () => {
    const id = await createExperiment(t, 'rename-deleted');
    await post(t, `${EXP}/delete`, { experiment_id: id });
    const res = await post(t, `${EXP}/update`, { experiment_id: id, new_name: 'whatever' });
    expectError(res, 409, 'RESOURCE_CONFLICT', 'Cannot rename a non-active experiment.');
  });

  it('answers an unknown id with RESOURCE_DOES_NOT_EXIST', async () => {
    const res = await post(t, `${EXP}/update`, { experiment_id: '424242', new_name: 'x' });
    expectError(res, 404, 'RESOURCE_DOES_NOT_EXIST', 'No Experiment with id=424242 exists');
  });
});

describe('experiments/delete and restore', () => {
  it('deletes an experiment and marks its runs deleted', async () => {
    const id = await createExperiment(t, 'to-delete');
    const { runId } = await createRun(t, id);
    const res = await post(t, `${EXP}/delete`, { experiment_id: id });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    expect((await getExperiment(id)).body.experiment.lifecycle_stage).toBe('deleted');
    const run = await t.api.get('/api/2.0/mlflow/runs/get').query({ run_id: runId });
    expect(run.body.run.info.lifecycle_stage).toBe('deleted');
  });

  it('restores a deleted experiment and its runs', async () => {
    const id = await createExperiment(t, 'to-restore');
    const { runId } = await createRun(t, id);
    await post(t, `${EXP}/delete`, { experiment_id: id });
    const res = await post(t, `${EXP}/restore`, { experiment_id: id });
    expect(res.status).toBe(200);
    expect((await getExperiment(id)).body.experiment.lifecycle_stage).toBe('active');
    const run = await t.api.get('/api/2.0/mlflow/runs/get').query({ run_id: runId });
    expect(run.body.run.info.lifecycle_stage).toBe('active');
  });

  it('answers deleting an already deleted experiment as MLflow does (not found among active)', async () => {
    const id = await createExperiment(t, 'delete-twice');
    await post(t, `${EXP}/delete`, { experiment_id: id });
    const res = await post(t, `${EXP}/delete`, { experiment_id: id });
    expectError(res, 404, 'RESOURCE_DOES_NOT_EXIST', `No Experiment with id=${id} exists`);
  });

  it('answers restoring an active experiment as MLflow does (not found among deleted)', async () => {
    const id = await createExperiment(t, 'restore-active');
    const res = await post(t, `${EXP}/restore`, { experiment_id: id });
    expectError(res, 404, 'RESOURCE_DOES_NOT_EXIST', `No Experiment with id=${id} exists`);
  });

  it('answers deleting an unknown experiment with RESOURCE_DOES_NOT_EXIST', async () => {
    const res = await post(t, `${EXP}/delete`, { experiment_id: '999999' });
    expectError(res, 404, 'RESOURCE_DOES_NOT_EXIST', 'No Experiment with id=999999 exists');
  });

  it('rejects deleting with a non-integer id', async () => {
    const res = await post(t, `${EXP}/delete`, { experiment_id: 'abc' });
    expectError(res, 400, 'INVALID_PARAMETER_VALUE', "Invalid experiment ID 'abc'");
  });

  it('refuses to create a run in a deleted experiment', async () => {
    const id = await createExperiment(t, 'deleted-no-runs');
    await post(t, `${EXP}/delete`, { experiment_id: id });
    const res = await post(t, '/api/2.0/mlflow/runs/create', { experiment_id: id });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      `The experiment ${id} must be in the 'active' state. Current state is deleted.`,
    );
  });
});

describe('experiment tags', () => {
  it('sets, overwrites and deletes a tag', async () => {
    const id = await createExperiment(t, 'tagged');
    expect(
      (await post(t, `${EXP}/set-experiment-tag`, { experiment_id: id, key: 'k', value: '1' }))
        .status,
    ).toBe(200);
    await post(t, `${EXP}/set-experiment-tag`, { experiment_id: id, key: 'k', value: '2' });
    expect((await getExperiment(id)).body.experiment.tags).toEqual([{ key: 'k', value: '2' }]);
    const del = await post(t, `${EXP}/delete-experiment-tag`, { experiment_id: id, key: 'k' });
    expect(del.status).toBe(200);
    expect((await getExperiment(id)).body.experiment.tags).toBeUndefined();
  });

  it('sets a tag without a value as the empty string', async () => {
    const id = await createExperiment(t, 'tag-no-value');
    const res = await post(t, `${EXP}/set-experiment-tag`, { experiment_id: id, key: 'k' });
    expect(res.status).toBe(200);
    expect((await getExperiment(id)).body.experiment.tags).toEqual([{ key: 'k', value: '' }]);
  });

  it('rejects a missing tag key', async () => {
    const id = await createExperiment(t, 'tag-no-key');
    const res = await post(t, `${EXP}/set-experiment-tag`, { experiment_id: id, value: 'v' });
    expectError(res, 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'key'");
  });

  it('rejects a tag key longer than 250 characters', async () => {
    const id = await createExperiment(t, 'tag-long-key');
    const res = await post(t, `${EXP}/set-experiment-tag`, {
      experiment_id: id,
      key: 'k'.repeat(251),
      value: 'v',
    });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      "'key' exceeds the maximum length of 250 characters",
    );
  });

  it('rejects a tag value longer than 20000 characters', async () => {
    const id = await createExperiment(t, 'tag-long-value');
    const res = await post(t, `${EXP}/set-experiment-tag`, {
      experiment_id: id,
      key: 'k',
      value: 'v'.repeat(20001),
    });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      "'value' exceeds the maximum length of 20000 characters",
    );
  });

  it('rejects a tag key that would resolve to another path', async () => {
    const id = await createExperiment(t, 'tag-path');
    const res = await post(t, `${EXP}/set-experiment-tag`, {
      experiment_id: id,
      key: 'k/../x',
      value: 'v',
    });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      'Invalid value "k/../x" for parameter \'key\' supplied: Names may be treated as files',
    );
  });

  it('rejects tagging a deleted experiment', async () => {
    const id = await createExperiment(t, 'tag-deleted');
    await post(t, `${EXP}/delete`, { experiment_id: id });
    const res = await post(t, `${EXP}/set-experiment-tag`, {
      experiment_id: id,
      key: 'k',
      value: 'v',
    });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      `The experiment ${id} must be in the 'active' state. Current state is deleted.`,
    );
  });

  it('rejects deleting a tag of a deleted experiment', async () => {
    const id = await createExperiment(t, 'untag-deleted');
    await post(t, `${EXP}/delete`, { experiment_id: id });
    const res = await post(t, `${EXP}/delete-experiment-tag`, { experiment_id: id, key: 'k' });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      `The experiment ${id} must be in the 'active' state. Current state is deleted.`,
    );
  });

  it('answers deleting a missing tag with RESOURCE_DOES_NOT_EXIST', async () => {
    const id = await createExperiment(t, 'untag-missing');
    const res = await post(t, `${EXP}/delete-experiment-tag`, { experiment_id: id, key: 'nokey' });
    expectError(
      res,
      404,
      'RESOURCE_DOES_NOT_EXIST',
      `No tag with name: nokey in experiment with id ${id}`,
    );
  });

  it('answers tagging an unknown experiment with RESOURCE_DOES_NOT_EXIST', async () => {
    const res = await post(t, `${EXP}/set-experiment-tag`, {
      experiment_id: '555555',
      key: 'k',
      value: 'v',
    });
    expectError(res, 404, 'RESOURCE_DOES_NOT_EXIST', 'No Experiment with id=555555 exists');
  });
});
