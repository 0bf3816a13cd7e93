// get-history without max_results: the whole history, read as columns and streamed as JSON pieces.
// It must answer exactly what the paged read (SQL ORDER BY timestamp, step, value) answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExperiment, createRun } from '../support/fixtures.js';
import { post, startTestApp, type TestApp } from '../support/test-app.js';

const HISTORY = '/api/2.0/mlflow/metrics/get-history';

let t: TestApp;
let runId: string;

interface Point {
  key: string;
  value: number | string;
  timestamp: number;
  step: number;
}

beforeAll(async () => {
  t = await startTestApp();
  const experimentId = await createExperiment(t, 'history-stream');
  runId = (await createRun(t, experimentId)).runId;
});
afterAll(async () => {
  await t.close();
});

async function logBatch(metrics: Point[]): Promise<void> {
  const res = await post(t, '/api/2.0/mlflow/runs/log-batch', { run_id: runId, metrics });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

async function whole(key: string, pageToken?: string) {
  const res = await t.api
    .get(HISTORY)
    .query({ run_id: runId, metric_key: key, ...(pageToken ? { page_token: pageToken } : {}) });
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  return res.body as { metrics?: Point[]; next_page_token?: string };
}

async function paged(key: string): Promise<Point[]> {
  const points: Point[] = [];
  let pageToken: string | undefined;
  do {
    const res = await t.api.get(HISTORY).query({
      run_id: runId,
      metric_key: key,
      max_results: 7,
      ...(pageToken ? { page_token: pageToken } : {}),
    });
    expect(res.status).toBe(200);
    points.push(...((res.body.metrics ?? []) as Point[]));
    pageToken = res.body.next_page_token;
  } while (pageToken);
  return points;
}

describe('metrics/get-history of a whole history', () => {
  it('orders by timestamp when timestamps fall as steps rise, as the paged read does', async () => {
    const points: Point[] = [];
    for (let step = 0; step < 40; step++) {
      // Timestamps run backwards in blocks, with ties broken by step and then by value.
      points.push({
        key: 'shuffled',
        value: step % 3,
        timestamp: 5000 - 10 * Math.floor(step / 4),
        step,
      });
      points.push({
        key: 'shuffled',
        value: -step - 1,
        timestamp: 5000 - 10 * Math.floor(step / 4),
        step,
      });
    }
    await logBatch(points);
    const body = await whole('shuffled');
    const expected = await paged('shuffled');
    expect(body.metrics).toHaveLength(80);
    expect(body.metrics).toEqual(expected);
    expect(body.metrics![0].timestamp).toBe(5000 - 90);
    expect(body.next_page_token).toBeUndefined();
  });

  it('writes non-finite values as protobuf JSON strings', async () => {
    await logBatch([
      { key: 'odd', value: 'NaN', timestamp: 1, step: 0 },
      { key: 'odd', value: 'Infinity', timestamp: 2, step: 1 },
      { key: 'odd', value: '-Infinity', timestamp: 3, step: 2 },
      { key: 'odd', value: 1.5e300, timestamp: 4, step: 3 },
    ]);
    const body = await whole('odd');
    expect(body.metrics!.map((m) => m.value)).toEqual(['NaN', 'Infinity', '-Infinity', 1.5e300]);
    expect(body.metrics).toEqual(await paged('odd'));
  });

  it('starts at the page token offset when no max_results is given', async () => {
    const token = Buffer.from(JSON.stringify({ offset: 75 })).toString('base64');
    const body = await whole('shuffled', token);
    expect(body.metrics).toEqual((await paged('shuffled')).slice(75));
    expect(
      await whole('shuffled', Buffer.from(JSON.stringify({ offset: 80 })).toString('base64')),
    ).toEqual({});
  });

  it('streams a history of many points in the order the points were logged', async () => {
    for (let start = 0; start < 5000; start += 1000) {
      await logBatch(
        Array.from({ length: 1000 }, (_, i) => ({
          key: 'long',
          value: (start + i) / 7,
          timestamp: 10_000 + start + i,
          step: start + i,
        })),
      );
    }
    const body = await whole('long');
    expect(body.metrics).toHaveLength(5000);
    expect(body.metrics!.every((m, i) => m.step === i && m.value === i / 7)).toBe(true);
  });
  it('reads on across NaN points where the pages of 10000 end, and writes steps beyond 2^32', async () => {
    const expected: Point[] = Array.from({ length: 20_500 }, (_, i) => ({
      key: 'edges',
      // Point 9999 (counting from 0) ends the store's first page of 10000.
      value: i === 9_999 || i === 9_998 ? 'NaN' : i / 3,
      timestamp: 1_000 + i,
      step: i < 19_990 ? i : 2 ** 40 + i,
    }));
    for (let start = 0; start < expected.length; start += 1000) {
      await logBatch(expected.slice(start, start + 1000));
    }
    const body = await whole('edges');
    expect(body.metrics).toHaveLength(expected.length);
    expect(body.metrics).toEqual(expected);
  });
});
