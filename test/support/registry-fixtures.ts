// Request builders for the model registry tests: registered models, versions registered from a
// fresh run, and raw calls at MLflow's paths (DELETE and PATCH with JSON bodies, as the client sends).
import { expect } from 'vitest';
import { createExperiment, createRun } from './fixtures.js';
import { post, type TestApp } from './test-app.js';

export const RM = '/api/2.0/mlflow/registered-models';
export const MV = '/api/2.0/mlflow/model-versions';

export function send(t: TestApp, method: 'PATCH' | 'DELETE', url: string, body: unknown) {
  const req = method === 'PATCH' ? t.api.patch(url) : t.api.delete(url);
  return req.set('Content-Type', 'application/json').send(JSON.stringify(body));
}

export async function createModel(
  t: TestApp,
  name: string,
  body: Record<string, unknown> = {},
  prefix = '',
): Promise<Record<string, unknown>> {
  const res = await post(t, `${prefix}${RM}/create`, { name, ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.registered_model as Record<string, unknown>;
}

let experiments = 0;

/** A new run in a new experiment (below `prefix`), for sources of the form `runs:/<id>/model`. */
export async function newRun(t: TestApp, prefix = ''): Promise<string> {
  experiments += 1;
  const experimentId = await createExperiment(t, `registry-exp-${experiments}`, prefix);
  const { runId } = await createRun(t, experimentId, {}, prefix);
  return runId;
}

/** Registers a version of `name` from a run's `model` folder and returns the answer's version. */
export async function createVersion(
  t: TestApp,
  name: string,
  body: Record<string, unknown> = {},
  prefix = '',
): Promise<Record<string, unknown>> {
  const runId = (body.run_id as string | undefined) ?? (await newRun(t, prefix));
  const res = await post(t, `${prefix}${MV}/create`, {
    name,
    source: `runs:/${runId}/model`,
    run_id: runId,
    ...body,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.model_version as Record<string, unknown>;
}
