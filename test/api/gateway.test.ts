// The AI gateway's configuration and registered scorers over HTTP, for what the official client's
// conformance suite cannot see: what is written to disk, project isolation, and the cascades when
// endpoints and scorers go away.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExperiment, expectError } from '../support/fixtures.js';
import { post, startTestApp, type TestApp } from '../support/test-app.js';

const GW = '/api/3.0/mlflow/gateway';
const SCORERS = '/api/3.0/mlflow/scorers';
const PLAINTEXT = 'sk-live-DO-NOT-LEAK-0123456789';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

async function ok(res: { status: number; body: Record<string, unknown> }) {
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read field by field
  return res.body as Record<string, any>;
}

async function endpointWithModel(prefix: string, name: string) {
  const { secret } = await ok(
    await post(t, `${prefix}${GW}/secrets/create`, {
      secret_name: `${name}-key`,
      secret_value: { api_key: PLAINTEXT },
      provider: 'openai',
    }),
  );
  const { model_definition } = await ok(
    await post(t, `${prefix}${GW}/model-definitions/create`, {
      name: `${name}-model`,
      secret_id: secret.secret_id,
      provider: 'openai',
      model_name: 'gpt-4o',
    }),
  );
  const { endpoint } = await ok(
    await post(t, `${prefix}${GW}/endpoints/create`, {
      name,
      usage_tracking: false,
      model_configs: [
        { model_definition_id: model_definition.model_definition_id, linkage_type: 'PRIMARY' },
      ],
    }),
  );
  return { secret, model_definition, endpoint };
}

describe('gateway secrets', () => {
  it('never write the secret value in clear, to answers or to disk', async () => {
    const { secret } = await endpointWithModel('/projects/disk', 'disk-endpoint');
    expect(JSON.stringify(secret)).not.toContain(PLAINTEXT);
    expect(secret.masked_values).toEqual({ api_key: 'sk-...6789' });
    // The project's database with its WAL, where a fresh write sits before a checkpoint.
    const folder = path.join(t.dataDir, 'disk');
    const files = fs.readdirSync(folder).filter((f) => f.startsWith('mlflow.db'));
    expect(files).toContain('mlflow.db');
    for (const file of files) {
      expect(fs.readFileSync(path.join(folder, file)).includes(PLAINTEXT), file).toBe(false);
    }
  });

  it('stay in their project', async () => {
    const { secret, endpoint } = await endpointWithModel('/projects/team-a', 'a-endpoint');
    const other = await t.api.get(`/projects/team-b${GW}/secrets/get`).query({
      secret_id: secret.secret_id,
    });
    expectError(other, 404, 'RESOURCE_DOES_NOT_EXIST');
    const listed = await ok(await t.api.get(`/projects/team-b${GW}/endpoints/list`));
    expect(listed.endpoints).toBeUndefined();
    const here = await ok(
      await t.api.get(`/projects/team-a${GW}/endpoints/get`).query({ name: endpoint.name }),
    );
    expect(here.endpoint.endpoint_id).toBe(endpoint.endpoint_id);
  });
});

describe('cascades', () => {
  it("a scorer's binding goes with the scorer, an endpoint's bindings with the endpoint", async () => {
    const prefix = '/projects/cascade';
    const { endpoint } = await endpointWithModel(prefix, 'judge-endpoint');
    const experimentId = await createExperiment(t, 'scored', prefix);
    const judge = JSON.stringify({
      instructions_judge_pydantic_data: { model: 'gateway:/judge-endpoint', instructions: 'x' },
    });
    const registered = await ok(
      await post(t, `${prefix}${SCORERS}/register`, {
        experiment_id: experimentId,
        name: 'polite',
        serialized_scorer: judge,
      }),
    );
    const bindings = async () =>
      (await ok(await t.api.get(`${prefix}${GW}/endpoints/bindings/list`))).bindings ?? [];
    expect(await bindings()).toMatchObject([
      { resource_id: registered.scorer_id, display_name: 'polite' },
    ]);

    // Renamed, the endpoint is still the scorer's judge: answers carry the new name.
    await ok(
      await post(t, `${prefix}${GW}/endpoints/update`, {
        endpoint_id: endpoint.endpoint_id,
        name: 'renamed-endpoint',
      }),
    );
    const got = await ok(
      await t.api
        .get(`${prefix}${SCORERS}/get`)
        .query({ experiment_id: experimentId, name: 'polite' }),
    );
    expect(JSON.parse(got.scorer.serialized_scorer).instructions_judge_pydantic_data.model).toBe(
      'gateway:/renamed-endpoint',
    );

    const del = await t.api
      .delete(`${prefix}${SCORERS}/delete`)
      .send({ experiment_id: experimentId, name: 'polite' });
    expect(del.status).toBe(200);
    expect(await bindings()).toEqual([]);

    await ok(
      await post(t, `${prefix}${SCORERS}/register`, {
        experiment_id: experimentId,
        name: 'polite',
        serialized_scorer: judge.replace('judge-endpoint', 'renamed-endpoint'),
      }),
    );
    expect(await bindings()).toHaveLength(1);
    const gone = await t.api
      .delete(`${prefix}${GW}/endpoints/delete`)
      .send({ endpoint_id: endpoint.endpoint_id });
    expect(gone.status).toBe(200);
    expect(await bindings()).toEqual([]);
    // With its endpoint gone, the scorer is answered without a model.
    const orphan = await ok(
      await t.api
        .get(`${prefix}${SCORERS}/get`)
        .query({ experiment_id: experimentId, name: 'polite' }),
    );
    expect(
      JSON.parse(orphan.scorer.serialized_scorer).instructions_judge_pydantic_data.model,
    ).toBeNull();
  });

  it('a model definition in use cannot be deleted; its secret can, leaving it without one', async () => {
    const prefix = '/projects/orphans';
    const { secret, model_definition } = await endpointWithModel(prefix, 'orphan-endpoint');
    expectError(
      await t.api
        .delete(`${prefix}${GW}/model-definitions/delete`)
        .send({ model_definition_id: model_definition.model_definition_id }),
      400,
      'INVALID_STATE',
    );
    await ok(
      await t.api.delete(`${prefix}${GW}/secrets/delete`).send({ secret_id: secret.secret_id }),
    );
    const got = await ok(
      await t.api
        .get(`${prefix}${GW}/model-definitions/get`)
        .query({ model_definition_id: model_definition.model_definition_id }),
    );
    expect(got.model_definition.secret_id).toBeUndefined();
    expect(got.model_definition.secret_name).toBeUndefined();
  });
});
