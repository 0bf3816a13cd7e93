// MLflow 3 logged models over HTTP: create/get/finalize/delete, params and tags, metrics logged
// through runs, search (filters, datasets, order_by, paging), run inputs/outputs, artifacts and
// project isolation; success and error paths.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExperiment, createRun, expectError } from '../support/fixtures.js';
import { post, startTestApp, type TestApp } from '../support/test-app.js';

const LM = '/api/2.0/mlflow/logged-models';
const SEARCH = `${LM}/search`;

let t: TestApp;
let experimentId: string;
beforeAll(async () => {
  t = await startTestApp();
  experimentId = await createExperiment(t, 'logged-models');
});
afterAll(async () => {
  await t.close();
});

interface ModelJson {
  info: Record<string, unknown> & { model_id: string; name: string };
  data: {
    params?: { key: string; value: string }[];
    metrics?: Record<string, unknown>[];
  };
}

async function createModel(
  body: Record<string, unknown> = {},
  prefix = '',
  experiment = experimentId,
): Promise<ModelJson> {
  const res = await post(t, `${prefix}${LM}`, { experiment_id: experiment, ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.model as ModelJson;
}

async function getModel(modelId: string, prefix = ''): Promise<ModelJson> {
  const res = await t.api.get(`${prefix}${LM}/${modelId}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.model as ModelJson;
}

async function search(body: Record<string, unknown>, experiments = [experimentId]) {
  return post(t, SEARCH, { experiment_ids: experiments, ...body });
}

async function searchNames(body: Record<string, unknown>, experiments = [experimentId]) {
  const res = await search(body, experiments);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return ((res.body.models ?? []) as ModelJson[]).map((m) => m.info.name);
}

describe('create and get', () => {
  it('creates a PENDING model with an m-<32 hex> id below the experiment artifact root', async () => {
    const run = await createRun(t, experimentId);
    const model = await createModel({
      name: 'clf',
      model_type: 'sklearn',
      source_run_id: run.runId,
      params: [{ key: 'alpha', value: '0.5' }],
      tags: [{ key: 'team', value: 'a' }],
    });
    expect(model.info.model_id).toMatch(/^m-[0-9a-f]{32}$/);
    expect(model.info).toMatchObject({
      experiment_id: experimentId,
      name: 'clf',
      artifact_uri: `mlflow-artifacts:/${experimentId}/models/${model.info.model_id}/artifacts`,
      status: 'LOGGED_MODEL_PENDING',
      model_type: 'sklearn',
      source_run_id: run.runId,
      tags: [{ key: 'team', value: 'a' }],
    });
    expect(model.info.creation_timestamp_ms).toBe(model.info.last_updated_timestamp_ms);
    expect(model.data).toEqual({ params: [{ key: 'alpha', value: '0.5' }] });
    expect(await getModel(model.info.model_id)).toEqual(model);
  });

  it('generates a name when none is given and answers empty data as {}', async () => {
    const model = await createModel();
    expect(model.info.name).toMatch(/^[a-z]+-[a-z]+-\d+$/);
    expect(model.data).toEqual({});
    expect(model.info).not.toHaveProperty('tags');
    expect(model.info).not.toHaveProperty('status_message');
  });

  it('rejects a name with path or quote characters', async () => {
    const res = await post(t, LM, { experiment_id: experimentId, name: 'a/b' });
    expectError(res, 400, 'INVALID_PARAMETER_VALUE', "Invalid model name ('a/b') provided");
  });

  it('requires an experiment id that exists and is active', async () => {
    expectError(
      await post(t, LM, {}),
      400,
      'INVALID_PARAMETER_VALUE',
      "Missing value for required parameter 'experiment_id'",
    );
    expectError(
      await post(t, LM, { experiment_id: '999' }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
      'No Experiment with id=999 exists',
    );
    const doomed = await createExperiment(t, 'doomed');
    await post(t, '/api/2.0/mlflow/experiments/delete', { experiment_id: doomed });
    expectError(
      await post(t, LM, { experiment_id: doomed }),
      400,
      'INVALID_PARAMETER_VALUE',
      "must be in the 'active' state",
    );
  });

  it('stores a source run id that names no run here as given, as MLflow does', async () => {
    const res = await post(t, LM, { experiment_id: experimentId, source_run_id: '123' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.model.info.source_run_id).toBe('123');
    expect((await getModel(res.body.model.info.model_id)).info.source_run_id).toBe('123');
  });

  it('answers an unknown id with RESOURCE_DOES_NOT_EXIST 404 on every model route', async () => {
    const id = `m-${'0'.repeat(32)}`;
    const message = `Logged model with ID '${id}' not found.`;
    expectError(await t.api.get(`${LM}/${id}`), 404, 'RESOURCE_DOES_NOT_EXIST', message);
    expectError(
      await t.api
        .patch(`${LM}/${id}`)
        .set('Content-Type', 'application/json')
        .send({ status: 'LOGGED_MODEL_READY' }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
      message,
    );
    expectError(await t.api.delete(`${LM}/${id}`), 404, 'RESOURCE_DOES_NOT_EXIST', message);
    expectError(
      await t.api
        .patch(`${LM}/${id}/tags`)
        .set('Content-Type', 'application/json')
        .send({ tags: [{ key: 'a', value: 'b' }] }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
    );
    expectError(await t.api.delete(`${LM}/${id}/tags/a`), 404, 'RESOURCE_DOES_NOT_EXIST');
    expectError(
      await post(t, `${LM}/${id}/params`, { params: [{ key: 'a', value: 'b' }] }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
    );
    expectError(
      await t.api.get(`${LM}/${id}/artifacts/directories`),
      404,
      'RESOURCE_DOES_NOT_EXIST',
    );
  });
});

describe('finalize, params, tags and delete', () => {
  it('finalizes by status name or number and bumps last_updated_timestamp_ms', async () => {
    const model = await createModel();
    const res = await t.api
      .patch(`${LM}/${model.info.model_id}`)
      .set('Content-Type', 'application/json')
      .send({ model_id: model.info.model_id, status: 'LOGGED_MODEL_READY' });
    expect(res.status).toBe(200);
    expect(res.body.model.info.status).toBe('LOGGED_MODEL_READY');
    expect(res.body.model.info.last_updated_timestamp_ms).toBeGreaterThanOrEqual(
      model.info.creation_timestamp_ms as number,
    );
    const again = await t.api
      .patch(`${LM}/${model.info.model_id}`)
      .set('Content-Type', 'application/json')
      .send({ status: 3 });
    expect(again.body.model.info.status).toBe('LOGGED_MODEL_UPLOAD_FAILED');
  });

  it('rejects a missing or unknown status', async () => {
    const model = await createModel();
    const patch = (body: unknown) =>
      t.api
        .patch(`${LM}/${model.info.model_id}`)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify(body));
    expectError(await patch({}), 400, 'INVALID_PARAMETER_VALUE', "parameter 'status'");
    expectError(await patch({ status: 'DONE' }), 400, 'INVALID_PARAMETER_VALUE', "'status'");
    expect((await getModel(model.info.model_id)).info.status).toBe('LOGGED_MODEL_PENDING');
  });

  it('logs params; an identical value again is fine, a changed one is refused', async () => {
    const { model_id: id } = (await createModel({ params: [{ key: 'a', value: '1' }] })).info;
    expect(
      (await post(t, `${LM}/${id}/params`, { params: [{ key: 'a', value: '1' }] })).status,
    ).toBe(200);
    expect(
      (await post(t, `${LM}/${id}/params`, { params: [{ key: 'b', value: '2' }] })).status,
    ).toBe(200);
    expectError(
      await post(t, `${LM}/${id}/params`, { params: [{ key: 'a', value: '9' }] }),
      400,
      'INVALID_PARAMETER_VALUE',
      "Param with key='a' was already logged with value='1'",
    );
    expect((await getModel(id)).data.params).toEqual([
      { key: 'a', value: '1' },
      { key: 'b', value: '2' },
    ]);
  });

  it('sets tags (last value wins), deletes one, and 404s a missing tag', async () => {
    const { model_id: id } = (await createModel()).info;
    const setTags = (tags: unknown) =>
      t.api.patch(`${LM}/${id}/tags`).set('Content-Type', 'application/json').send({ tags });
    expect(
      (
        await setTags([
          { key: 'x', value: '1' },
          { key: 'y', value: '2' },
        ])
      ).body,
    ).toEqual({});
    await setTags([{ key: 'x', value: '3' }]);
    expect((await getModel(id)).info.tags).toEqual([
      { key: 'x', value: '3' },
      { key: 'y', value: '2' },
    ]);
    expect((await t.api.delete(`${LM}/${id}/tags/x`)).status).toBe(200);
    expect((await getModel(id)).info.tags).toEqual([{ key: 'y', value: '2' }]);
    expectError(
      await t.api.delete(`${LM}/${id}/tags/x`),
      404,
      'RESOURCE_DOES_NOT_EXIST',
      `No tag with key 'x' found for model with ID '${id}'.`,
    );
    expectError(
      await setTags([{ value: 'no key' }]),
      400,
      'INVALID_PARAMETER_VALUE',
      "'tags[0].key'",
    );
  });

  it('soft-deletes: hidden from get and search, visible with allow_deleted', async () => {
    const exp = await createExperiment(t, 'soft-delete');
    const kept = await createModel({ name: 'kept' }, '', exp);
    const gone = await createModel({ name: 'gone' }, '', exp);
    expect((await t.api.delete(`${LM}/${gone.info.model_id}`)).status).toBe(200);
    // Deleting again is not an error, as in MLflow.
    expect((await t.api.delete(`${LM}/${gone.info.model_id}`)).status).toBe(200);
    expectError(await t.api.get(`${LM}/${gone.info.model_id}`), 404, 'RESOURCE_DOES_NOT_EXIST');
    const allowed = await t.api.get(`${LM}/${gone.info.model_id}`).query({ allow_deleted: 'true' });
    expect(allowed.status).toBe(200);
    expect(allowed.body.model.info.name).toBe('gone');
    expect(await searchNames({}, [exp])).toEqual([kept.info.name]);
  });
});

describe('metrics logged through runs', () => {
  it('log-metric with model_id shows on the model with its run and dataset', async () => {
    const model = await createModel();
    const { runId } = await createRun(t, experimentId);
    const res = await post(t, '/api/2.0/mlflow/runs/log-metric', {
      run_id: runId,
      key: 'acc',
      value: 0.9,
      timestamp: 5,
      step: 2,
      model_id: model.info.model_id,
      dataset_name: 'eval',
      dataset_digest: 'abc',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect((await getModel(model.info.model_id)).data.metrics).toEqual([
      {
        key: 'acc',
        value: 0.9,
        timestamp: 5,
        step: 2,
        dataset_name: 'eval',
        dataset_digest: 'abc',
        model_id: model.info.model_id,
        run_id: runId,
      },
    ]);
    // The run keeps the point in its own history too.
    const run = await t.api.get('/api/2.0/mlflow/runs/get').query({ run_id: runId });
    expect(run.body.run.data.metrics).toEqual([{ key: 'acc', value: 0.9, timestamp: 5, step: 2 }]);
  });

  it('log-batch links each metric to its model and stores NaN as 0 like MLflow', async () => {
    const a = await createModel();
    const b = await createModel();
    const { runId } = await createRun(t, experimentId);
    const res = await post(t, '/api/2.0/mlflow/runs/log-batch', {
      run_id: runId,
      metrics: [
        { key: 'loss', value: 1.5, timestamp: 1, model_id: a.info.model_id },
        { key: 'loss', value: 'NaN', timestamp: 1, model_id: b.info.model_id },
        { key: 'plain', value: 3, timestamp: 1 },
      ],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect((await getModel(a.info.model_id)).data.metrics).toMatchObject([
      { key: 'loss', value: 1.5 },
    ]);
    expect((await getModel(b.info.model_id)).data.metrics).toMatchObject([
      { key: 'loss', value: 0 },
    ]);
  });

  it('refuses a metric naming an unknown model and writes nothing of the batch', async () => {
    const { runId } = await createRun(t, experimentId);
    const res = await post(t, '/api/2.0/mlflow/runs/log-batch', {
      run_id: runId,
      metrics: [
        { key: 'ok', value: 1, timestamp: 1 },
        { key: 'bad', value: 1, timestamp: 1, model_id: 'm-unknown' },
      ],
    });
    expectError(res, 400, 'BAD_REQUEST', "Logged model with ID 'm-unknown' not found.");
    const run = await t.api.get('/api/2.0/mlflow/runs/get').query({ run_id: runId });
    expect(run.body.run.data).not.toHaveProperty('metrics');
  });
});

describe('run inputs and outputs', () => {
  it('log-outputs shows in get-run and search-runs; model inputs only in get-run', async () => {
    const exp = await createExperiment(t, 'outputs');
    const produced = await createModel({}, '', exp);
    const used = await createModel({}, '', exp);
    const { runId } = await createRun(t, exp);
    const out = await post(t, '/api/2.0/mlflow/runs/outputs', {
      run_id: runId,
      models: [{ model_id: produced.info.model_id, step: 4 }],
    });
    expect(out.status, JSON.stringify(out.body)).toBe(200);
    const inp = await post(t, '/api/2.0/mlflow/runs/log-inputs', {
      run_id: runId,
      models: [{ model_id: used.info.model_id }],
    });
    expect(inp.status, JSON.stringify(inp.body)).toBe(200);

    const run = (await t.api.get('/api/2.0/mlflow/runs/get').query({ run_id: runId })).body.run;
    expect(run.inputs).toEqual({ model_inputs: [{ model_id: used.info.model_id }] });
    expect(run.outputs).toEqual({ model_outputs: [{ model_id: produced.info.model_id, step: 4 }] });
    const found = await post(t, '/api/2.0/mlflow/runs/search', { experiment_ids: [exp] });
    expect(found.body.runs[0].inputs).toEqual({});
    expect(found.body.runs[0].outputs).toEqual(run.outputs);
  });

  it('rejects log-outputs without models, for an unknown model, or for a deleted run', async () => {
    const { runId } = await createRun(t, experimentId);
    expectError(
      await post(t, '/api/2.0/mlflow/runs/outputs', { run_id: runId }),
      400,
      'INVALID_PARAMETER_VALUE',
      "Missing value for required parameter 'models'",
    );
    expectError(
      await post(t, '/api/2.0/mlflow/runs/outputs', {
        run_id: runId,
        models: [{ model_id: 'm-nope', step: 0 }],
      }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
      "Logged model with ID 'm-nope' not found.",
    );
    const model = await createModel();
    await post(t, '/api/2.0/mlflow/runs/delete', { run_id: runId });
    expectError(
      await post(t, '/api/2.0/mlflow/runs/outputs', {
        run_id: runId,
        models: [{ model_id: model.info.model_id }],
      }),
      400,
      'INVALID_PARAMETER_VALUE',
      "must be in the 'active' state",
    );
  });

  it('keeps models and their metrics when their run or experiment is deleted, as MLflow', async () => {
    const exp = await createExperiment(t, 'cascade');
    const model = await createModel({}, '', exp);
    const { runId } = await createRun(t, exp);
    await post(t, '/api/2.0/mlflow/runs/log-metric', {
      run_id: runId,
      key: 'm',
      value: 1,
      timestamp: 1,
      model_id: model.info.model_id,
    });
    await post(t, '/api/2.0/mlflow/runs/delete', { run_id: runId });
    await post(t, '/api/2.0/mlflow/experiments/delete', { experiment_id: exp });
    const kept = await getModel(model.info.model_id);
    expect(kept.data.metrics).toHaveLength(1);
    expect(await searchNames({}, [exp])).toEqual([model.info.name]);
  });
});

describe('search', () => {
  let exp: string;
  const ids: string[] = [];
  beforeAll(async () => {
    exp = await createExperiment(t, 'search');
    const { runId } = await createRun(t, exp);
    for (let i = 0; i < 5; i++) {
      const model = await createModel(
        {
          name: `m${i}`,
          params: [{ key: 'lr', value: String(i % 2) }],
          tags: [{ key: 'parity', value: i % 2 ? 'odd' : 'even' }],
        },
        '',
        exp,
      );
      ids.push(model.info.model_id);
      await post(t, '/api/2.0/mlflow/runs/log-metric', {
        run_id: runId,
        key: 'acc',
        value: i / 10,
        timestamp: 10 + i,
        model_id: model.info.model_id,
        dataset_name: i < 3 ? 'train' : 'test',
        dataset_digest: 'd1',
      });
      if (i % 2 === 0) {
        await t.api
          .patch(`${LM}/${model.info.model_id}`)
          .set('Content-Type', 'application/json')
          .send({ status: 'LOGGED_MODEL_READY' });
      }
      // Distinct creation times so the default order is defined by them.
      await new Promise((r) => setTimeout(r, 3));
    }
  });

  it('lists live models newest first by default', async () => {
    expect(await searchNames({}, [exp])).toEqual(['m4', 'm3', 'm2', 'm1', 'm0']);
  });

  it.each([
    ["name = 'm1'", ['m1']],
    ['name = m1', ['m1']],
    ["attributes.name LIKE 'm%' AND name != 'm4'", ['m3', 'm2', 'm1', 'm0']],
    ["name ILIKE 'M3'", ['m3']],
    ["name IN ('m0', 'm2')", ['m2', 'm0']],
    ["name NOT IN ('m0', 'm2')", ['m4', 'm3', 'm1']],
    ["params.lr = '1'", ['m3', 'm1']],
    ["tags.parity = 'even' AND metrics.acc > 0.1", ['m4', 'm2']],
    ['metrics.acc <= 0.1', ['m1', 'm0']],
    ["status = 'READY'", ['m4', 'm2', 'm0']],
    ['status = 2', ['m4', 'm2', 'm0']],
    ["status != 'LOGGED_MODEL_READY'", ['m3', 'm1']],
    ['creation_timestamp > 0', ['m4', 'm3', 'm2', 'm1', 'm0']],
    ['last_updated_timestamp < 0', []],
    ["model_type = ''", ['m4', 'm3', 'm2', 'm1', 'm0']],
  ])('filter %s', async (filter, expected) => {
    expect(await searchNames({ filter }, [exp])).toEqual(expected);
  });

  it('filters by model_id, experiment_id and source_run_id', async () => {
    expect(await searchNames({ filter: `model_id = '${ids[2]}'` }, [exp])).toEqual(['m2']);
    expect(
      await searchNames({ filter: `experiment_id = '${exp}'`, max_results: 1 }, [exp]),
    ).toEqual(['m4']);
    expect(await searchNames({ filter: "source_run_id = 'x'" }, [exp])).toEqual([]);
  });

  it('restricts to models with metrics on the given datasets', async () => {
    expect(await searchNames({ datasets: [{ dataset_name: 'test' }] }, [exp])).toEqual([
      'm4',
      'm3',
    ]);
    expect(
      await searchNames(
        { filter: 'metrics.acc >= 0', datasets: [{ dataset_name: 'train', dataset_digest: 'd1' }] },
        [exp],
      ),
    ).toEqual(['m2', 'm1', 'm0']);
    expect(
      await searchNames({ datasets: [{ dataset_name: 'train', dataset_digest: 'zz' }] }, [exp]),
    ).toEqual([]);
  });

  it('orders by attributes and by latest metric value, nulls last', async () => {
    const unmeasured = await createModel({ name: 'zz-no-metric' }, '', exp);
    try {
      expect(await searchNames({ order_by: [{ field_name: 'metrics.acc' }] }, [exp])).toEqual([
        'm0',
        'm1',
        'm2',
        'm3',
        'm4',
        'zz-no-metric',
      ]);
      expect(
        await searchNames({ order_by: [{ field_name: 'metrics.acc', ascending: false }] }, [exp]),
      ).toEqual(['m4', 'm3', 'm2', 'm1', 'm0', 'zz-no-metric']);
      expect(
        await searchNames(
          { order_by: [{ field_name: 'metrics.acc', ascending: false, dataset_name: 'train' }] },
          [exp],
        ),
      ).toEqual(['m2', 'm1', 'm0', 'zz-no-metric', 'm4', 'm3']);
      expect(
        await searchNames({ order_by: [{ field_name: 'name', ascending: false }] }, [exp]),
      ).toEqual(['zz-no-metric', 'm4', 'm3', 'm2', 'm1', 'm0']);
      expect(
        await searchNames({ order_by: [{ field_name: 'creation_time', ascending: true }] }, [exp]),
      ).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'zz-no-metric']);
    } finally {
      await t.api.delete(`${LM}/${unmeasured.info.model_id}`);
    }
  });

  it('pages with tokens that are tied to their query', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const res = await search({ max_results: 2, ...(token ? { page_token: token } : {}) }, [exp]);
      expect(res.status).toBe(200);
      seen.push(...(res.body.models as ModelJson[]).map((m) => m.info.name));
      token = res.body.next_page_token as string | undefined;
    } while (token);
    expect(seen).toEqual(['m4', 'm3', 'm2', 'm1', 'm0']);

    const first = await search({ max_results: 2 }, [exp]);
    expectError(
      await search(
        { max_results: 2, filter: "name = 'm1'", page_token: first.body.next_page_token },
        [exp],
      ),
      400,
      'INVALID_PARAMETER_VALUE',
      'Filter string in the page token does not match the requested filter string.',
    );
    expectError(
      await search({ page_token: 'not a token' }, [exp]),
      400,
      'INVALID_PARAMETER_VALUE',
      'Invalid page token',
    );
  });

  it.each([
    ["name = 'a' OR name = 'b'", 'Invalid filter string'],
    ["foo = 'x'", "Invalid attribute key 'foo'"],
    ['metric.acc > 1', "Invalid entity type: 'metric'"],
    ["name > 'a'", 'Invalid comparison operator for attributes.name'],
    ["metrics.acc = 'high'", 'Invalid value for metrics.acc'],
    ["status = 'DONE'", "Invalid status 'DONE'"],
    ["status LIKE 'R%'", 'Invalid comparison operator for attributes.status'],
  ])('rejects filter %s with INVALID_PARAMETER_VALUE', async (filter, message) => {
    expectError(await search({ filter }, [exp]), 400, 'INVALID_PARAMETER_VALUE', message);
  });

  it('rejects bad order_by, datasets and request fields', async () => {
    expectError(
      await search({ order_by: [{ field_name: 'params.lr' }] }, [exp]),
      400,
      'INVALID_PARAMETER_VALUE',
      'Invalid order by field name: params.lr. Only metrics are supported.',
    );
    const unknownField = await search({ order_by: [{ field_name: 'bogus' }] }, [exp]);
    expectError(unknownField, 400, 'INVALID_PARAMETER_VALUE', 'Invalid order by field name: bogus');
    // MLflow classifies this one as an attribute lookup failure, not a plain bad parameter.
    expect(unknownField.body).toMatchObject({
      sqlstate: 'KAM04',
      error_class: 'ATTRIBUTE_NOT_FOUND',
    });
    expectError(
      await search({ datasets: [{ dataset_digest: 'd1' }] }, [exp]),
      400,
      'INVALID_PARAMETER_VALUE',
      '`dataset_name` in the `datasets` clause must be specified.',
    );
    expectError(
      await post(t, SEARCH, {}),
      400,
      'INVALID_PARAMETER_VALUE',
      "Missing value for required parameter 'experiment_ids'",
    );
    expectError(
      await search({}, ['abc']),
      400,
      'INVALID_PARAMETER_VALUE',
      "Invalid experiment ID 'abc'",
    );
  });
});

describe('artifacts', () => {
  it('lists and downloads what the client uploaded through the artifact proxy', async () => {
    const model = await createModel();
    const id = model.info.model_id;
    const base = `/api/2.0/mlflow-artifacts/artifacts/${experimentId}/models/${id}/artifacts`;
    const put = (p: string, body: string) =>
      t.api.put(`${base}/${p}`).set('Content-Type', 'application/octet-stream').send(body);
    expect((await put('MLmodel', 'flavors: {}\n')).status).toBe(200);
    expect((await put('sub/model.pkl', 'bytes')).status).toBe(200);

    const root = await t.api.get(`${LM}/${id}/artifacts/directories`);
    expect(root.status).toBe(200);
    expect(root.body).toEqual({
      root_uri: model.info.artifact_uri,
      files: [
        { path: 'MLmodel', is_dir: false, file_size: 12 },
        { path: 'sub', is_dir: true },
      ],
    });
    const sub = await t.api
      .get(`${LM}/${id}/artifacts/directories`)
      .query({ artifact_directory_path: 'sub' });
    expect(sub.body.files).toEqual([{ path: 'sub/model.pkl', is_dir: false, file_size: 5 }]);

    const file = await t.api
      .get(`/ajax-api/2.0/mlflow/logged-models/${id}/artifacts/files`)
      .query({ artifact_file_path: 'sub/model.pkl' });
    expect(file.status).toBe(200);
    expect(Buffer.from(file.body as Buffer).toString()).toBe('bytes');
  });

  it('refuses paths that leave the model folder and a missing file path', async () => {
    const { model_id: id } = (await createModel()).info;
    const files = `/ajax-api/2.0/mlflow/logged-models/${id}/artifacts/files`;
    expectError(
      await t.api.get(files),
      400,
      'BAD_REQUEST',
      'Request must include the "artifact_file_path" query parameter.',
    );
    const escape = await t.api.get(files).query({ artifact_file_path: '../../x' });
    expect(escape.status).toBe(400);
    const list = await t.api
      .get(`${LM}/${id}/artifacts/directories`)
      .query({ artifact_directory_path: '../..' });
    expect(list.status).toBe(400);
    expectError(
      await t.api.get(files).query({ artifact_file_path: 'MLmodel' }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
    );
  });
});

describe('projects', () => {
  it('keeps logged models of one project invisible to another', async () => {
    const a = '/projects/lm-team-a';
    const b = '/projects/lm-team-b';
    const expA = await createExperiment(t, 'shared', a);
    const expB = await createExperiment(t, 'shared', b);
    const model = await createModel({ name: 'secret' }, a, expA);
    expect((await getModel(model.info.model_id, a)).info.name).toBe('secret');

    expectError(
      await t.api.get(`${b}${LM}/${model.info.model_id}`),
      404,
      'RESOURCE_DOES_NOT_EXIST',
    );
    const other = await post(t, `${b}${SEARCH}`, { experiment_ids: [expB] });
    expect(other.body).toEqual({});
    expectError(
      await t.api.delete(`${b}${LM}/${model.info.model_id}`),
      404,
      'RESOURCE_DOES_NOT_EXIST',
    );
    const header = await t.api
      .get(`${LM}/${model.info.model_id}`)
      .set('X-MLFLOW-WORKSPACE', 'lm-team-a');
    expect(header.status).toBe(200);
    // Still intact in its own project.
    expect((await getModel(model.info.model_id, a)).info.status).toBe('LOGGED_MODEL_PENDING');
  });
});
