// Prompts (mlflow.genai) on the model registry: a version whose own tags mark it a prompt takes
// MLflow's placeholder source and nothing else; no other version may use the placeholder; prompts
// stay out of model searches unless asked for; `latest` resolves; all of it per project.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExperiment, createRun, expectError } from '../support/fixtures.js';
import { createModel, createVersion, MV, RM, send } from '../support/registry-fixtures.js';
import { post, startTestApp, type TestApp } from '../support/test-app.js';

const P = '/projects/prompts';
const OTHER = '/projects/prompts-other';
const IS_PROMPT = 'mlflow.prompt.is_prompt';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

/** The tags `mlflow.genai.register_prompt` sends with a text template. */
function promptVersionTags(template: string, extra: { key: string; value: string }[] = []) {
  return [
    ...extra,
    { key: IS_PROMPT, value: 'true' },
    { key: '_mlflow_prompt_type', value: 'text' },
    { key: 'mlflow.prompt.text', value: template },
  ];
}

async function createPrompt(name: string, prefix = P) {
  return createModel(t, name, { tags: [{ key: IS_PROMPT, value: 'true' }] }, prefix);
}

const createVersionRequest = (body: Record<string, unknown>, prefix = P) =>
  post(t, `${prefix}${MV}/create`, body);

/** How many versions `name` has, prompt or not (a plain search leaves prompt versions out). */
async function versionCount(name: string, prefix = P): Promise<number> {
  let count = 0;
  for (const filter of [
    `name = '${name}'`,
    `name = '${name}' AND tags.\`${IS_PROMPT}\` = 'true'`,
  ]) {
    const res = await t.api.get(`${prefix}${MV}/search`).query({ filter });
    count += (res.body.model_versions ?? []).length;
  }
  return count;
}

describe('model-versions/create with the prompt placeholder source', () => {
  beforeAll(async () => {
    await createPrompt('other-sources');
  });

  it('registers a prompt version as register_prompt sends it, READY, with its long template', async () => {
    await createPrompt('qa');
    const template = `Answer {{question}} ${'x'.repeat(60_000)}`;
    const res = await createVersionRequest({
      name: 'qa',
      source: 'dummy-source',
      tags: promptVersionTags(template, [{ key: 'team', value: 'a' }]),
      description: 'first',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const mv = res.body.model_version;
    expect(mv).toMatchObject({
      name: 'qa',
      version: '1',
      source: 'dummy-source',
      status: 'READY',
      run_id: '',
      run_link: '',
      description: 'first',
      current_stage: 'None',
    });
    expect(mv.tags).toContainEqual({ key: 'mlflow.prompt.text', value: template });
    expect(mv.tags).toContainEqual({ key: 'team', value: 'a' });
    const got = await t.api.get(`${P}${MV}/get`).query({ name: 'qa', version: '1' });
    expect(got.body.model_version.status).toBe('READY');
    const uri = await t.api.get(`${P}${MV}/get-download-uri`).query({ name: 'qa', version: '1' });
    expect(uri.body).toEqual({ artifact_uri: 'dummy-source' });
  });

  it("accepts the store's placeholder (MlflowClient.create_prompt_version) and any case of true", async () => {
    await createPrompt('qa-store');
    for (const [source, flag] of [
      ['prompt-template', 'true'],
      ['dummy-source', 'TRUE'],
    ]) {
      const res = await createVersionRequest({
        name: 'qa-store',
        source,
        tags: [{ key: IS_PROMPT, value: flag }],
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.model_version.source).toBe(source);
    }
  });

  it('refuses the placeholder for a plain model version, as MLflow does', async () => {
    await createModel(t, 'plain-model', {}, P);
    for (const source of ['dummy-source', 'prompt-template']) {
      expectError(
        await createVersionRequest({ name: 'plain-model', source }),
        400,
        'INVALID_PARAMETER_VALUE',
        `Invalid model version source: '${source}'.`,
      );
    }
    expect(await versionCount('plain-model')).toBe(0);
  });

  it("refuses the placeholder when the version's own tags do not mark it a prompt", async () => {
    // MLflow decides on the request's tags alone: a prompt model does not make a version a prompt.
    await createPrompt('untagged-version');
    for (const tags of [
      [],
      [{ key: IS_PROMPT, value: 'false' }],
      [{ key: IS_PROMPT, value: 'yes' }],
      // The last value of a repeated key wins.
      [
        { key: IS_PROMPT, value: 'true' },
        { key: IS_PROMPT, value: 'false' },
      ],
    ]) {
      expectError(
        await createVersionRequest({ name: 'untagged-version', source: 'dummy-source', tags }),
        400,
        'INVALID_PARAMETER_VALUE',
        "Invalid model version source: 'dummy-source'.",
      );
    }
    expect(await versionCount('untagged-version')).toBe(0);
  });

  it.each([
    'dummy-source/../x',
    'Dummy-Source',
    ' dummy-source',
    'dummy',
    's3://bucket/prompt',
    'file:///etc/passwd',
    '/etc/passwd',
    'mlflow-artifacts:/0/x',
    'models:/qa/1',
  ])('refuses any other source %j for a prompt version', async (source) => {
    const res = await createVersionRequest({
      name: 'other-sources',
      source,
      tags: promptVersionTags('hi'),
    });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      `Invalid prompt source: '${source}'. Prompt sources must use an MLflow placeholder.`,
    );
    expect(await versionCount('other-sources')).toBe(0);
  });

  it("refuses a prompt version naming another project's run", async () => {
    await createPrompt('linked');
    const otherExperiment = await createExperiment(t, 'elsewhere', OTHER);
    const { runId: otherRun } = await createRun(t, otherExperiment, {}, OTHER);
    expectError(
      await createVersionRequest({
        name: 'linked',
        source: 'dummy-source',
        run_id: otherRun,
        tags: promptVersionTags('hi'),
      }),
      400,
      'INVALID_PARAMETER_VALUE',
      'Invalid prompt run_id',
    );
    const experiment = await createExperiment(t, 'here', P);
    const { runId } = await createRun(t, experiment, {}, P);
    const res = await createVersionRequest({
      name: 'linked',
      source: 'dummy-source',
      run_id: runId,
      tags: promptVersionTags('hi'),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.model_version.run_id).toBe(runId);
  });

  it("answers a too long template with MLflow's prompt message", async () => {
    await createPrompt('too-long');
    expectError(
      await createVersionRequest({
        name: 'too-long',
        source: 'dummy-source',
        tags: promptVersionTags('x'.repeat(100_001)),
      }),
      400,
      'INVALID_PARAMETER_VALUE',
      'Prompt text exceeds max length of 100000 characters.',
    );
  });
});

describe('registered-models/create name clashes between prompts and models', () => {
  it('says which kind of entity holds the name', async () => {
    await createPrompt('taken-by-prompt');
    await createModel(t, 'taken-by-model', {}, P);
    const create = (name: string, prompt: boolean) =>
      post(t, `${P}${RM}/create`, {
        name,
        ...(prompt ? { tags: [{ key: IS_PROMPT, value: 'true' }] } : {}),
      });
    expectError(
      await create('taken-by-prompt', false),
      400,
      'RESOURCE_ALREADY_EXISTS',
      "Tried to create a registered model with name 'taken-by-prompt', but the name is already " +
        'taken by a prompt. MLflow does not allow creating a model and a prompt with the same name.',
    );
    expectError(
      await create('taken-by-model', true),
      400,
      'RESOURCE_ALREADY_EXISTS',
      "Tried to create a prompt with name 'taken-by-model', but the name is already taken by a " +
        'registered model.',
    );
    expectError(
      await create('taken-by-prompt', true),
      400,
      'RESOURCE_ALREADY_EXISTS',
      'Prompt (name=taken-by-prompt) already exists.',
    );
    expectError(
      await create('taken-by-model', false),
      400,
      'RESOURCE_ALREADY_EXISTS',
      'Registered Model (name=taken-by-model) already exists.',
    );
  });
});

describe('prompts in searches and aliases', () => {
  const prefix = '/projects/prompt-search';

  beforeAll(async () => {
    await createModel(t, 'model-one', {}, prefix);
    await createVersion(t, 'model-one', {}, prefix);
    await createModel(t, 'prompt-one', { tags: [{ key: IS_PROMPT, value: 'true' }] }, prefix);
    for (const template of ['v1 {{x}}', 'v2 {{x}}', 'v3 {{x}}']) {
      const res = await createVersionRequest(
        { name: 'prompt-one', source: 'dummy-source', tags: promptVersionTags(template) },
        prefix,
      );
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
  });

  const modelNames = async (filter?: string, at = prefix) => {
    const res = await t.api.get(`${at}${RM}/search`).query(filter ? { filter } : {});
    return (res.body.registered_models ?? []).map((m: { name: string }) => m.name);
  };
  const versionNames = async (filter?: string) => {
    const res = await t.api.get(`${prefix}${MV}/search`).query(filter ? { filter } : {});
    return (res.body.model_versions ?? []).map(
      (v: { name: string; version: string }) => `${v.name}/${v.version}`,
    );
  };

  it('leaves prompts out of model searches, also with the clause the client appends', async () => {
    expect(await modelNames()).toEqual(['model-one']);
    // `!=` on the prompt tag keeps models without the tag: MLflow swaps it for an anti-join.
    expect(await modelNames(`tags.\`${IS_PROMPT}\` != 'true'`)).toEqual(['model-one']);
    expect(await modelNames(`tags.\`${IS_PROMPT}\` = 'false'`)).toEqual(['model-one']);
    expect(await versionNames()).toEqual(['model-one/1']);
    expect(await versionNames(`name = 'prompt-one'`)).toEqual([]);
    expect(await versionNames(`tags.\`${IS_PROMPT}\` != 'true'`)).toEqual(['model-one/1']);
  });

  it('finds prompts and their versions when the filter asks for them', async () => {
    expect(await modelNames(`tags.\`${IS_PROMPT}\` = 'true'`)).toEqual(['prompt-one']);
    expect(await modelNames(`tags.\`${IS_PROMPT}\` != 'false'`)).toEqual(['prompt-one']);
    expect(await versionNames(`tags.\`${IS_PROMPT}\` = 'true'`)).toEqual([
      'prompt-one/3',
      'prompt-one/2',
      'prompt-one/1',
    ]);
    expect(await modelNames(`tags.\`${IS_PROMPT}\` = 'true'`, OTHER)).toEqual([]);
  });

  it('resolves `latest` to the highest live version and follows aliases', async () => {
    const alias = (name: string, a: string) =>
      t.api.get(`${prefix}${RM}/alias`).query({ name, alias: a });
    expect((await alias('prompt-one', 'latest')).body.model_version.version).toBe('3');
    const set = await post(t, `${prefix}${RM}/alias`, {
      name: 'prompt-one',
      alias: 'prod',
      version: '1',
    });
    expect(set.status).toBe(200);
    const prod = await alias('prompt-one', 'prod');
    expect(prod.body.model_version).toMatchObject({ version: '1', aliases: ['prod'] });
    expect(prod.body.model_version.tags).toContainEqual({
      key: 'mlflow.prompt.text',
      value: 'v1 {{x}}',
    });
    const del = await send(t, 'DELETE', `${prefix}${MV}/delete`, {
      name: 'prompt-one',
      version: '3',
    });
    expect(del.status).toBe(200);
    expect((await alias('prompt-one', 'latest')).body.model_version.version).toBe('2');
    expect((await alias('model-one', 'latest')).body.model_version.version).toBe('1');
    expectError(
      await t.api.get(`${OTHER}${RM}/alias`).query({ name: 'prompt-one', alias: 'latest' }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
    );
  });
});
