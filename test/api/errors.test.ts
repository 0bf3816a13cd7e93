// The error edge: malformed bodies, content types, wrong field types and unknown endpoints all get
// MLflow's JSON envelope with a 4xx status, never a 500 or an HTML page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../support/fixtures.js';
import { post, startTestApp, type TestApp } from '../support/test-app.js';

const CREATE = '/api/2.0/mlflow/experiments/create';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

function postRaw(url: string, body: string) {
  return t.api.post(url).set('Content-Type', 'application/json').send(body);
}

describe('request bodies', () => {
  it('rejects malformed JSON with 400, not 500', async () => {
    const res = await postRaw(CREATE, '{"name":');
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(res.body.message).toMatch(/Malformed JSON/);
  });

  it.each([
    ['an array', '[1, 2]'],
    ['a number', '5'],
    ['a bare string', '"hello"'],
    ['true', 'true'],
  ])('rejects a body that is %s with 400', async (_kind, body) => {
    const res = await postRaw(CREATE, body);
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('treats an empty body as {} and reports the missing field', async () => {
    const res = await t.api.post(CREATE).set('Content-Type', 'application/json');
    expectError(res, 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'name'");
  });

  it('decodes a double-encoded JSON body as MLflow does', async () => {
    const res = await postRaw(CREATE, JSON.stringify(JSON.stringify({ name: 'double-encoded' })));
    expect(res.status).toBe(200);
    expect(res.body.experiment_id).toMatch(/^\d+$/);
  });

  it('accepts a charset parameter on the JSON content type', async () => {
    const res = await t.api
      .post(CREATE)
      .set('Content-Type', 'application/json; charset=utf-8')
      .send(JSON.stringify({ name: 'with-charset' }));
    expect(res.status).toBe(200);
  });

  it('rejects a POST without Content-Type', async () => {
    const res = await t.api.post(CREATE);
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      'Bad Request. Content-Type header is missing.',
    );
  });

  it('rejects a POST whose Content-Type is not JSON', async () => {
    const res = await t.api
      .post(CREATE)
      .set('Content-Type', 'text/plain')
      .send(JSON.stringify({ name: 'plain' }));
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      "Bad Request. Content-Type must be one of ['application/json'].",
    );
  });

  it('rejects a form-encoded POST', async () => {
    const res = await t.api.post(CREATE).type('form').send('name=form');
    expectError(res, 400, 'INVALID_PARAMETER_VALUE', 'Content-Type must be one of');
  });
});

describe('field types', () => {
  it('rejects a string where an integer is expected, with MLflow hint', async () => {
    const res = await post(t, '/api/2.0/mlflow/runs/search', { max_results: 'abc' });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      `Invalid value "abc" for parameter 'max_results' supplied:  Hint: Value was of type 'str'. See the API docs for more information about request parameters.`,
    );
  });

  it('rejects a fractional number where an integer is expected', async () => {
    const res = await post(t, '/api/2.0/mlflow/runs/search', { max_results: 1.5 });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      "Invalid value 1.5 for parameter 'max_results' supplied:  Hint: Value was of type 'float'.",
    );
  });

  it('rejects a number where a string is expected', async () => {
    const res = await post(t, CREATE, { name: 42 });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      "Invalid value 42 for parameter 'name' supplied:  Hint: Value was of type 'int'.",
    );
  });

  it('rejects a string where a list is expected', async () => {
    const res = await post(t, '/api/2.0/mlflow/runs/search', { experiment_ids: '0' });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      `Invalid value "0" for parameter 'experiment_ids' supplied:  Hint: Value was of type 'str'.`,
    );
  });

  it('rejects a wrong type inside a list, naming the entry', async () => {
    const res = await post(t, CREATE, { name: 'typed-tags', tags: [{ key: 'k', value: 5 }] });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      "Invalid value 5 for parameter 'tags[0].value' supplied:  Hint: Value was of type 'int'.",
    );
  });

  it('reads null for a required field as missing, as protobuf JSON does', async () => {
    const res = await post(t, CREATE, { name: null });
    expectError(res, 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'name'");
  });

  it('ignores null for optional fields, as protobuf JSON does', async () => {
    const res = await post(t, CREATE, { name: 'nulls', artifact_location: null, tags: null });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  });

  it('rejects a non-integer query parameter on GET', async () => {
    const res = await t.api.get('/api/2.0/mlflow/experiments/search').query({ max_results: 'abc' });
    expectError(res, 400, 'INVALID_PARAMETER_VALUE', "parameter 'max_results'");
  });
});

describe('unknown endpoints', () => {
  it.each([
    ['GET', '/api/2.0/mlflow/nope'],
    ['POST', '/api/2.0/mlflow/nope'],
    ['GET', '/ajax-api/2.0/mlflow/nope'],
    ['GET', '/projects/team-a/api/2.0/mlflow/nope'],
    ['GET', '/api/9.9/mlflow/experiments/get'],
  ])('answers %s %s with 404 ENDPOINT_NOT_FOUND', async (method, url) => {
    const res =
      method === 'GET' ? await t.api.get(url) : await post(t, url, { experiment_id: '0' });
    expectError(res, 404, 'ENDPOINT_NOT_FOUND');
    expect(res.headers['content-type']).toMatch(/application\/json/);
  });

  it('does not create a project for an unknown endpoint under a project prefix', async () => {
    await post(t, '/projects/ghost/api/2.0/mlflow/nope', {});
    const list = await t.api.get('/api/3.0/mlflow/workspaces');
    expect(list.body.workspaces.map((w: { name: string }) => w.name)).not.toContain('ghost');
  });
});

describe('the error envelope', () => {
  it('carries MLflow 3 classification fields', async () => {
    const res = await t.api.get('/api/2.0/mlflow/experiments/get').query({ experiment_id: '777' });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      error_code: 'RESOURCE_DOES_NOT_EXIST',
      message: 'No Experiment with id=777 exists',
      sqlstate: 'KAM00',
      error_class: 'RESOURCE_NOT_FOUND',
    });
  });

  it('is served as application/json', async () => {
    const res = await post(t, CREATE, {});
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  });
});

describe('repeated slashes where a base URL meets a path', () => {
  it('reach the endpoint the single-slash path names, as MLflow routes them', async () => {
    const got = await t.api.get('//api/2.0/mlflow/experiments/get?experiment_id=0');
    expect(got.status).toBe(200);
    expect(got.body.experiment.experiment_id).toBe('0');
    const scoped = await t.api.get(
      '/projects/default//api/2.0/mlflow/experiments/get?experiment_id=0',
    );
    expect(scoped.status).toBe(200);
    // The query string is not touched: a path parameter keeps its own slashes.
    const artifact = await t.api.get('//model-versions/get-artifact?path=..//x&name=m&version=1');
    expect(artifact.status).toBe(400);
    expect(artifact.body).toMatchObject({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: 'Invalid path',
    });
    // Further in they are left as sent: there they may be an artifact path's own.
    const deeper = await t.api.get('/api/2.0/mlflow//experiments/get?experiment_id=0');
    expect(deeper.status).toBe(404);
  });
});
