// A time window ordered by execution time is read one of two ways (the window sorted, or the
// execution-time index walked in order), chosen per search by the window's size. Whichever is
// taken, the page must be MLflow's: slowest first, ties newest first, traces without a duration
// last, only traces inside the window, and pages that follow on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post, startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
let experimentId: string;
const T0 = 1_700_000_000_000;
const COUNT = 400;

interface Seeded {
  id: string;
  time: number;
  duration: number | null;
}
const seeded: Seeded[] = [];

/** A deterministic spread of durations, with repeats (ties) and a few traces without one. */
function duration(n: number): number | null {
  if (n % 37 === 5) return null;
  return ((n * 7919) % 97) * 10;
}

beforeAll(async () => {
  t = await startTestApp();
  experimentId = (await post(t, '/api/2.0/mlflow/experiments/create', { name: 'plans' })).body
    .experiment_id;
  for (let n = 0; n < COUNT; n++) {
    const id = `tr-${n.toString(16).padStart(32, '0')}`;
    const d = duration(n);
    seeded.push({ id, time: T0 + n * 1000, duration: d });
    const res = await post(t, '/api/3.0/mlflow/traces', {
      trace: {
        trace_info: {
          trace_id: id,
          trace_location: {
            type: 'MLFLOW_EXPERIMENT',
            mlflow_experiment: { experiment_id: experimentId },
          },
          request_time: new Date(T0 + n * 1000).toISOString(),
          ...(d === null ? {} : { execution_duration: `${d / 1000}s` }),
          state: 'OK',
        },
      },
    });
    expect(res.status).toBe(200);
  }
});
afterAll(async () => {
  await t.close();
});

/** MLflow's order: execution time descending (none last), then newest first, then by id. */
function expected(from: number, to: number): string[] {
  const key = (s: Seeded) => (s.duration === null ? -Infinity : s.duration);
  return seeded
    .filter((s) => s.time >= from && s.time < to)
    .sort((a, b) => key(b) - key(a) || b.time - a.time || (a.id < b.id ? -1 : 1))
    .map((s) => s.id);
}

async function pages(from: number, to: number, maxResults: number): Promise<string[]> {
  const out: string[] = [];
  let token: string | undefined;
  do {
    const res = await post(t, '/api/3.0/mlflow/traces/search', {
      locations: [
        { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } },
      ],
      filter: `attributes.timestamp_ms >= ${from} AND attributes.timestamp_ms < ${to}`,
      order_by: ['execution_time_ms DESC'],
      max_results: maxResults,
      ...(token ? { page_token: token } : {}),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    out.push(...((res.body.traces ?? []) as { trace_id: string }[]).map((x) => x.trace_id));
    token = res.body.next_page_token as string | undefined;
  } while (token);
  return out;
}

describe('a time window ordered by execution time', () => {
  // With 400 traces and pages of 20 the walk wins from about √(20 × 400) ≈ 90 traces on.
  it.each([
    ['a narrow window (sorted)', 10, 40],
    ['a window near the switch', 100, 190],
    ['a wide window (walked in order)', 20, 380],
    ['every trace', 0, COUNT],
  ])('%s gives the same pages', async (_, first, last) => {
    const from = T0 + first * 1000;
    const to = T0 + last * 1000;
    const want = expected(from, to);
    expect(want.length).toBe(last - first);
    expect(await pages(from, to, 20)).toEqual(want);
    expect(await pages(from, to, 500)).toEqual(want);
  });
});
