// Writers that log metrics, params and tags to a run and remember each write the server answered
// 200, and the check that every one of those writes can still be read back. Connection failures
// are expected (the tests kill the server) and are neither acknowledged nor retried as the same write.
import http from 'node:http';
import { call } from './server-process.js';

export interface RunTarget {
  /** '' for the default project, '/projects/<name>' otherwise. */
  prefix: string;
  runId: string;
}

export interface MetricPoint {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}

export interface KeyValue {
  key: string;
  value: string;
}

export interface WriteLog {
  target: RunTarget;
  metrics: MetricPoint[];
  params: KeyValue[];
  tags: KeyValue[];
  /** Requests answered 200. */
  acknowledgedCalls: number;
  /** Requests that got no answer (server down or killed mid-request). */
  connectionFailures: number;
  /** Requests answered with anything but 200, as `<status> <body>`: a valid write must not be refused. */
  refusals: string[];
}

export interface WriterOptions {
  port: number;
  target: RunTarget;
  /** Distinguishes this writer's keys from every other writer's. */
  writer: number;
  /** Date.now() value at which the writer stops. */
  until: number;
  maxCalls: number;
  metricsPerBatch?: number;
  /** Wait after a connection failure, so a down server is not hammered. */
  pauseAfterFailureMs?: number;
}

interface Write {
  path: string;
  body: Record<string, unknown>;
  metrics: MetricPoint[];
  params: KeyValue[];
  tags: KeyValue[];
}

const API = '/api/2.0/mlflow';

/** The n-th write of a writer; the four endpoints take turns. Param and tag keys are never reused. */
function nthWrite(runId: string, writer: number, n: number, metricsPerBatch: number): Write {
  const timestamp = Date.now();
  // Exactly representable values, so a comparison after the round trip can be exact.
  const metric = (key: string, i: number) => ({ key, value: n + i / 8, timestamp, step: n });
  const name = (kind: string) => `w${writer}.${kind}${n}`;
  switch (n % 4) {
    case 0: {
      const metrics = Array.from({ length: metricsPerBatch }, (_, i) =>
        metric(`w${writer}.m${i}`, i),
      );
      const params = [{ key: name('bp'), value: `v${n}` }];
      const tags = [{ key: name('bt'), value: `v${n}` }];
      return {
        path: `${API}/runs/log-batch`,
        body: { run_id: runId, metrics, params, tags },
        metrics,
        params,
        tags,
      };
    }
    case 1: {
      const point = metric(`w${writer}.single`, 0);
      return {
        path: `${API}/runs/log-metric`,
        body: { run_id: runId, ...point },
        metrics: [point],
        params: [],
        tags: [],
      };
    }
    case 2: {
      const param = { key: name('p'), value: `v${n}` };
      return {
        path: `${API}/runs/log-parameter`,
        body: { run_id: runId, ...param },
        metrics: [],
        params: [param],
        tags: [],
      };
    }
    default: {
      const tag = { key: name('t'), value: `v${n}` };
      return {
        path: `${API}/runs/set-tag`,
        body: { run_id: runId, ...tag },
        metrics: [],
        params: [],
        tags: [tag],
      };
    }
  }
}

/** A log with nothing written yet, for writers of their own (e.g. onto a full disk). */
export function emptyWriteLog(target: RunTarget): WriteLog {
  return {
    target,
    metrics: [],
    params: [],
    tags: [],
    acknowledgedCalls: 0,
    connectionFailures: 0,
    refusals: [],
  };
}

/** Writes until the deadline or `maxCalls` answered requests, over one keep-alive connection. */
export async function writeUntil(opts: WriterOptions): Promise<WriteLog> {
  const { port, target, writer, until, maxCalls } = opts;
  const metricsPerBatch = opts.metricsPerBatch ?? 20;
  const pause = opts.pauseAfterFailureMs ?? 50;
  const log = emptyWriteLog(target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (
      let n = 0;
      Date.now() < until && log.acknowledgedCalls + log.refusals.length < maxCalls;
      n++
    ) {
      const write = nthWrite(target.runId, writer, n, metricsPerBatch);
      let res;
      try {
        res = await call(port, 'POST', target.prefix + write.path, write.body, {}, agent);
      } catch {
        log.connectionFailures++;
        await new Promise((r) => setTimeout(r, pause));
        continue;
      }
      if (res.status !== 200) {
        log.refusals.push(`${res.status} ${res.text.slice(0, 200)}`);
        continue;
      }
      log.acknowledgedCalls++;
      log.metrics.push(...write.metrics);
      log.params.push(...write.params);
      log.tags.push(...write.tags);
    }
  } finally {
    agent.destroy();
  }
  return log;
}

async function getJson(port: number, urlPath: string): Promise<Record<string, unknown>> {
  const res = await call(port, 'GET', urlPath);
  if (res.status !== 200 || !res.json) throw new Error(`GET ${urlPath}: ${res.status} ${res.text}`);
  return res.json;
}

const HISTORY_PAGE = 25_000;

/** Every point of one metric, page by page. */
async function metricHistory(port: number, target: RunTarget, key: string): Promise<MetricPoint[]> {
  const points: MetricPoint[] = [];
  let pageToken: string | undefined;
  do {
    const query = new URLSearchParams({
      run_id: target.runId,
      metric_key: key,
      max_results: String(HISTORY_PAGE),
      ...(pageToken ? { page_token: pageToken } : {}),
    });
    const page = await getJson(port, `${target.prefix}${API}/metrics/get-history?${query}`);
    points.push(...((page.metrics as MetricPoint[] | undefined) ?? []));
    pageToken = page.next_page_token as string | undefined;
  } while (pageToken);
  return points;
}

const pointId = (p: MetricPoint) => `${p.key} step=${p.step} ts=${p.timestamp} value=${p.value}`;

/**
 * Reads back every acknowledged write of `logs` and describes each one missing or changed
 * ([] when none is lost). Each run is read once and each metric's history once.
 */
export async function findLostWrites(port: number, logs: WriteLog[]): Promise<string[]> {
  const byRun = new Map<string, WriteLog[]>();
  for (const log of logs) {
    const id = `${log.target.prefix}|${log.target.runId}`;
    byRun.set(id, [...(byRun.get(id) ?? []), log]);
  }
  const lost: string[] = [];
  for (const runLogs of byRun.values()) {
    const target = runLogs[0].target;
    const where = `${target.prefix || '(default)'} run ${target.runId}`;
    const { run } = (await getJson(
      port,
      `${target.prefix}${API}/runs/get?run_id=${encodeURIComponent(target.runId)}`,
    )) as { run: { data: { params?: KeyValue[]; tags?: KeyValue[] } } };
    const params = new Map((run.data.params ?? []).map((p) => [p.key, p.value]));
    const tags = new Map((run.data.tags ?? []).map((t) => [t.key, t.value]));
    const metricsByKey = new Map<string, MetricPoint[]>();
    for (const log of runLogs) {
      for (const p of log.params) {
        if (params.get(p.key) !== p.value) lost.push(`${where}: param ${p.key}=${p.value}`);
      }
      for (const t of log.tags) {
        if (tags.get(t.key) !== t.value) lost.push(`${where}: tag ${t.key}=${t.value}`);
      }
      for (const m of log.metrics) {
        const points = metricsByKey.get(m.key);
        if (points) points.push(m);
        else metricsByKey.set(m.key, [m]);
      }
    }
    for (const [key, points] of metricsByKey) {
      const stored = new Set((await metricHistory(port, target, key)).map(pointId));
      for (const m of points) {
        if (!stored.has(pointId(m))) lost.push(`${where}: metric ${pointId(m)}`);
      }
    }
  }
  return lost;
}
