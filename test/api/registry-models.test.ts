// Registered models: create, get, rename, update, delete, search, latest versions, tags, aliases,
// and their isolation per project.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../support/fixtures.js';
import { createModel, createVersion, MV, RM, send } from '../support/registry-fixtures.js';
import { post, startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

const getModel = (name: string, prefix = '') => t.api.get(`${prefix}${RM}/get`).query({ name });

describe('registered-models/create and get', () => {
  it('creates a model and answers it as MLflow does (empty fields left out)', async () => {
    const res = await post(t, `${RM}/create`, { name: 'plain' });
    expect(res.status).toBe(200);
    const model = res.body.registered_model;
    expect(model).toEqual({
      name: 'plain',
      creation_timestamp: expect.any(Number),
      last_updated_timestamp: model.creation_timestamp,
    });
  });

  it('keeps tags and description given at creation', async () => {
    await createModel(t, 'described', {
      description: 'a model',
      tags: [{ key: 'team', value: 'vision' }, { key: 'empty' }],
    });
    const res = await getModel('described');
    expect(res.status).toBe(200);
    expect(res.body.registered_model.description).toBe('a model');
    expect(res.body.registered_model.tags).toEqual([
      { key: 'empty', value: '' },
      { key: 'team', value: 'vision' },
    ]);
  });

  it('rejects a duplicate name with RESOURCE_ALREADY_EXISTS', async () => {
    await createModel(t, 'twice');
    const res = await post(t, `${RM}/create`, { name: 'twice' });
    expectError(
      res,
      400,
      'RESOURCE_ALREADY_EXISTS',
      'Registered Model (name=twice) already exists.',
    );
  });

  it.each([
    [{}, "Missing value for required parameter 'name'"],
    [{ name: '' }, "Missing value for required parameter 'name'"],
    [{ name: '   ' }, "Missing value for required parameter 'name'"],
    [{ name: 'a/b' }, "Invalid model name 'a/b'. Names cannot contain '/' or ':'."],
    [{ name: 'a:b' }, "Invalid model name 'a:b'. Names cannot contain '/' or ':'."],
    [{ name: '..' }, 'Invalid value ".." for parameter \'name\' supplied'],
    [{ name: 'x'.repeat(257) }, "'name' exceeds the maximum length of 256 characters"],
    [{ name: 5 }, "Invalid value 5 for parameter 'name' supplied"],
  ])('rejects the bad name in %j', async (body, message) => {
    const res = await post(t, `${RM}/create`, body);
    expectError(res, 400, 'INVALID_PARAMETER_VALUE', message);
  });

  it('rejects a tag whose key has characters MLflow does not allow, and stores nothing', async () => {
    const res = await post(t, `${RM}/create`, {
      name: 'bad-tag',
      tags: [{ key: 'no*star', value: 'v' }],
    });
    expectError(res, 400, 'INVALID_PARAMETER_VALUE', "for parameter 'key' supplied");
    expectError(await getModel('bad-tag'), 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  it('rejects a tag value longer than 100000 characters', async () => {
    const res = await post(t, `${RM}/create`, {
      name: 'long-tag',
      tags: [{ key: 'k', value: 'v'.repeat(100_001) }],
    });
    expectError(res, 400, 'INVALID_PARAMETER_VALUE', "'value' exceeds the maximum length");
  });

  it('answers a missing model with RESOURCE_DOES_NOT_EXIST 404', async () => {
    expectError(
      await getModel('nowhere'),
      404,
      'RESOURCE_DOES_NOT_EXIST',
      'Registered Model with name=nowhere not found',
    );
  });

  it('is reachable under /ajax-api too', async () => {
    await createModel(t, 'ajax');
    const res = await t.api
      .get('/ajax-api/2.0/mlflow/registered-models/get')
      .query({ name: 'ajax' });
    expect(res.status).toBe(200);
    expect(res.body.registered_model.name).toBe('ajax');
  });

  it('answers 405 for a method MLflow does not define on the path', async () => {
    const res = await t.api.post(`${RM}/get`).set('Content-Type', 'application/json').send('{}');
    expect(res.status).toBe(405);
  });
});

describe('registered-models/rename, update, delete', () => {
  it('renames a model and carries its versions, tags and aliases along', async () => {
    await createModel(t, 'old-name', { tags: [{ key: 'k', value: 'v' }] });
    await createVersion(t, 'old-name');
    await post(t, `${RM}/alias`, { name: 'old-name', alias: 'champion', version: '1' });

    const res = await post(t, `${RM}/rename`, { name: 'old-name', new_name: 'new-name' });
    expect(res.status).toBe(200);
    expect(res.body.registered_model.name).toBe('new-name');
    expect(res.body.registered_model.tags).toEqual([{ key: 'k', value: 'v' }]);
    expect(res.body.registered_model.aliases).toEqual([{ alias: 'champion', version: '1' }]);
    expect(res.body.registered_model.latest_versions[0]).toMatchObject({
      name: 'new-name',
      version: '1',
    });

    expectError(await getModel('old-name'), 404, 'RESOURCE_DOES_NOT_EXIST');
    const version = await t.api.get(`${MV}/get`).query({ name: 'new-name', version: '1' });
    expect(version.status).toBe(200);
    expect(version.body.model_version.aliases).toEqual(['champion']);
  });

  it('refuses to rename onto an existing name', async () => {
    await createModel(t, 'rename-a');
    await createModel(t, 'rename-b');
    const res = await post(t, `${RM}/rename`, { name: 'rename-a', new_name: 'rename-b' });
    expectError(
      res,
      400,
      'RESOURCE_ALREADY_EXISTS',
      'Registered Model (name=rename-b) already exists.',
    );
  });

  it('refuses an invalid new name, naming new_name', async () => {
    await createModel(t, 'rename-c');
    expectError(
      await post(t, `${RM}/rename`, { name: 'rename-c' }),
      400,
      'INVALID_PARAMETER_VALUE',
      "Missing value for required parameter 'new_name'",
    );
    expectError(
      await post(t, `${RM}/rename`, { name: 'rename-c', new_name: 'x/y' }),
      400,
      'INVALID_PARAMETER_VALUE',
      "Invalid model name 'x/y'",
    );
  });

  it('updates the description with PATCH and bumps last_updated_timestamp', async () => {
    const created = await createModel(t, 'to-update');
    await new Promise((r) => setTimeout(r, 5));
    const res = await send(t, 'PATCH', `${RM}/update`, { name: 'to-update', description: 'new' });
    expect(res.status).toBe(200);
    expect(res.body.registered_model.description).toBe('new');
    expect(res.body.registered_model.last_updated_timestamp).toBeGreaterThan(
      created.creation_timestamp as number,
    );
  });

  it('deletes a model with its versions, tags and aliases', async () => {
    await createModel(t, 'doomed', { tags: [{ key: 'k', value: 'v' }] });
    await createVersion(t, 'doomed');
    await post(t, `${RM}/alias`, { name: 'doomed', alias: 'a', version: '1' });

    const res = await send(t, 'DELETE', `${RM}/delete`, { name: 'doomed' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    expectError(await getModel('doomed'), 404, 'RESOURCE_DOES_NOT_EXIST');

    // A model created again under the name starts empty: nothing of the old one survived.
    const again = await createModel(t, 'doomed');
    expect(again.tags).toBeUndefined();
    expect(again.aliases).toBeUndefined();
    const version = await createVersion(t, 'doomed');
    expect(version.version).toBe('1');
    expect(version.aliases).toBeUndefined();
  });

  it('answers a delete of a missing model with 404', async () => {
    expectError(
      await send(t, 'DELETE', `${RM}/delete`, { name: 'never-was' }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
    );
  });
});

describe('registered model tags', () => {
  it('sets, overwrites and deletes a tag; deleting a missing tag is no error', async () => {
    await createModel(t, 'tagged');
    expect((await post(t, `${RM}/set-tag`, { name: 'tagged', key: 'k', value: '1' })).status).toBe(
      200,
    );
    await post(t, `${RM}/set-tag`, { name: 'tagged', key: 'k', value: '2' });
    expect((await getModel('tagged')).body.registered_model.tags).toEqual([
      { key: 'k', value: '2' },
    ]);

    expect((await send(t, 'DELETE', `${RM}/delete-tag`, { name: 'tagged', key: 'k' })).status).toBe(
      200,
    );
    expect((await getModel('tagged')).body.registered_model.tags).toBeUndefined();
    expect((await send(t, 'DELETE', `${RM}/delete-tag`, { name: 'tagged', key: 'k' })).status).toBe(
      200,
    );
  });

  it('refuses tags on a missing model and bad keys', async () => {
    expectError(
      await post(t, `${RM}/set-tag`, { name: 'no-such', key: 'k', value: 'v' }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
    );
    await createModel(t, 'tag-keys');
    expectError(
      await post(t, `${RM}/set-tag`, { name: 'tag-keys', key: '../x', value: 'v' }),
      400,
      'INVALID_PARAMETER_VALUE',
    );
    expectError(
      await post(t, `${RM}/set-tag`, { name: 'tag-keys', value: 'v' }),
      400,
      'INVALID_PARAMETER_VALUE',
      "Missing value for required parameter 'key'",
    );
  });
});

describe('aliases', () => {
  beforeAll(async () => {
    await createModel(t, 'alias-rules');
    await createVersion(t, 'alias-rules');
  });

  it('points an alias at a version, moves it, reads it and deletes it', async () => {
    await createModel(t, 'aliased');
    await createVersion(t, 'aliased');
    await createVersion(t, 'aliased');

    expect(
      (await post(t, `${RM}/alias`, { name: 'aliased', alias: 'champion', version: '1' })).status,
    ).toBe(200);
    let res = await t.api.get(`${RM}/alias`).query({ name: 'aliased', alias: 'champion' });
    expect(res.status).toBe(200);
    expect(res.body.model_version).toMatchObject({ version: '1', aliases: ['champion'] });

    await post(t, `${RM}/alias`, { name: 'aliased', alias: 'champion', version: '2' });
    res = await t.api.get(`${RM}/alias`).query({ name: 'aliased', alias: 'champion' });
    expect(res.body.model_version.version).toBe('2');
    const v1 = await t.api.get(`${MV}/get`).query({ name: 'aliased', version: '1' });
    expect(v1.body.model_version.aliases).toBeUndefined();

    res = await send(t, 'DELETE', `${RM}/alias`, { name: 'aliased', alias: 'champion' });
    expect(res.status).toBe(200);
    expectError(
      await t.api.get(`${RM}/alias`).query({ name: 'aliased', alias: 'champion' }),
      400,
      'INVALID_PARAMETER_VALUE',
      'Registered model alias champion not found.',
    );
  });

  it('answers `latest` with the highest live version', async () => {
    await createModel(t, 'latest-alias');
    expectError(
      await t.api.get(`${RM}/alias`).query({ name: 'latest-alias', alias: 'latest' }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
      'Latest version not found for model latest-alias.',
    );
    await createVersion(t, 'latest-alias');
    await createVersion(t, 'latest-alias');
    const res = await t.api.get(`${RM}/alias`).query({ name: 'latest-alias', alias: 'LATEST' });
    expect(res.body.model_version.version).toBe('2');
  });

  it.each([
    ['latest', "'latest' alias name (case insensitive) is reserved."],
    ['Latest', "'latest' alias name (case insensitive) is reserved."],
    ['v1', "Version alias name 'v1' is reserved."],
    ['V12', "Version alias name 'V12' is reserved."],
    ['bad alias', "Invalid alias name: 'bad alias'. Names may only contain alphanumerics"],
    ['a/b', "Invalid alias name: 'a/b'."],
    ['x'.repeat(256), "'Registered model alias name' exceeds the maximum length of 255"],
  ])('refuses the alias %s', async (alias, message) => {
    const res = await post(t, `${RM}/alias`, { name: 'alias-rules', alias, version: '1' });
    expectError(res, 400, 'INVALID_PARAMETER_VALUE', message);
  });

  it('refuses an alias for a missing version, a bad version number or a missing model', async () => {
    await createModel(t, 'alias-target');
    await createVersion(t, 'alias-target');
    expectError(
      await post(t, `${RM}/alias`, { name: 'alias-target', alias: 'x', version: '9' }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
      'Model Version (name=alias-target, version=9) not found',
    );
    expectError(
      await post(t, `${RM}/alias`, { name: 'alias-target', alias: 'x', version: 'abc' }),
      400,
      'INVALID_PARAMETER_VALUE',
      "Parameter 'version' must be an integer, got 'abc'.",
    );
    expectError(
      await t.api.get(`${RM}/alias`).query({ name: 'no-model', alias: 'x' }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
      'Registered Model with name=no-model not found',
    );
  });

  it('drops the aliases of a deleted version', async () => {
    await createModel(t, 'alias-gone');
    await createVersion(t, 'alias-gone');
    await createVersion(t, 'alias-gone');
    await post(t, `${RM}/alias`, { name: 'alias-gone', alias: 'keep', version: '2' });
    await post(t, `${RM}/alias`, { name: 'alias-gone', alias: 'drop', version: '1' });
    await send(t, 'DELETE', `${MV}/delete`, { name: 'alias-gone', version: '1' });
    const model = (await getModel('alias-gone')).body.registered_model;
    expect(model.aliases).toEqual([{ alias: 'keep', version: '2' }]);
  });
});

describe('registered-models/get-latest-versions', () => {
  it('answers the highest version per stage, by POST and GET, filtered by stage', async () => {
    await createModel(t, 'staged');
    for (let i = 0; i < 4; i++) await createVersion(t, 'staged');
    await post(t, `${MV}/transition-stage`, { name: 'staged', version: '1', stage: 'Production' });
    await post(t, `${MV}/transition-stage`, { name: 'staged', version: '2', stage: 'staging' });

    const all = await post(t, `${RM}/get-latest-versions`, { name: 'staged' });
    expect(all.status).toBe(200);
    const byStage = Object.fromEntries(
      all.body.model_versions.map((v: { current_stage: string; version: string }) => [
        v.current_stage,
        v.version,
      ]),
    );
    expect(byStage).toEqual({ Production: '1', Staging: '2', None: '4' });

    const production = await t.api
      .get(`${RM}/get-latest-versions`)
      .query({ name: 'staged', stages: 'production' });
    expect(production.body.model_versions.map((v: { version: string }) => v.version)).toEqual([
      '1',
    ]);

    const archived = await post(t, `${RM}/get-latest-versions`, {
      name: 'staged',
      stages: ['Archived'],
    });
    expect(archived.body).toEqual({});
  });

  it('refuses an unknown stage and a missing model', async () => {
    await createModel(t, 'staged-errors');
    expectError(
      await post(t, `${RM}/get-latest-versions`, { name: 'staged-errors', stages: ['Live'] }),
      400,
      'INVALID_PARAMETER_VALUE',
      'Invalid Model Version stage: Live. Value must be one of None, Staging, Production, Archived.',
    );
    expectError(
      await post(t, `${RM}/get-latest-versions`, { name: 'no-model' }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
    );
  });
});

describe('registered-models/search', () => {
  const prefix = '/projects/search-models';
  const search = (query: Record<string, unknown>) =>
    t.api.get(`${prefix}${RM}/search`).query(query);
  const names = (res: { body: { registered_models?: { name: string }[] } }) =>
    (res.body.registered_models ?? []).map((m) => m.name);

  beforeAll(async () => {
    await createModel(t, 'alpha', { tags: [{ key: 'team', value: 'vision' }] }, prefix);
    await createModel(t, 'beta', { tags: [{ key: 'team', value: 'nlp' }] }, prefix);
    await createModel(t, 'Gamma', {}, prefix);
    await createModel(t, 'delta', { tags: [{ key: 'team', value: 'Vision' }] }, prefix);
    await createModel(
      t,
      'a-prompt',
      { tags: [{ key: 'mlflow.prompt.is_prompt', value: 'true' }] },
      prefix,
    );
  });

  it('lists every model by name by default, leaving prompts out', async () => {
    expect(names(await search({}))).toEqual(['Gamma', 'alpha', 'beta', 'delta']);
  });

  it('filters on name with =, !=, LIKE, ILIKE, IN and NOT IN', async () => {
    expect(names(await search({ filter: "name = 'alpha'" }))).toEqual(['alpha']);
    expect(names(await search({ filter: "name != 'alpha'" }))).toEqual(['Gamma', 'beta', 'delta']);
    expect(names(await search({ filter: "name LIKE '%a'" }))).toEqual([
      'Gamma',
      'alpha',
      'beta',
      'delta',
    ]);
    expect(names(await search({ filter: "name like 'g%'" }))).toEqual([]);
    expect(names(await search({ filter: "name ILIKE 'g%'" }))).toEqual(['Gamma']);
    expect(names(await search({ filter: "name IN ('alpha', 'beta')" }))).toEqual(['alpha', 'beta']);
    expect(names(await search({ filter: "name NOT IN ('alpha', 'beta')" }))).toEqual([
      'Gamma',
      'delta',
    ]);
  });

  it('filters on tags, several clauses ANDed', async () => {
    expect(names(await search({ filter: "tags.team = 'vision'" }))).toEqual(['alpha']);
    expect(names(await search({ filter: "tags.team ILIKE 'vision'" }))).toEqual(['alpha', 'delta']);
    expect(names(await search({ filter: "tags.`team` != 'nlp' and name LIKE 'd%'" }))).toEqual([
      'delta',
    ]);
  });

  it('finds prompts only when the filter asks for them', async () => {
    expect(names(await search({ filter: "tags.`mlflow.prompt.is_prompt` = 'true'" }))).toEqual([
      'a-prompt',
    ]);
  });

  it('orders by name or timestamp in either direction', async () => {
    expect(names(await search({ order_by: 'name DESC' }))).toEqual([
      'delta',
      'beta',
      'alpha',
      'Gamma',
    ]);
    const byTime = names(await search({ order_by: ['timestamp DESC'] }));
    expect(byTime).toHaveLength(4);
  });

  it('pages with max_results and opaque tokens until the last page', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const res = await search({ max_results: 3, ...(token ? { page_token: token } : {}) });
      expect(res.status).toBe(200);
      seen.push(...names(res));
      token = res.body.next_page_token;
      pages += 1;
    } while (token);
    expect(pages).toBe(2);
    expect(seen).toEqual(['Gamma', 'alpha', 'beta', 'delta']);
  });

  it.each([
    [{ filter: "name = 'a' OR name = 'b'" }, 'Invalid clause(s) in filter string: OR'],
    [{ filter: "foo = 'a'" }, "Invalid attribute key 'foo' specified. Valid keys are '{'name'}'"],
    [{ filter: "name > 'a'" }, 'Invalid comparator for attribute: >'],
    [{ filter: "tags.k IN ('a')" }, 'Expected a quoted string value for tag'],
    [{ filter: 'name = 5' }, 'Expected a quoted string value or a list of quoted string values'],
    [{ filter: "metrics.a = 'x'" }, "Invalid entity type 'metrics'"],
    [{ order_by: 'creation_timestamp' }, "Invalid order by key 'creation_timestamp' specified."],
    [{ order_by: ['name', 'name DESC'] }, '`order_by` contains duplicate fields'],
    [{ max_results: 1001 }, 'Invalid value "1001" for parameter \'max_results\' supplied'],
    [{ max_results: 0 }, 'It must be a positive integer'],
    [{ page_token: 'not a token' }, 'Invalid page token'],
  ])('rejects %j with INVALID_PARAMETER_VALUE', async (query, message) => {
    expectError(await search(query), 400, 'INVALID_PARAMETER_VALUE', message);
  });

  it('carries each model’s latest versions in the results', async () => {
    await createVersion(t, 'beta', {}, prefix);
    const res = await search({ filter: "name = 'beta'" });
    expect(res.body.registered_models[0].latest_versions).toEqual([
      expect.objectContaining({ name: 'beta', version: '1', current_stage: 'None' }),
    ]);
  });
});

describe('project isolation', () => {
  it('keeps models, versions and aliases of one project invisible to another', async () => {
    const a = '/projects/iso-a';
    const b = '/projects/iso-b';
    await createModel(t, 'shared-name', { description: 'in a' }, a);
    await createVersion(t, 'shared-name', {}, a);
    await post(t, `${a}${RM}/alias`, { name: 'shared-name', alias: 'prod', version: '1' });

    expectError(await getModel('shared-name', b), 404, 'RESOURCE_DOES_NOT_EXIST');
    expectError(await getModel('shared-name'), 404, 'RESOURCE_DOES_NOT_EXIST');
    expect((await t.api.get(`${b}${RM}/search`)).body).toEqual({});
    expect((await t.api.get(`${b}${MV}/search`)).body).toEqual({});
    expectError(
      await t.api.get(`${b}${RM}/alias`).query({ name: 'shared-name', alias: 'prod' }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
    );
    expectError(
      await t.api.get(`${b}${MV}/get`).query({ name: 'shared-name', version: '1' }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
    );

    // The same name can live in the other project independently.
    const other = await createModel(t, 'shared-name', {}, b);
    expect(other.description).toBeUndefined();
    expect((await getModel('shared-name', a)).body.registered_model.description).toBe('in a');

    // The X-MLFLOW-WORKSPACE header selects the project as the prefix does.
    const viaHeader = await t.api
      .get(`${RM}/get`)
      .set('X-MLFLOW-WORKSPACE', 'iso-a')
      .query({ name: 'shared-name' });
    expect(viaHeader.body.registered_model.aliases).toEqual([{ alias: 'prod', version: '1' }]);
  });
});
