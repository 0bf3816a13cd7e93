// Which sources a model version may be registered from: only the project's own runs (or, as in
// MLflow, a runs:/ name of a run that is resolved later in this project only), logged
// models, versions and artifact locations, in the forms MLflow's client sends; everything else
// (local paths, other schemes, other projects, traversal in any encoding) is refused with 400.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExperiment, createRun, expectError } from '../support/fixtures.js';
import { createModel, MV, RM } from '../support/registry-fixtures.js';
import { post, startTestApp, type TestApp } from '../support/test-app.js';

const P = '/projects/sources';
const OTHER = '/projects/sources-other';

let t: TestApp;
let experimentId: string;
let runId: string;
let runRoot: string;
let otherRunId: string;
let otherProjectRunId: string;
let modelId: string;
let modelLocation: string;

async function createLoggedModel(prefix: string, expId: string, sourceRunId: string) {
  const res = await post(t, `${prefix}/api/2.0/mlflow/logged-models`, {
    experiment_id: expId,
    name: 'model',
    source_run_id: sourceRunId,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.model.info as { model_id: string; artifact_uri: string };
}

beforeAll(async () => {
  t = await startTestApp();
  experimentId = await createExperiment(t, 'sources', P);
  const run = await createRun(t, experimentId, {}, P);
  runId = run.runId;
  runRoot = run.info.artifact_uri as string;
  otherRunId = (await createRun(t, experimentId, {}, P)).runId;
  const otherExperiment = await createExperiment(t, 'sources', OTHER);
  otherProjectRunId = (await createRun(t, otherExperiment, {}, OTHER)).runId;
  const logged = await createLoggedModel(P, experimentId, runId);
  modelId = logged.model_id;
  modelLocation = logged.artifact_uri;
  await createModel(t, 'm', {}, P);
});
afterAll(async () => {
  await t.close();
});

const register = (body: Record<string, unknown>, prefix = P) =>
  post(t, `${prefix}${MV}/create`, { name: 'm', ...body });

describe('accepted sources', () => {
  it('a run of the project, as runs:/<run_id>/<path> with the same run_id', async () => {
    const res = await register({ source: `runs:/${runId}/model`, run_id: runId });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.model_version).toMatchObject({ source: `runs:/${runId}/model`, run_id: runId });
  });

  it('a run that does not exist here, as MLflow accepts it; it resolves to nothing', async () => {
    for (const missing of ['run_id', otherProjectRunId]) {
      const res = await register({ source: `runs:/${missing}/model`, run_id: missing });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.model_version).toMatchObject({
        source: `runs:/${missing}/model`,
        run_id: missing,
      });
      const version = res.body.model_version.version as string;
      // Resolving looks the run up in this project only: another project's run serves nothing.
      const artifact = await t.api
        .get(`${P}/model-versions/get-artifact`)
        .query({ name: 'm', version, path: 'MLmodel' });
      expectError(artifact, 404, 'RESOURCE_DOES_NOT_EXIST');
    }
  });

  it('a logged model as models:/<model_id> with model_id (register_model and log_model)', async () => {
    const res = await register({ source: `models:/${modelId}`, model_id: modelId, run_id: runId });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const version = res.body.model_version;
    expect(version).toMatchObject({
      source: `models:/${modelId}`,
      run_id: runId,
      model_id: modelId,
    });

    const uri = await t.api
      .get(`${P}${MV}/get-download-uri`)
      .query({ name: 'm', version: version.version });
    expect(uri.body).toEqual({ artifact_uri: modelLocation });

    // The logged model learns the version, as MLflow records it in `mlflow.modelVersions`.
    const logged = await t.api.get(`${P}/api/2.0/mlflow/logged-models/${modelId}`);
    const tag = (logged.body.model.info.tags as { key: string; value: string }[]).find(
      (x) => x.key === 'mlflow.modelVersions',
    );
    expect(JSON.parse(tag!.value)).toContainEqual({ name: 'm', version: Number(version.version) });
  });

  it('a logged model without run_id takes the model’s source run', async () => {
    const res = await register({ source: `models:/${modelId}`, model_id: modelId });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.model_version.run_id).toBe(runId);
  });

  it("a location inside the logged model's artifacts, with model_id", async () => {
    const res = await register({ source: `${modelLocation}/sub`, model_id: modelId });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  });

  it("a location inside the run's artifact root, with run_id (MLflow 2 style log_model)", async () => {
    const res = await register({ source: `${runRoot}/model`, run_id: runId });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const uri = await t.api
      .get(`${P}${MV}/get-download-uri`)
      .query({ name: 'm', version: res.body.model_version.version });
    expect(uri.body.artifact_uri).toBe(`${runRoot}/model`);
  });

  it("a location inside one of the project's experiments, without run_id", async () => {
    const res = await register({ source: `mlflow-artifacts:/${experimentId}/shared/model` });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  });

  it('another version of the project, by number or alias (copy_model_version)', async () => {
    await post(t, `${P}${RM}/alias`, { name: 'm', alias: 'champion', version: '2' });
    await createModel(t, 'copy', {}, P);
    let res = await post(t, `${P}${MV}/create`, { name: 'copy', source: 'models:/m/1' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.model_version).toMatchObject({ source: 'models:/m/1', run_id: runId });
    const uri = await t.api.get(`${P}${MV}/get-download-uri`).query({ name: 'copy', version: '1' });
    expect(uri.body.artifact_uri).toBe(`runs:/${runId}/model`);

    res = await post(t, `${P}${MV}/create`, { name: 'copy', source: 'models:/m@champion' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.model_version.source).toBe('models:/m/2');
  });
});

describe('refused sources', () => {
  async function versionsOfM(): Promise<number> {
    const res = await t.api.get(`${P}${MV}/search`).query({ filter: "name = 'm'" });
    return (res.body.model_versions ?? []).length;
  }

  it.each([
    ['file:///etc/passwd', {}],
    ['file:///etc', { run_id: 'RUN' }],
    ['/etc/passwd', {}],
    ['model', {}],
    ['./mlruns/0/abc/artifacts/model', {}],
    ['C:/Windows/system32', {}],
    ['s3://bucket/model', {}],
    ['http://127.0.0.1:5000/api/2.0/mlflow-artifacts/artifacts/1/x', {}],
    ['runs:/RUN/../../../etc', { run_id: 'RUN' }],
    ['runs:/RUN/%2e%2e/%2e%2e/etc', { run_id: 'RUN' }],
    ['runs:/RUN/%252e%252e/x', { run_id: 'RUN' }],
    ['runs:/RUN/model%00', { run_id: 'RUN' }],
    ['runs:/RUN/model', {}],
    ['runs:/RUN/model', { run_id: 'OTHER_RUN' }],
    ['runs://host/RUN/model', { run_id: 'RUN' }],
    ['runs:/RUN/model', { run_id: 'RUN', model_id: 'MODEL' }],
    ['models:/MODEL', {}],
    ['models:/MODEL', { model_id: 'm-00000000000000000000000000000000' }],
    [
      'models:/m-00000000000000000000000000000000',
      { model_id: 'm-00000000000000000000000000000000' },
    ],
    ['models://other/MODEL', { model_id: 'MODEL' }],
    ['models:/MODEL', { model_id: 'MODEL', run_id: 'OTHER_PROJECT_RUN' }],
    ['mlflow-artifacts:/EXP/../../etc', {}],
    ['mlflow-artifacts:/EXP/..%2f..%2fetc', {}],
    ['mlflow-artifacts:/999/model', {}],
    ['mlflow-artifacts://host/EXP/x', {}],
    ['mlflow-artifacts:/workspaces/sources-other/EXP/x', {}],
    ['ROOT/model', { run_id: 'OTHER_RUN' }],
    ['LOCATION/../x', { model_id: 'MODEL' }],
    ['models:/m/9', {}],
    ['models:/m/1', { run_id: 'OTHER_RUN' }],
  ])('refuses %s %j', async (template, params) => {
    const fill = (text: string) =>
      text
        .replace('OTHER_PROJECT_RUN', otherProjectRunId)
        .replace('OTHER_RUN', otherRunId)
        .replace('RUN', runId)
        .replace('MODEL', modelId)
        .replace('EXP', experimentId)
        .replace('ROOT', runRoot)
        .replace('LOCATION', modelLocation);
    const body = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, fill(v)]));
    const before = await versionsOfM();
    const res = await register({ source: fill(template), ...body });
    if (template === 'models:/m/9') {
      expectError(res, 404, 'RESOURCE_DOES_NOT_EXIST');
    } else {
      expectError(res, 400, 'INVALID_PARAMETER_VALUE', 'Invalid model version source');
    }
    expect(await versionsOfM()).toBe(before);
  });

  it("refuses another project's logged model", async () => {
    const otherExperiment = await createExperiment(t, 'models-elsewhere', OTHER);
    const otherRun = await createRun(t, otherExperiment, {}, OTHER);
    const elsewhere = await createLoggedModel(OTHER, otherExperiment, otherRun.runId);
    expectError(
      await register({ source: `models:/${elsewhere.model_id}`, model_id: elsewhere.model_id }),
      400,
      'INVALID_PARAMETER_VALUE',
      'The model_id request parameter must identify the resource that contains the source.',
    );
    expectError(
      await register({ source: elsewhere.artifact_uri, model_id: elsewhere.model_id }),
      400,
      'INVALID_PARAMETER_VALUE',
    );
  });

  it('refuses a deleted logged model', async () => {
    const gone = await createLoggedModel(P, experimentId, runId);
    const del = await t.api.delete(`${P}/api/2.0/mlflow/logged-models/${gone.model_id}`);
    expect(del.status).toBe(200);
    expectError(
      await register({ source: `models:/${gone.model_id}`, model_id: gone.model_id }),
      400,
      'INVALID_PARAMETER_VALUE',
    );
  });

  it('requires a source at all', async () => {
    expectError(
      await register({}),
      400,
      'INVALID_PARAMETER_VALUE',
      "Missing value for required parameter 'source'",
    );
  });
});
