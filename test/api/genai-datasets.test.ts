// MLflow 3 evaluation datasets over HTTP: create/get/delete, tags as JSON text, records upsert and
// merge (Python's upsert key), record pages, experiment links, search (filter, order, paging),
// error envelopes and project isolation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExperiment, expectError } from '../support/fixtures.js';
import { post, startTestApp, type TestApp } from '../support/test-app.js';

const DS = '/api/3.0/mlflow/datasets';

let t: TestApp;
let experimentId: string;
beforeAll(async () => {
  t = await startTestApp();
  experimentId = await createExperiment(t, 'datasets');
});
afterAll(async () => {
  await t.close();
});

interface DatasetJson {
  dataset_id: string;
  name: string;
  tags: string;
  schema?: string;
  profile?: string;
  digest: string;
  created_time: number;
  last_update_time: number;
  created_by?: string;
  last_updated_by?: string;
  experiment_ids?: string[];
}

async function createDataset(
  name: string,
  body: Record<string, unknown> = {},
  prefix = '',
): Promise<DatasetJson> {
  const res = await post(t, `${prefix}${DS}/create`, {
    name,
    experiment_ids: [experimentId],
    ...body,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.dataset as DatasetJson;
}

async function getDataset(id: string, prefix = ''): Promise<DatasetJson> {
  const res = await t.api.get(`${prefix}${DS}/${id}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.dataset as DatasetJson;
}

async function upsert(id: string, records: unknown[]) {
  const res = await post(t, `${DS}/${id}/records`, { records: JSON.stringify(records) });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { inserted_count: number; updated_count: number };
}

async function records(
  id: string,
  query = '',
): Promise<{ list: Record<string, unknown>[]; token?: string; text: string }> {
  const res = await t.api.get(`${DS}/${id}/records${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return {
    list: JSON.parse(res.body.records as string) as Record<string, unknown>[],
    token: res.body.next_page_token as string | undefined,
    text: res.body.records as string,
  };
}

describe('create and get', () => {
  it('creates a dataset with tags as JSON text, its creator and its experiments', async () => {
    const ds = await createDataset('qa', { tags: '{"team": "a", "mlflow.user": "root"}' });
    expect(ds.dataset_id).toMatch(/^d-[0-9a-f]{32}$/);
    expect(ds.digest).toMatch(/^[0-9a-f]{8}$/);
    expect(ds.created_by).toBe('root');
    expect(ds.last_updated_by).toBe('root');
    expect(ds.experiment_ids).toEqual([experimentId]);
    expect(ds.created_time).toBe(ds.last_update_time);
    expect(ds.schema).toBeUndefined();
    expect(ds.profile).toBeUndefined();
    expect(JSON.parse(ds.tags)).toEqual({ team: 'a', 'mlflow.user': 'root' });

    const got = await getDataset(ds.dataset_id);
    // GetDataset leaves experiment ids out, as MLflow; a separate endpoint has them.
    expect(got.experiment_ids).toBeUndefined();
    // In the order the tags were set, as MLflow keeps them.
    expect(got.tags).toBe('{"team": "a", "mlflow.user": "root"}');
    const ids = await t.api.get(`${DS}/${ds.dataset_id}/experiment-ids`);
    expect(ids.body).toEqual({ experiment_ids: [experimentId] });
    // The ajax alias answers too.
    const ajax = await t.api.get(`/ajax-api/3.0/mlflow/datasets/${ds.dataset_id}`);
    expect(ajax.body.dataset.dataset_id).toBe(ds.dataset_id);
  });

  it('answers an unknown dataset with RESOURCE_DOES_NOT_EXIST', async () => {
    expectError(
      await t.api.get(`${DS}/d-missing`),
      404,
      'RESOURCE_DOES_NOT_EXIST',
      "Evaluation dataset with id 'd-missing' not found",
    );
  });

  it('refuses a missing name, bad tags JSON and an unknown experiment', async () => {
    expectError(await post(t, `${DS}/create`, {}), 400, 'INVALID_PARAMETER_VALUE');
    expectError(
      await post(t, `${DS}/create`, { name: 'x', tags: '{bad' }),
      400,
      'INVALID_PARAMETER_VALUE',
    );
    expectError(
      await post(t, `${DS}/create`, { name: 'x', experiment_ids: ['987654'] }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
      'No Experiment with id=987654',
    );
  });
});

describe('records', () => {
  it('inserts, then merges expectations and tags of the same inputs, and counts both', async () => {
    const ds = await createDataset('merge');
    const source = { source_type: 'HUMAN', source_data: {} };
    // Raw text: JSON.stringify would write 1.0 as 1, which Python (and so the upsert key) tells apart.
    const first = await post(t, `${DS}/${ds.dataset_id}/records`, {
      records:
        '[{"inputs": {"question": "What is MLflow?", "n": 1.0}, "expectations": {"answer": "A platform"},' +
        ' "tags": {"mlflow.user": "root"}, "source": {"source_type": "human", "source_data": {}}}]',
    });
    expect(first.body).toEqual({ inserted_count: 1, updated_count: 0 });
    // The same inputs with keys in another order are the same record (sort_keys in the hash).
    const second = await post(t, `${DS}/${ds.dataset_id}/records`, {
      records:
        '[{"inputs": {"n": 1.0, "question": "What is MLflow?"}, "expectations": {"score": 5}, "tags": {"mlflow.user": "bob"}},' +
        ' {"inputs": {"question": "Why?"}, "outputs": "because", "expectations": {"answer": "B"}}]',
    });
    expect(second.body).toEqual({ inserted_count: 1, updated_count: 1 });

    const { list, text, token } = await records(ds.dataset_id);
    expect(token).toBeUndefined();
    expect(list).toHaveLength(2);
    const [merged, other] = list;
    expect(Object.keys(merged)).toEqual([
      'dataset_record_id',
      'dataset_id',
      'inputs',
      'expectations',
      'tags',
      'source',
      'source_type',
      'created_time',
      'last_update_time',
      'created_by',
      'last_updated_by',
      'outputs',
    ]);
    expect(merged.expectations).toEqual({ answer: 'A platform', score: 5 });
    expect(merged.tags).toEqual({ 'mlflow.user': 'bob' });
    expect(merged.created_by).toBe('root');
    expect(merged.last_updated_by).toBe('bob');
    expect(merged.outputs).toEqual({});
    expect(merged.source).toEqual(source);
    expect(merged.source_type).toBe('HUMAN');
    expect(other.outputs).toBe('because');
    // Python's spacing, and the float stays a float.
    expect(text).toContain('"inputs": {"question": "What is MLflow?", "n": 1.0}');

    const after = await getDataset(ds.dataset_id);
    expect(after.profile).toBe('{"num_records": 2}');
    expect(JSON.parse(after.schema!)).toEqual({
      inputs: { question: 'string', n: 'float' },
      outputs: 'string',
      expectations: { answer: 'string', score: 'integer' },
      version: '1.0',
    });
    expect(after.last_update_time).toBeGreaterThanOrEqual(ds.last_update_time);
  });

  it('pages records by (created_time, id) with a base64 cursor token', async () => {
    const ds = await createDataset('pages');
    await upsert(
      ds.dataset_id,
      [1, 2, 3, 4, 5].map((i) => ({ inputs: { i } })),
    );
    const seen: unknown[] = [];
    let query = '?max_results=2';
    let pages = 0;
    for (;;) {
      const page = await records(ds.dataset_id, query);
      pages++;
      seen.push(...page.list.map((r) => r.dataset_record_id));
      if (!page.token) break;
      const decoded = Buffer.from(page.token, 'base64').toString();
      expect(decoded).toMatch(/^\d+:dr-[0-9a-f]{32}$/);
      query = `?max_results=2&page_token=${encodeURIComponent(page.token)}`;
    }
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(5);
  });

  it('deletes records by id and lowers the profile count', async () => {
    const ds = await createDataset('delete-records');
    await upsert(ds.dataset_id, [{ inputs: { a: 1 } }, { inputs: { a: 2 } }]);
    const { list } = await records(ds.dataset_id);
    const res = await t.api
      .delete(`${DS}/${ds.dataset_id}/records`)
      .send({ dataset_record_ids: [list[0].dataset_record_id, 'dr-none'] });
    expect(res.body).toEqual({ deleted_count: 1 });
    expect((await getDataset(ds.dataset_id)).profile).toBe('{"num_records": 1}');
    expect((await records(ds.dataset_id)).list).toHaveLength(1);
  });

  it('refuses malformed records and an unknown dataset', async () => {
    const ds = await createDataset('bad-records');
    for (const bad of ['not json', '{"inputs": {}}', '[1]', '[{"inputs": [1]}]']) {
      expectError(
        await post(t, `${DS}/${ds.dataset_id}/records`, { records: bad }),
        400,
        'INVALID_PARAMETER_VALUE',
      );
    }
    expectError(
      await post(t, `${DS}/${ds.dataset_id}/records`, {
        records: '[{"inputs": {"a": 1}, "source": {"source_type": "ROBOT"}}]',
      }),
      400,
      'INVALID_PARAMETER_VALUE',
      'Invalid dataset record source type: ROBOT',
    );
    expectError(
      await post(t, `${DS}/d-none/records`, { records: '[]' }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
    );
  });
});

describe('tags', () => {
  it('upserts tags from JSON text and deletes one idempotently', async () => {
    const ds = await createDataset('tags', { tags: '{"a": "1"}' });
    const set = await t.api
      .patch(`${DS}/${ds.dataset_id}/tags`)
      .send({ tags: '{"a": "2", "b": 3, "c": null}' });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(JSON.parse((await getDataset(ds.dataset_id)).tags)).toEqual({ a: '2', b: '3' });
    for (let i = 0; i < 2; i++) {
      const del = await t.api.delete(`${DS}/${ds.dataset_id}/tags/a`);
      expect(del.status).toBe(200);
    }
    expect(JSON.parse((await getDataset(ds.dataset_id)).tags)).toEqual({ b: '3' });
    expectError(
      await t.api.patch(`${DS}/d-none/tags`).send({ tags: '{"a": "1"}' }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
      'Could not find evaluation dataset with ID d-none',
    );
  });
});

describe('experiments', () => {
  it('adds and removes experiment links', async () => {
    const other = await createExperiment(t, 'datasets-2');
    const ds = await createDataset('links');
    const added = await post(t, `${DS}/${ds.dataset_id}/add-experiments`, {
      dataset_id: ds.dataset_id,
      experiment_ids: [other],
    });
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    expect(added.body.dataset.dataset_id).toBe(ds.dataset_id);
    let ids = await t.api.get(`${DS}/${ds.dataset_id}/experiment-ids`);
    expect(ids.body.experiment_ids).toEqual([experimentId, other]);
    expectError(
      await post(t, `${DS}/${ds.dataset_id}/add-experiments`, { experiment_ids: ['424242'] }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
      'No Experiment with id=424242',
    );
    await post(t, `${DS}/${ds.dataset_id}/remove-experiments`, { experiment_ids: [experimentId] });
    ids = await t.api.get(`${DS}/${ds.dataset_id}/experiment-ids`);
    expect(ids.body.experiment_ids).toEqual([other]);
    const search = await post(t, `${DS}/search`, { experiment_ids: [other] });
    expect(search.body.datasets.map((d: DatasetJson) => d.name)).toEqual(['links']);
  });
});

describe('search', () => {
  const prefix = '/projects/ds-search';
  let exp: string;
  beforeAll(async () => {
    exp = await createExperiment(t, 'search', prefix);
    for (const [name, team] of [
      ['alpha', 'x'],
      ['beta', 'y'],
      ['gamma', 'x'],
    ]) {
      await createDataset(name, { experiment_ids: [exp], tags: JSON.stringify({ team }) }, prefix);
    }
  });

  const names = async (body: Record<string, unknown>) => {
    const res = await post(t, `${prefix}${DS}/search`, body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return ((res.body.datasets ?? []) as DatasetJson[]).map((d) => d.name);
  };

  it('filters on name, tags and times and orders as asked', async () => {
    expect(await names({ order_by: ['name ASC'] })).toEqual(['alpha', 'beta', 'gamma']);
    expect(await names({ order_by: ['name DESC'] })).toEqual(['gamma', 'beta', 'alpha']);
    expect(await names({ filter_string: "tags.team = 'x'", order_by: ['name'] })).toEqual([
      'alpha',
      'gamma',
    ]);
    expect(await names({ filter_string: "name LIKE 'a%'" })).toEqual(['alpha']);
    expect(await names({ filter_string: "name IN ('beta', 'gamma')", order_by: ['name'] })).toEqual(
      ['beta', 'gamma'],
    );
    expect(await names({ filter_string: 'created_time >= 0', order_by: ['name'] })).toHaveLength(3);
    expect(await names({ filter_string: 'created_time < 0' })).toEqual([]);
    expect(await names({ experiment_ids: [exp], order_by: ['name'] })).toHaveLength(3);
    const get = await t.api.get(`${prefix}${DS}/search?filter_string=name%20%3D%20'beta'`);
    expect(get.body.datasets.map((d: DatasetJson) => d.name)).toEqual(['beta']);
  });

  it('pages with offset tokens', async () => {
    const first = await post(t, `${prefix}${DS}/search`, { max_results: 2, order_by: ['name'] });
    expect(first.body.datasets).toHaveLength(2);
    expect(first.body.next_page_token).toBeTruthy();
    const second = await post(t, `${prefix}${DS}/search`, {
      max_results: 2,
      order_by: ['name'],
      page_token: first.body.next_page_token,
    });
    expect(second.body.datasets.map((d: DatasetJson) => d.name)).toEqual(['gamma']);
    expect(second.body.next_page_token).toBeUndefined();
  });

  it('refuses unknown keys and comparators', async () => {
    for (const filter_string of [
      "owner = 'x'",
      "created_time LIKE '1'",
      'name > 3',
      "params.a = '1'",
    ]) {
      expectError(
        await post(t, `${prefix}${DS}/search`, { filter_string }),
        400,
        'INVALID_PARAMETER_VALUE',
      );
    }
    expectError(
      await post(t, `${prefix}${DS}/search`, { order_by: ['digest'] }),
      400,
      'INVALID_PARAMETER_VALUE',
    );
  });
});

describe('delete and projects', () => {
  it('deletes a dataset with its records; deleting again is not an error', async () => {
    const ds = await createDataset('gone');
    await upsert(ds.dataset_id, [{ inputs: { q: 1 } }]);
    for (let i = 0; i < 2; i++) {
      const res = await t.api.delete(`${DS}/${ds.dataset_id}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({});
    }
    expectError(await t.api.get(`${DS}/${ds.dataset_id}`), 404, 'RESOURCE_DOES_NOT_EXIST');
    expect((await records(ds.dataset_id)).list).toEqual([]);
  });

  it('keeps one project’s datasets invisible to another', async () => {
    const a = '/projects/ds-team-a';
    const b = '/projects/ds-team-b';
    const expA = await createExperiment(t, 'shared', a);
    await createExperiment(t, 'shared', b);
    const ds = await createDataset('secret', { experiment_ids: [expA] }, a);
    expect((await getDataset(ds.dataset_id, a)).name).toBe('secret');
    expectError(await t.api.get(`${b}${DS}/${ds.dataset_id}`), 404, 'RESOURCE_DOES_NOT_EXIST');
    expect((await post(t, `${b}${DS}/search`, {})).body).toEqual({});
    expectError(
      await post(t, `${b}${DS}/${ds.dataset_id}/records`, { records: '[]' }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
    );
    await t.api.delete(`${b}${DS}/${ds.dataset_id}`);
    expect((await getDataset(ds.dataset_id, a)).name).toBe('secret');
  });
});
