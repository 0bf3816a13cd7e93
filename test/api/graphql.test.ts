// MLflow's /graphql: the documents its web UI sends answered from the same data as the REST API,
// protobuf defaults for unset fields, NaN metrics, MLflow's bounds on a document, its answer shape
// for every kind of mistake, and the same project scoping and access checks as the REST endpoints.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { basic, PASSWORD } from '../support/auth.js';
import { createExperiment, createRun, expectError } from '../support/fixtures.js';
import { post, startTestApp, type TestApp } from '../support/test-app.js';
import supertest from 'supertest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const API = '/api/2.0/mlflow';
const SEARCH_DATASETS = '/ajax-api/2.0/mlflow/experiments/search-datasets';

let t: TestApp;
let experimentId: string;
let runId: string;
let otherRunId: string;

function gql(query: string, variables?: Record<string, unknown>, url = '/graphql') {
  return post(t, url, { query, ...(variables ? { variables } : {}) });
}

async function data(query: string, variables?: Record<string, unknown>) {
  const res = await gql(query, variables);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.errors, JSON.stringify(res.body)).toBeNull();
  return res.body.data;
}

beforeAll(async () => {
  t = await startTestApp();
  experimentId = await createExperiment(t, 'graphql');
  await post(t, `${API}/experiments/set-experiment-tag`, {
    experiment_id: experimentId,
    key: 'team',
    value: 'vision',
  });
  runId = (await createRun(t, experimentId, { run_name: 'first', start_time: 1000 })).runId;
  otherRunId = (await createRun(t, experimentId, { run_name: 'second', start_time: 2000 })).runId;
  const batch = await post(t, `${API}/runs/log-batch`, {
    run_id: runId,
    metrics: [
      { key: 'loss', value: 2, timestamp: 10, step: 0 },
      { key: 'loss', value: 1, timestamp: 11, step: 1 },
      { key: 'loss', value: 'NaN', timestamp: 12, step: 2 },
      { key: 'acc', value: 'Infinity', timestamp: 10, step: 0 },
    ],
    params: [{ key: 'lr', value: '0.1' }],
  });
  expect(batch.status).toBe(200);
  const inputs = await post(t, `${API}/runs/log-inputs`, {
    run_id: runId,
    datasets: [
      {
        tags: [{ key: 'mlflow.data.context', value: 'training' }],
        dataset: { name: 'ds', digest: 'd1', source_type: 'local', source: '{}' },
      },
      { dataset: { name: 'ds2', digest: 'd2', source_type: 'local', source: '{}' } },
    ],
  });
  expect(inputs.status).toBe(200);
  expect((await post(t, `${API}/registered-models/create`, { name: 'gql-model' })).status).toBe(
    200,
  );
  const version = await post(t, `${API}/model-versions/create`, {
    name: 'gql-model',
    source: `runs:/${runId}/model`,
    run_id: runId,
  });
  expect(version.status).toBe(200);
  for (const [file, body] of [
    ['hello.txt', 'hello world'],
    ['sub/inner.txt', 'inner'],
  ]) {
    const put = await t.api
      .put(`/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts/${file}`)
      .set('Content-Type', 'application/octet-stream')
      .send(Buffer.from(body));
    expect(put.status).toBe(200);
  }
});
afterAll(async () => {
  await t.close();
});

describe('the web UI and MLflow test documents', () => {
  it('echoes the test field and answers testMutation with null, as MLflow 3.17', async () => {
    const res = await post(t, '/graphql', {
      query: 'query testQuery { test(inputString: "abc") { output } }',
      operationName: 'testQuery',
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { test: { output: 'abc' } }, errors: null });
    expect(await data('mutation { testMutation(inputString: "abc") { output } }')).toEqual({
      testMutation: null,
    });
  });

  it('answers the UI experiment query (with its @component directive) from the REST data', async () => {
    const rest = await t.api.get(`${API}/experiments/get`).query({ experiment_id: experimentId });
    const e = rest.body.experiment;
    const got = await data(
      `query MlflowGetExperimentQuery($input: MlflowGetExperimentInput!)
         @component(name: "MLflow.ExperimentRunTracking") {
         mlflowGetExperiment(input: $input) {
           apiError { code message }
           experiment { artifactLocation creationTime effectiveTraceArchivalRetention experimentId
                        lastUpdateTime lifecycleStage name tags { key value } workspace }
         }
       }`,
      { input: { experimentId } },
    );
    expect(got.mlflowGetExperiment).toEqual({
      apiError: null,
      experiment: {
        artifactLocation: e.artifact_location,
        creationTime: String(e.creation_time),
        effectiveTraceArchivalRetention: '',
        experimentId,
        lastUpdateTime: String(e.last_update_time),
        lifecycleStage: 'active',
        name: 'graphql',
        tags: [{ key: 'team', value: 'vision' }],
        workspace: 'default',
      },
    });
  });

  it('answers a run with protobuf defaults for what is unset, its experiment and model versions', async () => {
    const got = await data(
      `query GetRun($data: MlflowGetRunInput!) {
         mlflowGetRun(input: $data) {
           run {
             info { runId runUuid runName experimentId userId status startTime endTime lifecycleStage }
             data { params { key value } }
             inputs { datasetInputs { dataset { name digest schema profile } tags { key value } }
                      modelInputs { modelId } }
             outputs { modelOutputs { modelId step } }
             experiment { experimentId name }
             modelVersions { name version runId status aliases tags { key } runLink
                             deploymentJobState { jobId jobState } }
           }
         }
       }`,
      { data: { runId } },
    );
    const run = got.mlflowGetRun.run;
    expect(run.info).toEqual({
      runId,
      runUuid: runId,
      runName: 'first',
      experimentId,
      userId: '',
      status: 'RUNNING',
      startTime: '1000',
      endTime: '0',
      lifecycleStage: 'active',
    });
    expect(run.data.params).toEqual([{ key: 'lr', value: '0.1' }]);
    expect(run.inputs.datasetInputs).toContainEqual({
      dataset: { name: 'ds2', digest: 'd2', schema: '', profile: '' },
      tags: [],
    });
    expect(run.inputs.modelInputs).toEqual([]);
    expect(run.outputs).toEqual({ modelOutputs: [] });
    expect(run.experiment).toEqual({ experimentId, name: 'graphql' });
    expect(run.modelVersions).toEqual([
      {
        name: 'gql-model',
        version: '1',
        runId,
        status: 'READY',
        aliases: [],
        tags: [],
        runLink: '',
        deploymentJobState: { jobId: '', jobState: null },
      },
    ]);
  });

  it('searches runs as REST does (query and mutation alike), with a page token', async () => {
    const rest = await post(t, `${API}/runs/search`, {
      experiment_ids: [experimentId],
      max_results: 1,
    });
    const document = `($i: MlflowSearchRunsInput) {
      mlflowSearchRuns(input: $i) { runs { info { runId runName } } nextPageToken } }`;
    for (const op of ['query', 'mutation']) {
      const got = await data(`${op} ${document}`, {
        i: { experimentIds: [experimentId], maxResults: 1 },
      });
      expect(got.mlflowSearchRuns).toEqual({
        runs: [{ info: { runId: otherRunId, runName: 'second' } }],
        nextPageToken: rest.body.next_page_token,
      });
    }
    const all = await data(`query ${document}`, { i: { experimentIds: [experimentId] } });
    expect(all.mlflowSearchRuns.nextPageToken).toBe('');
    expect(all.mlflowSearchRuns.runs).toHaveLength(2);
  });

  it('reports a store error as a field error with the REST message', async () => {
    const res = await gql(
      '{ mlflowSearchRuns(input: {experimentIds: ["0"], filter: "metrics.loss <<< 1"}) { runs { info { runId } } } }',
    );
    const rest = await post(t, `${API}/runs/search`, {
      experiment_ids: ['0'],
      filter: 'metrics.loss <<< 1',
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { mlflowSearchRuns: null }, errors: [rest.body.message] });
  });

  it('lists artifacts with sizes as strings and folders as size 0 (fragments and aliases)', async () => {
    const got = await data(
      `fragment Files on MlflowListArtifactsResponse { files { path isDir fileSize } }
       query Q($id: String) {
         root: mlflowListArtifacts(input: { runId: $id }) { rootUri ...Files }
         sub: mlflowListArtifacts(input: { runUuid: $id, path: "sub" }) { ...Files }
       }`,
      { id: runId },
    );
    expect(got.root.rootUri).toBe(`mlflow-artifacts:/${experimentId}/${runId}/artifacts`);
    expect(got.root.files).toEqual([
      { path: 'hello.txt', isDir: false, fileSize: '11' },
      { path: 'sub', isDir: true, fileSize: '0' },
    ]);
    expect(got.sub.files).toEqual([{ path: 'sub/inner.txt', isDir: false, fileSize: '5' }]);
  });

  it('summarizes the datasets of experiments, by GraphQL and by the /ajax-api endpoint', async () => {
    const got = await data(
      `mutation { mlflowSearchDatasets(input: { experimentIds: ["${experimentId}"] }) {
         datasetSummaries { experimentId name digest context } } }`,
    );
    expect(got.mlflowSearchDatasets.datasetSummaries).toEqual([
      { experimentId, name: 'ds', digest: 'd1', context: 'training' },
      { experimentId, name: 'ds2', digest: 'd2', context: '' },
    ]);
    const rest = await post(t, SEARCH_DATASETS, {
      experiment_ids: [experimentId],
    });
    expect(rest.body).toEqual({
      dataset_summaries: [
        { experiment_id: experimentId, name: 'ds', digest: 'd1', context: 'training' },
        { experiment_id: experimentId, name: 'ds2', digest: 'd2' },
      ],
    });
    expectError(
      await post(t, SEARCH_DATASETS, {}),
      400,
      'INVALID_PARAMETER_VALUE',
      'SearchDatasets request must specify at least one experiment_id.',
    );
    const tooMany = await gql(
      'mutation($ids: [String]) { mlflowSearchDatasets(input: {experimentIds: $ids}) { datasetSummaries { name } } }',
      { ids: Array.from({ length: 21 }, (_, i) => String(i)) },
    );
    expect(tooMany.body.errors).toEqual([
      'SearchDatasets request cannot specify more than 20 experiment_ids. Received 21 experiment_ids.',
    ]);
  });

  it('searches model versions; a LongString variable may be a string, a string literal reads as null', async () => {
    const document = `query V($n: LongString) {
      mlflowSearchModelVersions(input: { filter: "name='gql-model'", maxResults: $n }) {
        modelVersions { name version creationTimestamp } nextPageToken } }`;
    const got = await data(document, { n: '1' });
    expect(got.mlflowSearchModelVersions.modelVersions).toEqual([
      { name: 'gql-model', version: '1', creationTimestamp: expect.stringMatching(/^\d+$/) },
    ]);
    const bad = await gql(document, { n: 'many' });
    expect(bad.body.data).toBeNull();
    expect(bad.body.errors[0]).toContain('Expected type "LongString"');
    const literal = await data(
      `{ mlflowSearchModelVersions(input: { maxResults: "0" }) { modelVersions { name } } }`,
    );
    expect(literal.mlflowSearchModelVersions.modelVersions).toHaveLength(1);
  });
});

describe('metric values', () => {
  it("reads a run's NaN metric as null without an error, and an infinite one as the largest double", async () => {
    const got = await data(
      `query($id: String) { mlflowGetRun(input: {runId: $id}) { run { data { metrics { key value step } } } } }`,
      { id: runId },
    );
    expect(got.mlflowGetRun.run.data.metrics).toEqual([
      { key: 'acc', value: Number.MAX_VALUE, step: '0' },
      { key: 'loss', value: null, step: '2' },
    ]);
  });

  it('samples histories as MLflow does: range and maxResults are ignored, a NaN point is an error', async () => {
    const res = await gql(
      `query B($d: MlflowGetMetricHistoryBulkIntervalInput!) {
         mlflowGetMetricHistoryBulkInterval(input: $d) { metrics { key value step runId } } }`,
      {
        d: {
          runIds: [runId, otherRunId],
          metricKey: 'loss',
          startStep: 1,
          endStep: 1,
          maxResults: 1,
        },
      },
    );
    expect(res.status).toBe(200);
    expect(res.body.data.mlflowGetMetricHistoryBulkInterval.metrics).toEqual([
      { key: 'loss', value: 2, step: '0', runId },
      { key: 'loss', value: 1, step: '1', runId },
      { key: 'loss', value: null, step: '2', runId },
    ]);
    expect(res.body.errors).toEqual(['Float cannot represent non numeric value: nan']);
  });
});

describe("MLflow's bounds on a document", () => {
  const fields = (n: number, f: (i: number) => string) =>
    Array.from({ length: n }, (_, i) => f(i)).join(' ');

  it('refuses a document nesting deeper than 10 before looking at its fields', async () => {
    const res = await gql(`{ a ${'{ b '.repeat(10)}${'}'.repeat(11)}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: null, errors: ['Query exceeds maximum depth of 10'] });
  });

  it('refuses more than 1000 selected fields', async () => {
    const res = await gql(`{ test(inputString: "x") { ${'output '.repeat(1001)} } }`);
    expect(res.body.errors).toEqual(['Query exceeds maximum total selections of 1000']);
  });

  it('allows 10 root fields and refuses 11', async () => {
    const ten = await data(
      `{ ${fields(10, (i) => `f${i}: test(inputString: "${i}") { output }`)} }`,
    );
    expect(Object.keys(ten)).toHaveLength(10);
    const res = await gql(
      `{ ${fields(11, (i) => `f${i}: test(inputString: "${i}") { output }`)} }`,
    );
    expect(res.body.errors).toEqual([
      'GraphQL queries should have at most 10 root fields, got 11 root fields. To increase the ' +
        'limit, set the MLFLOW_SERVER_GRAPHQL_MAX_ROOT_FIELDS environment variable.',
    ]);
  });

  it('counts aliases per level, fragments spread at a level included', async () => {
    const split = await gql(
      `{ test(inputString: "x") { ...A ...B } }
       fragment A on Test { ${fields(6, (i) => `a${i}: output`)} }
       fragment B on Test { ${fields(6, (i) => `b${i}: output`)} }`,
    );
    expect(split.body.data).toBeNull();
    expect(split.body.errors[0]).toMatch(/^GraphQL queries should have at most 10 aliases, got 12/);
  });

  it('takes other limits from MLflow variables', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'trackd-gql-limits-'));
    const config = loadConfig(
      { dataDir },
      { MLFLOW_SERVER_GRAPHQL_MAX_ROOT_FIELDS: '1', TRACKD_GRAPHQL_MAX_ALIASES: '0' },
    );
    const app = await createApp(config);
    try {
      const send = (query: string) =>
        supertest(app.app)
          .post('/graphql')
          .set('Content-Type', 'application/json')
          .send(JSON.stringify({ query }));
      const twoRoots = await send('{ __typename test(inputString: "x") { output } }');
      expect(twoRoots.body.errors[0]).toMatch(/at most 1 root fields, got 2 root fields/);
      const alias = await send('{ t: __typename }');
      expect(alias.body.errors[0]).toMatch(/at most 0 aliases, got 1 aliases/);
    } finally {
      await app.close();
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('mistakes', () => {
  it('answers document errors with status 200, data null and the messages', async () => {
    for (const [query, message] of [
      ['{ test(inputString: "x") { output }', /^Syntax Error: /],
      ['{ nope }', /^Cannot query field "nope" on type "Query"\.$/],
      ['{ __typename @skip(if: true) }', /^Unknown directive "@skip"\.$/],
      ['subscription { test { output } }', /subscription/],
    ] as const) {
      const res = await gql(query);
      expect(res.status, query).toBe(200);
      expect(res.body.data, query).toBeNull();
      expect(res.body.errors, query).toHaveLength(1);
      expect(res.body.errors[0], query).toMatch(message);
    }
  });

  it('fails only the field whose resolver fails, errors in the order of the answer', async () => {
    const res = await gql(
      `{ a: mlflowGetRun(input: {runId: "nope"}) { run { info { runId } } }
         ok: test(inputString: "fine") { output }
         b: mlflowGetExperiment(input: {experimentId: "424242"}) { experiment { name } }
         c: mlflowGetRun { run { info { runId } } } }`,
    );
    expect(res.body).toEqual({
      data: { a: null, ok: { output: 'fine' }, b: null, c: null },
      errors: [
        'Run with id=nope not found',
        'No Experiment with id=424242 exists',
        "The 'input' argument of mlflowGetRun is required.",
      ],
    });
  });

  it('refuses what is no GraphQL request with MLflow error envelopes', async () => {
    expectError(await post(t, '/graphql', {}), 400, 'INVALID_PARAMETER_VALUE', "'query'");
    expectError(
      await t.api.post('/graphql').set('Content-Type', 'text/plain').send('{"query":"{ a }"}'),
      400,
      'INVALID_PARAMETER_VALUE',
      'Content-Type',
    );
    expectError(
      await t.api
        .post('/graphql')
        .set('Content-Type', 'application/json')
        .send('[{"query":"{ __typename }"}]'),
      400,
      'INVALID_PARAMETER_VALUE',
      'JSON object',
    );
    expectError(
      await post(t, '/graphql', { query: '{ __typename }', variables: [1] }),
      400,
      'INVALID_PARAMETER_VALUE',
      "'variables'",
    );
    expect((await t.api.put('/graphql').send('{}')).status).toBe(405);
    expect((await post(t, '/ajax-api/graphql', { query: '{ __typename }' })).status).toBe(404);
  });

  it('keeps explicit nulls in variables (a null for a required variable is not "missing")', async () => {
    const res = await gql('query Q($s: String!) { test(inputString: $s) { output } }', { s: null });
    expect(res.body.errors).toEqual(['Variable "$s" of non-null type "String!" must not be null.']);
    const nullable = await data('query Q($s: String) { test(inputString: $s) { output } }', {
      s: null,
    });
    expect(nullable).toEqual({ test: { output: null } });
  });
});

describe('GET', () => {
  it('reads a JSON body as MLflow does, or the query string', async () => {
    const body = await t.api
      .get('/graphql')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ query: '{ __typename }' }));
    expect(body.body).toEqual({ data: { __typename: 'Query' }, errors: null });
    const query = await t.api.get('/graphql').query({
      query: 'query Q($s: String) { test(inputString: $s) { output } }',
      variables: JSON.stringify({ s: 'from-url' }),
      operationName: 'Q',
    });
    expect(query.body).toEqual({ data: { test: { output: 'from-url' } }, errors: null });
    expectError(await t.api.get('/graphql'), 400, 'INVALID_PARAMETER_VALUE', "'query'");
    expectError(
      await t.api.get('/graphql').query({ query: '{ __typename }', variables: '[1]' }),
      400,
      'INVALID_PARAMETER_VALUE',
      "'variables' must be a JSON object.",
    );
  });
});

describe('projects', () => {
  it('answers from the project of the /projects/<name> prefix or the workspace header', async () => {
    const id = await createExperiment(t, 'in-team-a', '/projects/team-a');
    const { runId: teamRun } = await createRun(t, id, { run_name: 'team-run' }, '/projects/team-a');
    const query = `query($id: String) { mlflowGetRun(input: {runId: $id}) {
      run { info { runName } experiment { name workspace } } } }`;
    const byPrefix = await gql(query, { id: teamRun }, '/projects/team-a/graphql');
    expect(byPrefix.body.data.mlflowGetRun.run).toEqual({
      info: { runName: 'team-run' },
      experiment: { name: 'in-team-a', workspace: 'team-a' },
    });
    const byHeader = await t.api
      .post('/graphql')
      .set('Content-Type', 'application/json')
      .set('X-MLFLOW-WORKSPACE', 'team-a')
      .send(JSON.stringify({ query, variables: { id: teamRun } }));
    expect(byHeader.body).toEqual(byPrefix.body);
    const elsewhere = await gql(query, { id: teamRun });
    expect(elsewhere.body).toEqual({
      data: { mlflowGetRun: null },
      errors: [`Run with id=${teamRun} not found`],
    });
    expectError(
      await t.api
        .post('/projects/team-a/graphql')
        .set('Content-Type', 'application/json')
        .set('X-MLFLOW-WORKSPACE', 'team-b')
        .send(JSON.stringify({ query: '{ __typename }' })),
      400,
      'INVALID_PARAMETER_VALUE',
      'disagree',
    );
  });
});

describe('with --auth basic', () => {
  let a: TestApp;
  beforeAll(async () => {
    a = await startTestApp({ auth: 'basic' });
    await a.accounts.addUser('reader', PASSWORD);
    await a.accounts.grant('reader', 'team-a', 'read');
    await a.accounts.addUser('outsider', PASSWORD);
    await a.accounts.grant('outsider', 'team-b', 'edit');
  });
  afterAll(async () => {
    await a?.close();
  });

  const ask = (user?: string) => {
    const req = a.api.post('/projects/team-a/graphql').set('Content-Type', 'application/json');
    return (user ? req.set('Authorization', basic(user)) : req).send(
      JSON.stringify({ query: '{ __typename }' }),
    );
  };

  it("needs the read role in the request's project, as the REST reads do", async () => {
    expect((await ask('reader')).body).toEqual({ data: { __typename: 'Query' }, errors: null });
    expectError(await ask('outsider'), 403, 'PERMISSION_DENIED', "needs the 'read' role");
    expect((await ask()).status).toBe(401);
  });
});
