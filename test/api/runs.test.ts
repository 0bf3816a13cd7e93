// Run API family: create, get, update, delete, restore, tags, params and dataset inputs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExperiment, createRun, expectError } from '../support/fixtures.js';
import { post, startTestApp, type TestApp } from '../support/test-app.js';

const RUNS = '/api/2.0/mlflow/runs';

let t: TestApp;
let experimentId: string;
beforeAll(async () => {
  t = await startTestApp();
  experimentId = await createExperiment(t, 'runs');
});
afterAll(async () => {
  await t.close();
});

async function getRun(runId: string) {
  const res = await t.api.get(`${RUNS}/get`).query({ run_id: runId });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.run as {
    info: Record<string, unknown>;
    data: {
      params?: { key: string; value: string }[];
      tags?: { key: string; value: string }[];
      metrics?: unknown[];
    };
    inputs: Record<string, unknown>;
  };
}

function tagValue(run: { data: { tags?: { key: string; value: string }[] } }, key: string) {
  return run.data.tags?.find((tag) => tag.key === key)?.value;
}

describe('runs/create', () => {
  it('creates a running run with MLflow fields', async () => {
    const res = await post(t, `${RUNS}/create`, {
      experiment_id: experimentId,
      user_id: 'alice',
      start_time: 1234,
      run_name: 'first',
    });
    expect(res.status).toBe(200);
    const { info, data } = res.body.run;
    expect(info).toEqual({
      run_uuid: info.run_id,
      run_id: expect.stringMatching(/^[0-9a-f]{32}$/),
      experiment_id: experimentId,
      run_name: 'first',
      user_id: 'alice',
      status: 'RUNNING',
      start_time: 1234,
      artifact_uri: expect.stringContaining(`${info.run_id}/artifacts`),
      lifecycle_stage: 'active',
    });
    expect(data.tags).toEqual([{ key: 'mlflow.runName', value: 'first' }]);
    expect(res.body.run.inputs).toEqual({});
  });

  it('generates an adjective-noun-number name and records it as mlflow.runName', async () => {
    const { info, tags } = await createRun(t, experimentId);
    expect(info.run_name).toMatch(/^[a-z]+-[a-z]+-\d{1,3}$/);
    expect(tags).toContainEqual({ key: 'mlflow.runName', value: info.run_name });
  });

  it('takes the run name from an mlflow.runName tag', async () => {
    const { info, tags } = await createRun(t, experimentId, {
      tags: [{ key: 'mlflow.runName', value: 'from-tag' }],
    });
    expect(info.run_name).toBe('from-tag');
    expect(tags).toEqual([{ key: 'mlflow.runName', value: 'from-tag' }]);
  });

  it('rejects a run_name that disagrees with the mlflow.runName tag', async () => {
    const res = await post(t, `${RUNS}/create`, {
      experiment_id: experimentId,
      run_name: 'a',
      tags: [{ key: 'mlflow.runName', value: 'b' }],
    });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      "Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='a', mlflow.runName='b').",
    );
  });

  it('stores tags given at creation', async () => {
    const { runId } = await createRun(t, experimentId, {
      run_name: 'tagged',
      tags: [{ key: 'owner', value: 'bob' }],
    });
    const run = await getRun(runId);
    expect(tagValue(run, 'owner')).toBe('bob');
    expect(tagValue(run, 'mlflow.runName')).toBe('tagged');
  });

  it('creates the run in the Default experiment when no experiment_id is given', async () => {
    const res = await post(t, `${RUNS}/create`, { start_time: 1 });
    expect(res.status).toBe(200);
    expect(res.body.run.info.experiment_id).toBe('0');
  });

  it('answers an unknown experiment with RESOURCE_DOES_NOT_EXIST', async () => {
    const res = await post(t, `${RUNS}/create`, { experiment_id: '99999' });
    expectError(res, 404, 'RESOURCE_DOES_NOT_EXIST', 'No Experiment with id=99999 exists');
  });

  it('rejects a non-integer experiment id', async () => {
    const res = await post(t, `${RUNS}/create`, { experiment_id: 'abc' });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      "Invalid experiment ID 'abc'. Experiment ID must be a valid integer.",
    );
  });

  it('stores create-time tags as given, as MLflow does (set-tag still validates keys)', async () => {
    const res = await post(t, `${RUNS}/create`, {
      experiment_id: experimentId,
      tags: [{ key: 'a*b', value: 'v' }],
    });
    expect(res.status).toBe(200);
    expect(res.body.run.data.tags).toContainEqual({ key: 'a*b', value: 'v' });
    const setTag = await post(t, `${RUNS}/set-tag`, {
      run_id: res.body.run.info.run_id,
      key: 'a*b',
      value: 'w',
    });
    expectError(setTag, 400, 'INVALID_PARAMETER_VALUE', 'Names may only contain alphanumerics');
  });
});

describe('runs/get', () => {
  it('returns the run with info, data, inputs and outputs', async () => {
    const { runId } = await createRun(t, experimentId, { run_name: 'got' });
    const res = await t.api.get(`${RUNS}/get`).query({ run_id: runId });
    expect(res.status).toBe(200);
    expect(res.body.run.info.run_name).toBe('got');
    expect(res.body.run).toHaveProperty('data');
    expect(res.body.run.inputs).toEqual({});
    expect(res.body.run.outputs).toEqual({});
  });

  it('accepts the legacy run_uuid parameter', async () => {
    const { runId } = await createRun(t, experimentId);
    const res = await t.api.get(`${RUNS}/get`).query({ run_uuid: runId });
    expect(res.status).toBe(200);
    expect(res.body.run.info.run_id).toBe(runId);
  });

  it('answers an unknown run with RESOURCE_DOES_NOT_EXIST', async () => {
    const res = await t.api.get(`${RUNS}/get`).query({ run_id: 'nope' });
    expectError(res, 404, 'RESOURCE_DOES_NOT_EXIST', 'Run with id=nope not found');
  });

  it('rejects a request without run_id', async () => {
    const res = await t.api.get(`${RUNS}/get`);
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      "Missing value for required parameter 'run_id'",
    );
  });
});

describe('runs/update', () => {
  it('sets status, end time and name, and returns run_info', async () => {
    const { runId } = await createRun(t, experimentId, { run_name: 'before' });
    const res = await post(t, `${RUNS}/update`, {
      run_id: runId,
      status: 'FINISHED',
      end_time: 5000,
      run_name: 'after',
    });
    expect(res.status).toBe(200);
    expect(res.body.run_info).toMatchObject({
      run_id: runId,
      status: 'FINISHED',
      end_time: 5000,
      run_name: 'after',
    });
  });

  it('keeps the mlflow.runName tag in step with a renamed run', async () => {
    const { runId } = await createRun(t, experimentId, { run_name: 'old' });
    await post(t, `${RUNS}/update`, { run_id: runId, run_name: 'renamed' });
    const run = await getRun(runId);
    expect(run.info.run_name).toBe('renamed');
    expect(tagValue(run, 'mlflow.runName')).toBe('renamed');
  });

  it('accepts a status by its protobuf number', async () => {
    const { runId } = await createRun(t, experimentId);
    const res = await post(t, `${RUNS}/update`, { run_id: runId, status: 4 });
    expect(res.status).toBe(200);
    expect(res.body.run_info.status).toBe('FAILED');
  });

  it('rejects an unknown status with a clear 400 (MLflow silently ignores it)', async () => {
    const { runId } = await createRun(t, experimentId);
    const res = await post(t, `${RUNS}/update`, { run_id: runId, status: 'BOGUS' });
    expectError(res, 400, 'INVALID_PARAMETER_VALUE', "parameter 'status'");
  });

  it('answers an unknown run with RESOURCE_DOES_NOT_EXIST', async () => {
    const res = await post(t, `${RUNS}/update`, { run_id: 'nope', status: 'FINISHED' });
    expectError(res, 404, 'RESOURCE_DOES_NOT_EXIST', 'Run with id=nope not found');
  });

  it('rejects an end_time that is not an integer', async () => {
    const { runId } = await createRun(t, experimentId);
    const res = await post(t, `${RUNS}/update`, { run_id: runId, end_time: 'soon' });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      `Invalid value "soon" for parameter 'end_time' supplied:  Hint: Value was of type 'str'.`,
    );
  });
});

describe('runs/delete and restore', () => {
  it('marks a run deleted and restores it', async () => {
    const { runId } = await createRun(t, experimentId);
    const del = await post(t, `${RUNS}/delete`, { run_id: runId });
    expect(del.status).toBe(200);
    expect(del.body).toEqual({});
    expect((await getRun(runId)).info.lifecycle_stage).toBe('deleted');
    const restore = await post(t, `${RUNS}/restore`, { run_id: runId });
    expect(restore.status).toBe(200);
    expect((await getRun(runId)).info.lifecycle_stage).toBe('active');
  });

  it('deleting a deleted run again succeeds, as in MLflow', async () => {
    const { runId } = await createRun(t, experimentId);
    await post(t, `${RUNS}/delete`, { run_id: runId });
    const again = await post(t, `${RUNS}/delete`, { run_id: runId });
    expect(again.status).toBe(200);
  });

  it('answers deleting an unknown run with RESOURCE_DOES_NOT_EXIST', async () => {
    const res = await post(t, `${RUNS}/delete`, { run_id: 'nope' });
    expectError(res, 404, 'RESOURCE_DOES_NOT_EXIST', 'Run with id=nope not found');
  });

  it('answers restoring an unknown run with RESOURCE_DOES_NOT_EXIST', async () => {
    const res = await post(t, `${RUNS}/restore`, { run_id: 'nope' });
    expectError(res, 404, 'RESOURCE_DOES_NOT_EXIST', 'Run with id=nope not found');
  });

  it('rejects delete without run_id', async () => {
    const res = await post(t, `${RUNS}/delete`, {});
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      "Missing value for required parameter 'run_id'",
    );
  });
});

describe('operations on a deleted run', () => {
  let runId: string;
  const message = () => `The run ${runId} must be in the 'active' state. Current state is deleted.`;
  beforeAll(async () => {
    ({ runId } = await createRun(t, experimentId));
    await post(t, `${RUNS}/set-tag`, { run_id: runId, key: 'keep', value: '1' });
    await post(t, `${RUNS}/delete`, { run_id: runId });
  });

  it('rejects log-parameter', async () => {
    const res = await post(t, `${RUNS}/log-parameter`, { run_id: runId, key: 'p', value: '1' });
    expectError(res, 400, 'INVALID_PARAMETER_VALUE', message());
  });

  it('rejects log-metric', async () => {
    const res = await post(t, `${RUNS}/log-metric`, {
      run_id: runId,
      key: 'm',
      value: 1,
      timestamp: 1,
    });
    expectError(res, 400, 'INVALID_PARAMETER_VALUE', message());
  });

  it('rejects log-batch', async () => {
    const res = await post(t, `${RUNS}/log-batch`, {
      run_id: runId,
      params: [{ key: 'p', value: '1' }],
    });
    expectError(res, 400, 'INVALID_PARAMETER_VALUE', message());
  });

  it('rejects set-tag', async () => {
    const res = await post(t, `${RUNS}/set-tag`, { run_id: runId, key: 'k', value: 'v' });
    expectError(res, 400, 'INVALID_PARAMETER_VALUE', message());
  });

  it('rejects delete-tag', async () => {
    const res = await post(t, `${RUNS}/delete-tag`, { run_id: runId, key: 'keep' });
    expectError(res, 400, 'INVALID_PARAMETER_VALUE', message());
  });

  it('rejects update', async () => {
    const res = await post(t, `${RUNS}/update`, { run_id: runId, status: 'FAILED' });
    expectError(res, 400, 'INVALID_PARAMETER_VALUE', message());
  });

  it('rejects log-inputs', async () => {
    const res = await post(t, `${RUNS}/log-inputs`, { run_id: runId, datasets: [] });
    expectError(res, 400, 'INVALID_PARAMETER_VALUE', message());
  });

  it('still reads the deleted run', async () => {
    const run = await getRun(runId);
    expect(run.info.lifecycle_stage).toBe('deleted');
    expect(tagValue(run, 'keep')).toBe('1');
  });
});

describe('run tags', () => {
  it('sets, overwrites and deletes a tag', async () => {
    const { runId } = await createRun(t, experimentId);
    expect((await post(t, `${RUNS}/set-tag`, { run_id: runId, key: 'k', value: '1' })).status).toBe(
      200,
    );
    await post(t, `${RUNS}/set-tag`, { run_id: runId, key: 'k', value: '2' });
    expect(tagValue(await getRun(runId), 'k')).toBe('2');
    const del = await post(t, `${RUNS}/delete-tag`, { run_id: runId, key: 'k' });
    expect(del.status).toBe(200);
    expect(tagValue(await getRun(runId), 'k')).toBeUndefined();
  });

  it('renames the run when mlflow.runName is set as a tag', async () => {
    const { runId } = await createRun(t, experimentId, { run_name: 'tag-old' });
    await post(t, `${RUNS}/set-tag`, { run_id: runId, key: 'mlflow.runName', value: 'tag-new' });
    const run = await getRun(runId);
    expect(run.info.run_name).toBe('tag-new');
    expect(tagValue(run, 'mlflow.runName')).toBe('tag-new');
  });

  it('truncates a tag value longer than 8000 characters to 8000', async () => {
    const { runId } = await createRun(t, experimentId);
    const res = await post(t, `${RUNS}/set-tag`, {
      run_id: runId,
      key: 'long',
      value: 'v'.repeat(8001),
    });
    expect(res.status).toBe(200);
    expect(tagValue(await getRun(runId), 'long')).toBe('v'.repeat(8000));
  });

  it('rejects a tag key longer than 250 characters', async () => {
    const { runId } = await createRun(t, experimentId);
    const res = await post(t, `${RUNS}/set-tag`, {
      run_id: runId,
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

  it('rejects a missing tag key', async () => {
    const { runId } = await createRun(t, experimentId);
    const res = await post(t, `${RUNS}/set-tag`, { run_id: runId, value: 'v' });
    expectError(res, 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'key'");
  });

  it('answers deleting a tag that is not there with RESOURCE_DOES_NOT_EXIST', async () => {
    const { runId } = await createRun(t, experimentId);
    const res = await post(t, `${RUNS}/delete-tag`, { run_id: runId, key: 'nokey' });
    expectError(
      res,
      404,
      'RESOURCE_DOES_NOT_EXIST',
      `No tag with name: nokey in run with id ${runId}`,
    );
  });

  it('answers tagging an unknown run with RESOURCE_DOES_NOT_EXIST', async () => {
    const res = await post(t, `${RUNS}/set-tag`, { run_id: 'nope', key: 'k', value: 'v' });
    expectError(res, 404, 'RESOURCE_DOES_NOT_EXIST', 'Run with id=nope not found');
  });
});

describe('runs/log-parameter', () => {
  it('logs a parameter that the run then shows', async () => {
    const { runId } = await createRun(t, experimentId);
    const res = await post(t, `${RUNS}/log-parameter`, { run_id: runId, key: 'lr', value: '0.1' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    expect((await getRun(runId)).data.params).toEqual([{ key: 'lr', value: '0.1' }]);
  });

  it('accepts logging the same value twice', async () => {
    const { runId } = await createRun(t, experimentId);
    await post(t, `${RUNS}/log-parameter`, { run_id: runId, key: 'p', value: '1' });
    const res = await post(t, `${RUNS}/log-parameter`, { run_id: runId, key: 'p', value: '1' });
    expect(res.status).toBe(200);
  });

  it('rejects a changed param value with INVALID_PARAMETER_VALUE', async () => {
    const { runId } = await createRun(t, experimentId);
    await post(t, `${RUNS}/log-parameter`, { run_id: runId, key: 'p', value: '1' });
    const res = await post(t, `${RUNS}/log-parameter`, { run_id: runId, key: 'p', value: '2' });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      `Changing param values is not allowed. Param with key='p' was already logged with value='1' for run ID='${runId}'. Attempted logging new value '2'.`,
    );
    expect((await getRun(runId)).data.params).toEqual([{ key: 'p', value: '1' }]);
  });

  it('truncates a param value longer than 6000 characters to 6000', async () => {
    const { runId } = await createRun(t, experimentId);
    const res = await post(t, `${RUNS}/log-parameter`, {
      run_id: runId,
      key: 'long',
      value: 'x'.repeat(6001),
    });
    expect(res.status).toBe(200);
    expect((await getRun(runId)).data.params).toEqual([{ key: 'long', value: 'x'.repeat(6000) }]);
  });

  it.each([
    ['../x', "This name would resolve to '../x'"],
    ['a//b', "This name would resolve to 'a/b'"],
    ['/abs', "This name would resolve to '/abs'"],
    ['a/./b', "This name would resolve to 'a/b'"],
  ])('rejects the path-like key %s', async (key, resolvesTo) => {
    const { runId } = await createRun(t, experimentId);
    const res = await post(t, `${RUNS}/log-parameter`, { run_id: runId, key, value: '1' });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      `Invalid value ${JSON.stringify(key)} for parameter 'key' supplied: Names may be treated as files in certain cases, and must not resolve to other names when treated as such. ${resolvesTo}`,
    );
  });

  it.each(['a*b', 'a?b', 'tab\tkey', 'quote"key', 'check✓'])(
    'rejects the key %j with forbidden characters',
    async (key) => {
      const { runId } = await createRun(t, experimentId);
      const res = await post(t, `${RUNS}/log-parameter`, { run_id: runId, key, value: '1' });
      expectError(
        res,
        400,
        'INVALID_PARAMETER_VALUE',
        'Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).',
      );
    },
  );

  it("accepts letters and digits of any script, as Python's \\w does", async () => {
    const { runId } = await createRun(t, experimentId);
    const res = await post(t, `${RUNS}/log-parameter`, {
      run_id: runId,
      key: 'ünïcode_٣',
      value: '1',
    });
    expect(res.status).toBe(200);
  });

  it('escapes non-ASCII characters in the message as json.dumps does', async () => {
    const { runId } = await createRun(t, experimentId);
    const res = await post(t, `${RUNS}/log-parameter`, { run_id: runId, key: 'ü✓', value: '1' });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      `Invalid value "\\u00fc\\u2713" for parameter 'key' supplied: Names may only contain`,
    );
  });

  it('accepts a key with every allowed character class', async () => {
    const { runId } = await createRun(t, experimentId);
    const res = await post(t, `${RUNS}/log-parameter`, {
      run_id: runId,
      key: 'a_b-c.d e:f/g9',
      value: '1',
    });
    expect(res.status).toBe(200);
  });

  it('rejects a key longer than 250 characters', async () => {
    const { runId } = await createRun(t, experimentId);
    const res = await post(t, `${RUNS}/log-parameter`, {
      run_id: runId,
      key: 'k'.repeat(251),
      value: '1',
    });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      "'Param key' exceeds the maximum length of 250 characters",
    );
  });

  it('rejects a missing key', async () => {
    const { runId } = await createRun(t, experimentId);
    const res = await post(t, `${RUNS}/log-parameter`, { run_id: runId, value: '1' });
    expectError(res, 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'key'");
  });

  it('rejects a missing run id', async () => {
    const res = await post(t, `${RUNS}/log-parameter`, { key: 'k', value: '1' });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      "Missing value for required parameter 'run_id'",
    );
  });

  it('answers an unknown run with RESOURCE_DOES_NOT_EXIST', async () => {
    const res = await post(t, `${RUNS}/log-parameter`, { run_id: 'nope', key: 'k', value: '1' });
    expectError(res, 404, 'RESOURCE_DOES_NOT_EXIST', 'Run with id=nope not found');
  });
});

describe('runs/log-inputs', () => {
  const dataset = {
    name: 'train-set',
    digest: 'abc123',
    source_type: 'local',
    source: '{"uri": "/data"}',
    schema: '{"cols": []}',
  };

  it('records dataset inputs with their tags on the run', async () => {
    const { runId } = await createRun(t, experimentId);
    const res = await post(t, `${RUNS}/log-inputs`, {
      run_id: runId,
      datasets: [{ tags: [{ key: 'mlflow.data.context', value: 'train' }], dataset }],
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    expect((await getRun(runId)).inputs).toEqual({
      dataset_inputs: [{ tags: [{ key: 'mlflow.data.context', value: 'train' }], dataset }],
    });
  });

  it('keeps one input when the same dataset is logged twice', async () => {
    const { runId } = await createRun(t, experimentId);
    await post(t, `${RUNS}/log-inputs`, { run_id: runId, datasets: [{ dataset }] });
    await post(t, `${RUNS}/log-inputs`, { run_id: runId, datasets: [{ dataset }] });
    const inputs = (await getRun(runId)).inputs as { dataset_inputs: unknown[] };
    expect(inputs.dataset_inputs).toHaveLength(1);
  });

  it('rejects a digest longer than 36 characters', async () => {
    const { runId } = await createRun(t, experimentId);
    const res = await post(t, `${RUNS}/log-inputs`, {
      run_id: runId,
      datasets: [{ dataset: { ...dataset, digest: 'd'.repeat(37) } }],
    });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      "'digest' exceeds the maximum length of 36 characters",
    );
  });

  it('rejects a missing run_id', async () => {
    const res = await post(t, `${RUNS}/log-inputs`, { datasets: [] });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      "Missing value for required parameter 'run_id'",
    );
  });

  it('answers an unknown run with RESOURCE_DOES_NOT_EXIST', async () => {
    const res = await post(t, `${RUNS}/log-inputs`, { run_id: 'nope', datasets: [] });
    expectError(res, 404, 'RESOURCE_DOES_NOT_EXIST', 'Run with id=nope not found');
  });
});
