// Model versions: create, get, update, delete, stage transitions, tags, search, download URI and
// the web UI's artifact download.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../support/fixtures.js';
import { createModel, createVersion, MV, newRun, RM, send } from '../support/registry-fixtures.js';
import { post, startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

const getVersion = (name: string, version: string, prefix = '') =>
  t.api.get(`${prefix}${MV}/get`).query({ name, version });

describe('model-versions/create and get', () => {
  it('numbers versions from 1 and answers them as MLflow does', async () => {
    await createModel(t, 'numbered');
    const runId = await newRun(t);
    const res = await post(t, `${MV}/create`, {
      name: 'numbered',
      source: `runs:/${runId}/model`,
      run_id: runId,
    });
    expect(res.status).toBe(200);
    expect(res.body.model_version).toEqual({
      name: 'numbered',
      version: '1',
      creation_timestamp: expect.any(Number),
      last_updated_timestamp: res.body.model_version.creation_timestamp,
      current_stage: 'None',
      description: '',
      source: `runs:/${runId}/model`,
      run_id: runId,
      status: 'READY',
      run_link: '',
    });
    const second = await createVersion(t, 'numbered', {
      description: 'second',
      tags: [{ key: 'k', value: 'v' }],
    });
    expect(second).toMatchObject({
      version: '2',
      description: 'second',
      tags: [{ key: 'k', value: 'v' }],
    });

    const got = await getVersion('numbered', '2');
    expect(got.status).toBe(200);
    expect(got.body.model_version).toEqual(second);
  });

  it('bumps the registered model’s last_updated_timestamp', async () => {
    const model = await createModel(t, 'bumped');
    await new Promise((r) => setTimeout(r, 5));
    await createVersion(t, 'bumped');
    const got = await t.api.get(`${RM}/get`).query({ name: 'bumped' });
    expect(got.body.registered_model.last_updated_timestamp).toBeGreaterThan(
      model.creation_timestamp as number,
    );
  });

  it('refuses a version of a missing registered model', async () => {
    const runId = await newRun(t);
    expectError(
      await post(t, `${MV}/create`, {
        name: 'no-model',
        source: `runs:/${runId}/m`,
        run_id: runId,
      }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
      'Registered Model with name=no-model not found',
    );
  });

  it('answers missing versions and bad version numbers as MLflow does', async () => {
    await createModel(t, 'lookups');
    await createVersion(t, 'lookups');
    expectError(
      await getVersion('lookups', '7'),
      404,
      'RESOURCE_DOES_NOT_EXIST',
      'Model Version (name=lookups, version=7) not found',
    );
    expectError(
      await getVersion('lookups', 'one'),
      400,
      'INVALID_PARAMETER_VALUE',
      "Parameter 'version' must be an integer, got 'one'.",
    );
    expectError(
      await t.api.get(`${MV}/get`).query({ name: 'lookups' }),
      400,
      'INVALID_PARAMETER_VALUE',
      "Missing value for required parameter 'version'",
    );
  });
});

describe('model-versions/update, delete, tags', () => {
  it('updates the description and clears it when none is given', async () => {
    await createModel(t, 'updated');
    await createVersion(t, 'updated');
    let res = await send(t, 'PATCH', `${MV}/update`, {
      name: 'updated',
      version: '1',
      description: 'better',
    });
    expect(res.status).toBe(200);
    expect(res.body.model_version.description).toBe('better');
    res = await send(t, 'PATCH', `${MV}/update`, { name: 'updated', version: '1' });
    expect(res.body.model_version.description).toBeUndefined();
  });

  it('deletes a version: gone for reads, its number never reused', async () => {
    await createModel(t, 'deleting');
    await createVersion(t, 'deleting');
    await createVersion(t, 'deleting');
    const res = await send(t, 'DELETE', `${MV}/delete`, { name: 'deleting', version: '2' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    expectError(await getVersion('deleting', '2'), 404, 'RESOURCE_DOES_NOT_EXIST');
    expectError(
      await send(t, 'DELETE', `${MV}/delete`, { name: 'deleting', version: '2' }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
    );
    const next = await createVersion(t, 'deleting');
    expect(next.version).toBe('3');
    const search = await t.api.get(`${MV}/search`).query({ filter: "name = 'deleting'" });
    expect(search.body.model_versions.map((v: { version: string }) => v.version)).toEqual([
      '3',
      '1',
    ]);
  });

  it('sets, overwrites and deletes version tags', async () => {
    await createModel(t, 'version-tags');
    await createVersion(t, 'version-tags');
    const ref = { name: 'version-tags', version: '1' };
    expect((await post(t, `${MV}/set-tag`, { ...ref, key: 'a', value: '1' })).status).toBe(200);
    await post(t, `${MV}/set-tag`, { ...ref, key: 'a', value: '2' });
    await post(t, `${MV}/set-tag`, { ...ref, key: 'b' });
    expect((await getVersion('version-tags', '1')).body.model_version.tags).toEqual([
      { key: 'a', value: '2' },
      { key: 'b', value: '' },
    ]);
    expect((await send(t, 'DELETE', `${MV}/delete-tag`, { ...ref, key: 'a' })).status).toBe(200);
    expect((await send(t, 'DELETE', `${MV}/delete-tag`, { ...ref, key: 'zz' })).status).toBe(200);
    expect((await getVersion('version-tags', '1')).body.model_version.tags).toEqual([
      { key: 'b', value: '' },
    ]);
    expectError(
      await post(t, `${MV}/set-tag`, { name: 'version-tags', version: '5', key: 'a', value: '1' }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
    );
    expectError(
      await post(t, `${MV}/set-tag`, { ...ref, key: 'bad key!', value: '1' }),
      400,
      'INVALID_PARAMETER_VALUE',
    );
  });
});

describe('model-versions/transition-stage', () => {
  it('moves a version to a stage in any letter case', async () => {
    await createModel(t, 'stages');
    await createVersion(t, 'stages');
    const res = await post(t, `${MV}/transition-stage`, {
      name: 'stages',
      version: '1',
      stage: 'staging',
    });
    expect(res.status).toBe(200);
    expect(res.body.model_version.current_stage).toBe('Staging');
  });

  it('archives the stage’s other versions when asked', async () => {
    await createModel(t, 'archiving');
    for (let i = 0; i < 3; i++) await createVersion(t, 'archiving');
    await post(t, `${MV}/transition-stage`, {
      name: 'archiving',
      version: '1',
      stage: 'Production',
    });
    await post(t, `${MV}/transition-stage`, {
      name: 'archiving',
      version: '2',
      stage: 'Production',
    });
    const res = await post(t, `${MV}/transition-stage`, {
      name: 'archiving',
      version: '3',
      stage: 'Production',
      archive_existing_versions: true,
    });
    expect(res.body.model_version.current_stage).toBe('Production');
    const stages = await Promise.all(
      ['1', '2', '3'].map(
        async (v) => (await getVersion('archiving', v)).body.model_version.current_stage,
      ),
    );
    expect(stages).toEqual(['Archived', 'Archived', 'Production']);
  });

  it('refuses an unknown stage, and archiving from a stage that is not active', async () => {
    await createModel(t, 'bad-stages');
    await createVersion(t, 'bad-stages');
    expectError(
      await post(t, `${MV}/transition-stage`, { name: 'bad-stages', version: '1', stage: 'Live' }),
      400,
      'INVALID_PARAMETER_VALUE',
      'Invalid Model Version stage: Live.',
    );
    expectError(
      await post(t, `${MV}/transition-stage`, {
        name: 'bad-stages',
        version: '1',
        stage: 'Archived',
        archive_existing_versions: true,
      }),
      400,
      'INVALID_PARAMETER_VALUE',
      "'Archived' is not an Active stage",
    );
    expectError(
      await post(t, `${MV}/transition-stage`, { name: 'bad-stages', version: '9', stage: 'None' }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
    );
  });
});

describe('model-versions/search', () => {
  const prefix = '/projects/search-versions';
  const search = (query: Record<string, unknown>) =>
    t.api.get(`${prefix}${MV}/search`).query(query);
  const keys = (res: { body: { model_versions?: { name: string; version: string }[] } }) =>
    (res.body.model_versions ?? []).map((v) => `${v.name}/${v.version}`);
  let runA: string;

  beforeAll(async () => {
    await createModel(t, 'm1', {}, prefix);
    await createModel(t, 'm2', {}, prefix);
    runA = await newRun(t, prefix);
    await createVersion(t, 'm1', { run_id: runA, source: `runs:/${runA}/model` }, prefix);
    await createVersion(t, 'm1', { tags: [{ key: 'env', value: 'prod' }] }, prefix);
    await createVersion(t, 'm2', { run_id: runA, source: `runs:/${runA}/other` }, prefix);
    await createVersion(t, 'm2', { tags: [{ key: 'env', value: 'dev' }] }, prefix);
  });

  it('lists live versions, newest update first, by default', async () => {
    expect(keys(await search({}))).toEqual(['m2/2', 'm2/1', 'm1/2', 'm1/1']);
  });

  it('filters by name, version_number, run_id, source_path and tags', async () => {
    expect(keys(await search({ filter: "name = 'm1'" }))).toEqual(['m1/2', 'm1/1']);
    expect(keys(await search({ filter: "name IN ('m2')" }))).toEqual(['m2/2', 'm2/1']);
    expect(keys(await search({ filter: 'version_number > 1' }))).toEqual(['m2/2', 'm1/2']);
    expect(keys(await search({ filter: "version_number = '1' AND name = 'm2'" }))).toEqual([
      'm2/1',
    ]);
    expect(keys(await search({ filter: `run_id = '${runA}'` }))).toEqual(['m2/1', 'm1/1']);
    expect(keys(await search({ filter: `run_id IN ('${runA}', 'other')` }))).toEqual([
      'm2/1',
      'm1/1',
    ]);
    expect(keys(await search({ filter: "source_path LIKE '%/other'" }))).toEqual(['m2/1']);
    expect(keys(await search({ filter: "tags.env = 'prod'" }))).toEqual(['m1/2']);
    expect(keys(await search({ filter: "tags.env != 'prod'" }))).toEqual(['m2/2']);
  });

  it('orders by the attributes MLflow allows', async () => {
    expect(keys(await search({ order_by: ['name ASC', 'version_number ASC'] }))).toEqual([
      'm1/1',
      'm1/2',
      'm2/1',
      'm2/2',
    ]);
    expect(keys(await search({ order_by: 'creation_timestamp ASC' }))).toEqual([
      'm1/1',
      'm1/2',
      'm2/1',
      'm2/2',
    ]);
  });

  it('leaves aliases out of search results and latest_versions, as MLflow does', async () => {
    await post(t, `${prefix}${RM}/alias`, { name: 'm1', alias: 'best', version: '2' });
    const found = await search({ filter: "name = 'm1' AND version_number = 2" });
    expect(found.body.model_versions[0].aliases).toBeUndefined();
    const model = await t.api.get(`${prefix}${RM}/get`).query({ name: 'm1' });
    expect(model.body.registered_model.aliases).toEqual([{ alias: 'best', version: '2' }]);
    expect(model.body.registered_model.latest_versions[0].aliases).toBeUndefined();
    expect((await getVersion('m1', '2', prefix)).body.model_version.aliases).toEqual(['best']);
  });

  it('pages through every version exactly once', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const res = await search({ max_results: 3, ...(token ? { page_token: token } : {}) });
      seen.push(...keys(res));
      token = res.body.next_page_token;
    } while (token);
    expect(seen).toEqual(['m2/2', 'm2/1', 'm1/2', 'm1/1']);
  });

  it.each([
    [{ filter: "source_path IN ('a')" }, "Only ['name', 'run_id'] attributes support comparison"],
    [
      { filter: 'version_number = 1.5' },
      "Invalid value for numeric attribute 'version_number': 1.5",
    ],
    [
      { filter: "version_number = 'x'" },
      "Invalid value for numeric attribute 'version_number': 'x'",
    ],
    [
      { filter: "version_number LIKE '1'" },
      'Invalid comparator for attribute version_number: LIKE',
    ],
    [{ filter: 'run_id = 5' }, 'attributes support comparison with numeric values'],
    [{ filter: "name > 'a'" }, 'Invalid comparator for attribute: >'],
    [{ filter: "current_stage = 'None'" }, "Invalid attribute key 'current_stage' specified."],
    [{ filter: "tags.env > 'a'" }, 'Invalid comparator for tag: >'],
    [{ order_by: 'run_id' }, "Invalid attribute key 'run_id' specified."],
    [{ order_by: ['name', 'name DESC'] }, '`order_by` contains duplicate fields'],
    [{ max_results: 0 }, 'Invalid value for max_results. It must be a positive integer, but got 0'],
    [{ max_results: 200001 }, 'Invalid value "200001" for parameter \'max_results\' supplied'],
  ])('rejects %j with INVALID_PARAMETER_VALUE', async (query, message) => {
    expectError(await search(query), 400, 'INVALID_PARAMETER_VALUE', message);
  });
});

describe('download URI and artifacts', () => {
  it('answers the source of a runs:/ version as its download URI', async () => {
    await createModel(t, 'downloadable');
    const runId = await newRun(t);
    await createVersion(t, 'downloadable', { run_id: runId, source: `runs:/${runId}/model` });
    const res = await t.api
      .get(`${MV}/get-download-uri`)
      .query({ name: 'downloadable', version: '1' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ artifact_uri: `runs:/${runId}/model` });
  });

  it('serves a version’s files at /model-versions/get-artifact, confined to the version', async () => {
    const prefix = '/projects/mv-artifacts';
    await createModel(t, 'served', {}, prefix);
    const runId = await newRun(t, prefix);
    const run = await t.api.get(`${prefix}/api/2.0/mlflow/runs/get`).query({ run_id: runId });
    const root = (run.body.run.info.artifact_uri as string).replace('mlflow-artifacts:/', '');
    const upload = await t.api
      .put(`${prefix}/api/2.0/mlflow-artifacts/artifacts/${root}/model/MLmodel`)
      .set('Content-Type', 'application/octet-stream')
      .send(Buffer.from('flavors: {}\n'));
    expect(upload.status).toBe(200);
    await createVersion(t, 'served', { run_id: runId, source: `runs:/${runId}/model` }, prefix);

    const res = await t.api
      .get(`${prefix}/model-versions/get-artifact`)
      .query({ name: 'served', version: '1', path: 'MLmodel' });
    expect(res.status).toBe(200);
    expect(res.text ?? res.body.toString()).toBe('flavors: {}\n');

    expectError(
      await t.api
        .get(`${prefix}/model-versions/get-artifact`)
        .query({ name: 'served', version: '1', path: '../../x' }),
      400,
      'INVALID_PARAMETER_VALUE',
    );
    expectError(
      await t.api
        .get(`${prefix}/model-versions/get-artifact`)
        .query({ name: 'served', version: '2', path: 'MLmodel' }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
    );
    expectError(
      await t.api
        .get('/projects/mv-artifacts-other/model-versions/get-artifact')
        .query({ name: 'served', version: '1', path: 'MLmodel' }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
    );
  });
});
