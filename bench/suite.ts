// One server under the benchmark's loads: log-batch ingest, single log-metric, runs/search at two
// sizes, get-history of a long metric, and large artifact transfers. The same calls, bodies and
// seeded rows go to ours and to MLflow's, so their figures compare.
import fs from 'node:fs';
import { request } from 'undici';
import {
  logBatchBody,
  logMetricBody,
  SEARCH,
  searchMatches,
  BATCH_KEYS,
  BATCH_STEPS,
} from './data.js';
import { load as runLoad, type LoadOptions, type LoadResult } from './load.js';
import type { Seeder } from './seed.js';
import type { ServerHandle } from './servers.js';
import { download, MIB, sampleMax, upload } from './transfer.js';

export interface Sizes {
  ingestRuns: number;
  ingestRequests: number;
  logMetricRequests: number;
  searchRuns: [number, number];
  searchRequests: number;
  historyPoints: number;
  historyRequests: number;
  artifactBytes: number;
  /** 0 to skip the large upload (it is only measured on ours). */
  bigUploadBytes: number;
  /** Time limit of each load, in seconds. */
  maxSeconds: number;
  /** The `traces` section (traces.ts): traces sent by the ingest load, and traces searched. */
  traceIngestTraces: number;
  traceSearchTraces: number;
  traceSearchRequests: number;
}

export interface Figures {
  ingest: Record<number, LoadResult>;
  logMetric?: LoadResult;
  search: Record<number, LoadResult>;
  /** First page of run ids at each size, to check both servers answer alike. */
  searchFirstPage: Record<number, string[]>;
  history?: LoadResult & { peakRss: number };
  upload?: { seconds: number; peakRss: number };
  download?: { seconds: number };
  bigUpload?: { seconds: number; baselineRss: number; peakRss: number };
  artifactBytes?: number;
  bigUploadBytes?: number;
  problems: string[];
  /** Observations that are not failures of the benchmark itself. */
  notes: string[];
}

/** `auth`, `ui` and `traces` are measured apart (auth-cost.ts, ui.ts, traces.ts); the others here. */
export type Section =
  'ingest' | 'metric' | 'search' | 'history' | 'artifacts' | 'auth' | 'ui' | 'traces';

async function call(base: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await request(`${base}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    headersTimeout: 0,
    bodyTimeout: 0,
  });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`${path} answered ${res.statusCode}: ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

async function createExperiment(base: string, name: string) {
  const { experiment_id: id } = await call(base, '/api/2.0/mlflow/experiments/create', { name });
  const { experiment } = await call(base, `/api/2.0/mlflow/experiments/get?experiment_id=${id}`);
  const location = (experiment as { artifact_location: string }).artifact_location;
  return { id: Number(id), location: location.replace(/\/+$/, '') };
}

async function createRuns(base: string, experimentId: number, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const { run } = await call(base, '/api/2.0/mlflow/runs/create', {
      experiment_id: String(experimentId),
      start_time: Date.now(),
    });
    ids.push((run as { info: { run_id: string } }).info.run_id);
  }
  return ids;
}

const SEARCH_PATH = '/api/2.0/mlflow/runs/search';

/** The search as a JSON body: MLflow's server takes runs/search by POST only. */
function searchBody(experimentId: number): string {
  return JSON.stringify({ experiment_ids: [String(experimentId)], ...SEARCH });
}

function log(server: ServerHandle, what: string) {
  console.log(`  [${server.name}] ${what}`);
}

function describe(r: LoadResult): string {
  return (
    `${r.ok}/${r.requests} ok in ${r.seconds.toFixed(1)} s, ${r.rps.toFixed(1)} req/s, ` +
    `p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms` +
    (r.serverCpuMs === undefined ? '' : `, server CPU ${r.serverCpuMs.toFixed(2)} ms/req`) +
    (r.timedOut ? ' (time limit)' : '')
  );
}

export async function measureServer(
  server: ServerHandle,
  seed: Seeder,
  sizes: Sizes,
  sections: Set<Section>,
  options: { bigUpload: boolean; artifactFile?: (path: string) => string },
): Promise<Figures> {
  const base = server.url;
  const load = (opts: LoadOptions) => runLoad({ ...opts, serverCpuSeconds: server.cpuSeconds });
  const figures: Figures = {
    ingest: {},
    search: {},
    searchFirstPage: {},
    problems: [],
    notes: [],
  };
  const checkLoad = (what: string, r: LoadResult) => {
    log(server, `${what}: ${describe(r)}`);
    if (!r.failed) return;
    // Errors from ours are a bug; the peer's (e.g. MLflow's "database is locked" under 32 writers)
    // are part of what is measured: they are reported, and only successes count in the figures.
    const note = `${server.name} ${what}: ${r.failed} of ${r.requests} requests failed`;
    (server.name === 'trackd' ? figures.problems : figures.notes).push(note);
  };

  // Artifacts first, on the freshly started server: its RSS baseline is then the server's own, not
  // what earlier loads left in the heap.
  if (sections.has('artifacts')) {
    const exp = await createExperiment(base, 'bench-artifacts');
    const dir = `/api/2.0/mlflow-artifacts/artifacts/${exp.id}/bench/artifacts`;
    const sampler = sampleMax(() => server.rss());
    const up = await upload(`${base}${dir}/one.bin`, sizes.artifactBytes);
    figures.upload = { seconds: up, peakRss: sampler.stop() };
    figures.artifactBytes = sizes.artifactBytes;
    const mib = sizes.artifactBytes / MIB;
    log(server, `upload ${mib} MiB: ${(mib / up).toFixed(0)} MiB/s`);
    const down = await download(`${base}${dir}/one.bin`);
    if (down.bytes !== sizes.artifactBytes) {
      figures.problems.push(
        `${server.name} download: ${down.bytes} of ${sizes.artifactBytes} bytes`,
      );
    }
    figures.download = { seconds: down.seconds };
    log(server, `download ${mib} MiB: ${(mib / down.seconds).toFixed(0)} MiB/s`);
    await request(`${base}${dir}/one.bin`, { method: 'DELETE' }).then((r) => r.body.dump());

    if (options.bigUpload && sizes.bigUploadBytes > 0) {
      await new Promise((r) => setTimeout(r, 500));
      const baselineRss = server.rss();
      const big = sampleMax(() => server.rss());
      const seconds = await upload(`${base}${dir}/big.bin`, sizes.bigUploadBytes);
      const peakRss = big.stop();
      figures.bigUpload = { seconds, baselineRss, peakRss };
      figures.bigUploadBytes = sizes.bigUploadBytes;
      const stored = options.artifactFile?.(`${exp.id}/bench/artifacts/big.bin`);
      if (stored && fs.statSync(stored).size !== sizes.bigUploadBytes) {
        figures.problems.push('trackd large upload: stored size differs');
      }
      log(
        server,
        `upload ${sizes.bigUploadBytes / MIB} MiB: ${(sizes.bigUploadBytes / MIB / seconds).toFixed(0)} MiB/s, ` +
          `RSS ${(baselineRss / MIB).toFixed(0)} → ${(peakRss / MIB).toFixed(0)} MiB`,
      );
      await request(`${base}${dir}/big.bin`, { method: 'DELETE' }).then((r) => r.body.dump());
    }
  }

  if (sections.has('ingest') || sections.has('metric')) {
    const exp = await createExperiment(base, 'bench-ingest');
    const runIds = await createRuns(base, exp.id, sizes.ingestRuns);
    let offset = 0;
    const batches = (connections: number, amount: number, measured: boolean) => {
      const start = offset;
      offset += amount + connections; // autocannon builds one body per connection up front
      // Made before the clock starts, as the limit's batches are: the load generator shares the
      // machine's two cores with the server, and making a body costs it about a millisecond.
      const bodies = Array.from({ length: amount + connections }, (_, n) =>
        logBatchBody(start + n, runIds),
      );
      return load({
        url: `${base}/api/2.0/mlflow/runs/log-batch`,
        method: 'POST',
        connections,
        amount,
        maxSeconds: measured ? sizes.maxSeconds : 10,
        body: (n) => bodies[n],
      });
    };
    await batches(4, Math.max(8, Math.round(sizes.ingestRequests / 20)), false); // warm-up
    if (sections.has('ingest')) {
      for (const connections of [4, 32]) {
        const r = await batches(connections, sizes.ingestRequests, true);
        checkLoad(`log-batch ×${BATCH_KEYS * BATCH_STEPS}, ${connections} clients`, r);
        figures.ingest[connections] = r;
      }
    }
    if (sections.has('metric')) {
      const single = (amount: number, maxSeconds: number) =>
        load({
          url: `${base}/api/2.0/mlflow/runs/log-metric`,
          method: 'POST',
          connections: 32,
          amount,
          maxSeconds,
          body: (n) => logMetricBody(n + offset, runIds),
        });
      offset += (await single(Math.round(sizes.logMetricRequests / 20), 10)).requests + 64;
      const r = await single(sizes.logMetricRequests, sizes.maxSeconds);
      checkLoad('log-metric, 32 clients', r);
      figures.logMetric = r;
    }
  }

  if (sections.has('search')) {
    const exp = await createExperiment(base, 'bench-search');
    let seeded = 0;
    for (const runs of sizes.searchRuns) {
      const started = Date.now();
      await seed.runs({
        experimentId: exp.id,
        artifactRoot: exp.location,
        from: seeded,
        count: runs - seeded,
      });
      seeded = runs;
      log(server, `seeded ${runs} runs directly in ${seed.name} (${Date.now() - started} ms)`);
      const body = searchBody(exp.id);
      const first = await call(base, SEARCH_PATH, JSON.parse(body));
      const page = ((first.runs ?? []) as { info: { run_id: string } }[]).map((r) => r.info.run_id);
      figures.searchFirstPage[runs] = page;
      const expected = Math.min(SEARCH.max_results, searchMatches(runs));
      if (page.length !== expected) {
        figures.problems.push(
          `${server.name} search at ${runs} runs: ${page.length} runs answered, ${expected} expected`,
        );
      }
      const search = { url: `${base}${SEARCH_PATH}`, method: 'POST' as const, body: () => body };
      await load({ ...search, connections: 1, amount: 2, maxSeconds: sizes.maxSeconds });
      const r = await load({
        ...search,
        connections: 1,
        amount: sizes.searchRequests,
        maxSeconds: sizes.maxSeconds * 2,
      });
      checkLoad(`runs/search over ${runs} runs`, r);
      figures.search[runs] = r;
    }
  }

  if (sections.has('history')) {
    const exp = await createExperiment(base, 'bench-history');
    const [runId] = await createRuns(base, exp.id, 1);
    const started = Date.now();
    await seed.history(runId, 'loss', sizes.historyPoints);
    log(
      server,
      `seeded ${sizes.historyPoints} points directly in ${seed.name} (${Date.now() - started} ms)`,
    );
    const url = `${base}/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=loss`;
    const sampler = sampleMax(() => server.rss());
    const r = await load({
      url,
      method: 'GET',
      connections: 1,
      amount: sizes.historyRequests,
      maxSeconds: sizes.maxSeconds * 6,
    });
    const peakRss = sampler.stop();
    checkLoad(`get-history of ${sizes.historyPoints} points`, r);
    figures.history = { ...r, peakRss };
    if (server.name === 'trackd') {
      const answer = await call(base, new URL(url).pathname + new URL(url).search);
      const points = (answer.metrics as unknown[] | undefined)?.length ?? 0;
      if (points !== sizes.historyPoints) {
        figures.problems.push(`trackd get-history answered ${points} of ${sizes.historyPoints}`);
      }
    }
  }

  return figures;
}
