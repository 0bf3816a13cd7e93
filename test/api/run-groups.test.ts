// Grouped statistics: the server's mean, std, median and step bands per group of runs, checked
// against the same figures computed here from what the test logged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExperiment, createRun, expectError } from '../support/fixtures.js';
import { post, startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
let experimentId: string;
const URL = '/api/trackd/v1/runs/group-stats';
// opt → the final loss of each of its runs; each run logs loss over steps 0..9 ending there.
const FINALS: Record<string, number[]> = { sa: [0.2, 0.4, 0.9], ga: [0.5, 0.7] };

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const std = (xs: number[]) =>
  xs.length < 2 ? 0 : Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1));
const history = (final: number) =>
  Array.from({ length: 10 }, (_, step) => final + (9 - step) * 0.1);

beforeAll(async () => {
  t = await startTestApp();
  experimentId = await createExperiment(t, 'groups');
  let seed = 0;
  for (const [opt, finals] of Object.entries(FINALS)) {
    for (const final of finals) {
      const { runId } = await createRun(t, experimentId);
      const metrics = history(final).map((value, step) => ({
        key: 'loss',
        value,
        timestamp: step,
        step,
      }));
      const res = await post(t, '/api/2.0/mlflow/runs/log-batch', {
        run_id: runId,
        params: [
          { key: 'opt', value: opt },
          { key: 'seed', value: String(seed++) },
        ],
        metrics,
      });
      expect(res.status).toBe(200);
    }
  }
  // A run without the param, and one without the metric.
  const bare = await createRun(t, experimentId);
  await post(t, '/api/2.0/mlflow/runs/log-metric', {
    run_id: bare.runId,
    key: 'loss',
    value: 3,
    timestamp: 1,
    step: 0,
  });
  const silent = await createRun(t, experimentId);
  await post(t, '/api/2.0/mlflow/runs/log-parameter', {
    run_id: silent.runId,
    key: 'opt',
    value: 'sa',
  });
});

afterAll(async () => {
  await t?.close();
});

describe('grouped run statistics', () => {
  it('gives each group the count, mean, std, median, min and max of its final values', async () => {
    const res = await post(t, URL, {
      experiment_ids: [experimentId],
      group_by: ['params.opt'],
      metric_key: 'loss',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const byOpt = new Map(
      res.body.groups.map((g: { group: Record<string, string | null> }) => [
        g.group['params.opt'],
        g,
      ]),
    );
    for (const [opt, finals] of Object.entries(FINALS)) {
      const g = byOpt.get(opt) as { runs: number; final: Record<string, number> };
      expect(g.final.count).toBe(finals.length);
      expect(g.final.mean).toBeCloseTo(mean(finals), 9);
      expect(g.final.std).toBeCloseTo(std(finals), 9);
      expect(g.final.min).toBeCloseTo(Math.min(...finals), 9);
      expect(g.final.max).toBeCloseTo(Math.max(...finals), 9);
    }
    expect((byOpt.get('sa') as { final: { median: number } }).final.median).toBeCloseTo(0.4, 9);
    // The run with opt=sa but no loss counts among the group's runs, not its values.
    expect((byOpt.get('sa') as { runs: number }).runs).toBe(4);
    expect((byOpt.get(null) as { final: { count: number; mean: number } }).final).toMatchObject({
      count: 1,
      mean: 3,
    });
  });

  it('bands each group along the steps, and takes the best value when asked', async () => {
    const res = await post(t, URL, {
      experiment_ids: [experimentId],
      group_by: ['params.opt'],
      metric_key: 'loss',
      filter: "params.opt = 'ga'",
      value: 'max',
      max_steps: 5,
    });
    expect(res.status).toBe(200);
    const [ga] = res.body.groups;
    expect(ga.group).toEqual({ 'params.opt': 'ga' });
    // The best (max) loss of a ga run is its step-0 value.
    expect(ga.final.mean).toBeCloseTo(mean(FINALS.ga.map((f) => history(f)[0])), 9);
    // Ten steps in five buckets of two: each bucket holds two points of each run.
    expect(ga.steps.map((s: { step: number }) => s.step)).toEqual([0, 2, 4, 6, 8]);
    const bucket0 = FINALS.ga.flatMap((f) => history(f).slice(0, 2));
    expect(ga.steps[0].count).toBe(bucket0.length);
    expect(ga.steps[0].mean).toBeCloseTo(mean(bucket0), 9);
    expect(ga.steps[0].std).toBeCloseTo(std(bucket0), 9);
  });

  it('refuses a group_by that is not a param or tag, and a malformed filter, as 400', async () => {
    expectError(
      await post(t, URL, {
        experiment_ids: [experimentId],
        group_by: ['metrics.loss'],
        metric_key: 'loss',
      }),
      400,
      'INVALID_PARAMETER_VALUE',
      'expected params.<key> or tags.<key>',
    );
    const bad = await post(t, URL, {
      experiment_ids: [experimentId],
      group_by: ['params.opt'],
      metric_key: 'loss',
      filter: 'params.opt ==',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error_code).toBe('INVALID_PARAMETER_VALUE');
  });
});
