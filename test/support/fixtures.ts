// Small request builders shared by the API tests: create an experiment or a run through the HTTP API,
// and check MLflow's error envelope.
import { expect } from 'vitest';
import type { Response } from 'supertest';
import { post, type TestApp } from './test-app.js';

/** Creates an experiment (optionally below a `/projects/<name>` prefix) and returns its id. */
export async function createExperiment(t: TestApp, name: string, prefix = ''): Promise<string> {
  const res = await post(t, `${prefix}/api/2.0/mlflow/experiments/create`, { name });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.experiment_id as string;
}

export interface CreatedRun {
  runId: string;
  info: Record<string, unknown>;
  tags: { key: string; value: string }[];
}

/** Creates a run in `experimentId` and returns its id, info and tags as the API answered them. */
export async function createRun(
  t: TestApp,
  experimentId: string,
  body: Record<string, unknown> = {},
  prefix = '',
): Promise<CreatedRun> {
  const res = await post(t, `${prefix}/api/2.0/mlflow/runs/create`, {
    experiment_id: experimentId,
    start_time: 1000,
    ...body,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const run = res.body.run as {
    info: Record<string, unknown>;
    data: { tags?: { key: string; value: string }[] };
  };
  return { runId: run.info.run_id as string, info: run.info, tags: run.data.tags ?? [] };
}

/** Asserts MLflow's error envelope: HTTP status, `error_code` and (optionally) the message. */
export function expectError(
  res: Response,
  status: number,
  errorCode: string,
  message?: string | RegExp,
): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body.error_code).toBe(errorCode);
  expect(typeof res.body.message).toBe('string');
  if (typeof message === 'string') expect(res.body.message).toContain(message);
  else if (message) expect(res.body.message).toMatch(message);
}
