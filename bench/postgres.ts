// `npm run bench -- --postgres`: the workloads of suite.ts and traces.ts once more, with both
// servers' metadata on one throwaway PostgreSQL (scripts/services/postgres.sh): trackd with
// `--backend-store-uri`, and MLflow's server on the same cluster through psycopg2. Each server gets
// a fresh database of its own; the seeded rows are those of the SQLite runs (data.ts `seededRun`,
// traces.ts `seededTrace`), written here with PostgreSQL's inserts. Artifacts stay on local disk
// with either backend, so the artifact section is not repeated; auth and ui are ours only.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import { schemaFor } from '../src/store/postgres/project-databases.js';
import { historyPoint, RANK_MARK_EVERY, seededRun } from './data.js';
import { machine, machineTicks, othersShare } from './machine.js';
import { buildRows, recordInBenchmarks, runEntry, textTable } from './report.js';
import type { Seeder } from './seed.js';
import {
  familyCpuSeconds,
  mlflowVersion,
  ROOT,
  startMlflow,
  startTrackd,
  type ServerHandle,
} from './servers.js';
import { measureServer, type Figures, type Section, type Sizes } from './suite.js';
import { compareTraceFigures, seededTrace, traceRows, type TraceFigures } from './traces.js';

/**
 * MLflow's PostgreSQL driver, pinned like the venv's other packages. SQLAlchemy 2.1 reads a bare
 * `postgresql://` as psycopg 3, so MLflow is given `postgresql+psycopg2://`.
 */
const PSYCOPG = 'psycopg2-binary==2.9.11';
const SECTIONS: Section[] = ['ingest', 'metric', 'search', 'history', 'traces'];
/** The markers of this run's results in BENCHMARKS.md. */
const RECORD_NAME = 'npm run bench on PostgreSQL';

interface Cluster {
  url: string;
  /** CPU seconds of the cluster so far (postmaster and backends). */
  cpuSeconds(): number;
  stop(): void;
}

/** A throwaway cluster on 127.0.0.1 (installed from Debian's archive when missing). */
function startCluster(): Cluster {
  const script = path.join(ROOT, 'scripts/services/postgres.sh');
  const out = execFileSync('bash', [script, 'start'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = /^TRACKD_TEST_PG_URL=(.+)$/m.exec(out)?.[1];
  const dir = /^PGDIR=(.+)$/m.exec(out)?.[1];
  if (!url || !dir) throw new Error(`postgres.sh start printed no URL: ${out}`);
  const postmaster = Number(
    fs.readFileSync(path.join(dir, 'data/postmaster.pid'), 'utf8').split('\n')[0],
  );
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    execFileSync('bash', [script, 'stop', dir], { stdio: 'inherit' });
  };
  // Also on an interrupted run (bench.ts exits on SIGINT/SIGTERM): no cluster left behind.
  process.once('exit', stop);
  return { url, cpuSeconds: () => familyCpuSeconds(postmaster), stop };
}

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** A fresh database `name` on the cluster; its URL. */
async function createDatabase(clusterUrl: string, name: string): Promise<string> {
  await withClient(clusterUrl, (c) => c.query(`create database ${c.escapeIdentifier(name)}`));
  const url = new URL(clusterUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** psycopg2 in the bench's venv (test/conformance/run.sh makes the venv; pip skips it when there). */
function ensurePsycopg() {
  execFileSync(
    path.join(ROOT, '.venv/bin/python'),
    ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--quiet', PSYCOPG],
    { stdio: 'inherit' },
  );
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- two schemas (ours, MLflow's), rows by name
type AnyDb = Kysely<any>;

/** Multi-row inserts, each under PostgreSQL's 65 535 parameters a statement. */
async function insert(db: AnyDb | Transaction<unknown>, table: string, rows: object[]) {
  if (!rows.length) return;
  const perStatement = Math.floor(65_535 / Object.keys(rows[0]).length);
  for (let i = 0; i < rows.length; i += perStatement) {
    await (db as AnyDb)
      .insertInto(table)
      .values(rows.slice(i, i + perStatement))
      .execute();
  }
}

/**
 * Seeding into the schema `schema` of the database at `url` (ours: the project's schema; MLflow's:
 * public), as data.ts does into a SQLite file. Flags are given as '0'/'1': sent untyped, they read
 * as integers in our columns and as booleans in MLflow's (`is_nan`). Each seeding ends with
 * ANALYZE, which autovacuum would run on its own shortly after such a bulk load: without it the
 * first searches are planned on the statistics of empty tables.
 */
function postgresSeeder(url: string, schema: string): Seeder & { close(): Promise<void> } {
  const db: AnyDb = new Kysely({
    dialect: new PostgresDialect({
      pool: new pg.Pool({ connectionString: url, max: 1, options: `-c search_path=${schema}` }),
    }),
  });
  const hasColumn = async (table: string, column: string) =>
    (
      await sql`select 1 from information_schema.columns
        where table_schema = ${schema} and table_name = ${table} and column_name = ${column}`.execute(
        db,
      )
    ).rows.length > 0;
  const inserts = (tables: Record<string, object[]>) =>
    db.transaction().execute(async (trx) => {
      for (const [table, rows] of Object.entries(tables)) await insert(trx, table, rows);
    });
  // Ours names a history's run by run_key and keeps rank marks (data.ts historyByRunKey, rankMarks).
  const layout = async () => ({
    byKey: await hasColumn('metrics', 'run_key'),
    marks: await hasColumn('metric_series', 'run_key'),
  });
  const analyze = () => sql`analyze`.execute(db);

  return {
    name: 'PostgreSQL',
    close: () => db.destroy(),
    runs: async (opts) => {
      const { byKey, marks } = await layout();
      let nextKey = byKey
        ? Number(
            (
              await sql<{
                next: string;
              }>`select coalesce(max(run_key), 0) + 1 as next from runs`.execute(db)
            ).rows[0].next,
          )
        : 0;
      const end = opts.from + opts.count;
      for (let start = opts.from; start < end; start += 5000) {
        const t: Record<string, object[]> = {
          runs: [],
          params: [],
          tags: [],
          metrics: [],
          latest_metrics: [],
          metric_rank_marks: [],
          metric_series: [],
        };
        for (let i = start; i < Math.min(end, start + 5000); i++) {
          const r = seededRun(i, opts.artifactRoot);
          const historyRun = byKey ? nextKey++ : r.id;
          t.runs.push({
            run_uuid: r.id,
            experiment_id: opts.experimentId,
            name: r.name,
            source_type: 'UNKNOWN',
            source_name: '',
            entry_point_name: '',
            user_id: 'bench',
            status: 'FINISHED',
            start_time: r.started,
            end_time: r.started + 500,
            deleted_time: null,
            source_version: '',
            lifecycle_stage: 'active',
            artifact_uri: r.artifactUri,
            ...(byKey ? { run_key: historyRun } : {}),
          });
          for (const [key, value] of r.params) t.params.push({ run_uuid: r.id, key, value });
          for (const [key, value] of r.tags) t.tags.push({ run_uuid: r.id, key, value });
          for (const [key, value] of r.metrics) {
            const point = { key, value, timestamp: r.started, step: 0, is_nan: '0' };
            t.metrics.push({ [byKey ? 'run_key' : 'run_uuid']: historyRun, ...point });
            t.latest_metrics.push({ run_uuid: r.id, ...point });
            if (!marks) continue;
            t.metric_rank_marks.push({ run_key: historyRun, rank: 0, ...point, time_offset: 0 });
            t.metric_series.push({
              run_key: historyRun,
              key,
              points: 1,
              in_order: '1',
              last_timestamp: r.started,
              last_step: 0,
              last_value: value,
              last_is_nan: '0',
              last_time_offset: 0,
            });
          }
        }
        await inserts(t);
      }
      await analyze();
    },
    history: async (runId, key, points) => {
      const { byKey, marks } = await layout();
      const historyRun = byKey
        ? (
            await sql<{
              run_key: string;
            }>`select run_key from runs where run_uuid = ${runId}`.execute(db)
          ).rows[0].run_key
        : runId;
      for (let start = 0; start < points; start += 50_000) {
        const t: Record<string, object[]> = { metrics: [], metric_rank_marks: [] };
        for (let i = start; i < Math.min(points, start + 50_000); i++) {
          const p = historyPoint(i);
          t.metrics.push({
            [byKey ? 'run_key' : 'run_uuid']: historyRun,
            key,
            ...p,
            is_nan: '0',
          });
          if (marks && i % RANK_MARK_EVERY === 0) {
            t.metric_rank_marks.push({
              run_key: historyRun,
              key,
              rank: i,
              ...p,
              is_nan: '0',
              time_offset: 0,
            });
          }
        }
        await inserts(t);
      }
      const last = historyPoint(points - 1);
      // The run was made through the API just before, with no metrics: nothing to replace.
      await inserts({
        latest_metrics: [{ run_uuid: runId, key, ...last, is_nan: '0' }],
        metric_series: marks
          ? [
              {
                run_key: historyRun,
                key,
                points,
                in_order: '1',
                last_timestamp: last.timestamp,
                last_step: last.step,
                last_value: last.value,
                last_is_nan: '0',
                last_time_offset: 0,
              },
            ]
          : [],
      });
      await analyze();
    },
    traces: async (experimentId, artifactRoot, count) => {
      for (let start = 0; start < count; start += 5000) {
        const t: Record<string, object[]> = {
          trace_info: [],
          trace_tags: [],
          trace_request_metadata: [],
        };
        for (let n = start; n < Math.min(count, start + 5000); n++) {
          const s = seededTrace(n, artifactRoot);
          t.trace_info.push({
            request_id: s.id,
            experiment_id: experimentId,
            timestamp_ms: s.timestampMs,
            execution_time_ms: s.executionMs,
            status: s.status,
            client_request_id: null,
            request_preview: s.requestPreview,
            response_preview: s.responsePreview,
            trace_name: s.name,
          });
          for (const [key, value] of Object.entries(s.tags))
            t.trace_tags.push({ request_id: s.id, key, value });
          for (const [key, value] of Object.entries(s.metadata))
            t.trace_request_metadata.push({ request_id: s.id, key, value });
        }
        await inserts(t);
      }
      await analyze();
    },
  };
}

/** A server handle whose CPU includes the cluster's: its queries run in PostgreSQL's backends. */
function withClusterCpu(server: ServerHandle, cluster: Cluster): ServerHandle {
  return { ...server, cpuSeconds: () => server.cpuSeconds() + cluster.cpuSeconds() };
}

export interface PostgresRun {
  quick: boolean;
  withMlflow: boolean;
  write: boolean;
  sections: Set<Section>;
  sizes: Sizes;
  mlflowSizes: Sizes;
  /** bench.ts's `traces` section on a running server. */
  traces(server: ServerHandle, seed: Seeder, sizes: Sizes): Promise<TraceFigures>;
}

/** One server on its own fresh database: the suite's sections, then traces. */
async function measureOn(
  run: PostgresRun,
  cluster: Cluster,
  sections: Set<Section>,
  sizes: Sizes,
  start: (dbUrl: string) => Promise<ServerHandle>,
  schema: string,
  database: string,
): Promise<{ figures: Figures; traces?: TraceFigures; cpu: number }> {
  const dbUrl = await createDatabase(cluster.url, database);
  const started = await start(dbUrl);
  const server = withClusterCpu(started, cluster);
  const seed = postgresSeeder(dbUrl, schema);
  const cpuBefore = cluster.cpuSeconds();
  try {
    const figures = await measureServer(server, seed, sizes, sections, { bigUpload: false });
    const traces = sections.has('traces') ? await run.traces(server, seed, sizes) : undefined;
    return { figures, traces, cpu: started.cpuSeconds() + cluster.cpuSeconds() - cpuBefore };
  } finally {
    await seed.close();
    await started.stop();
  }
}

export async function measureOnPostgres(run: PostgresRun): Promise<void> {
  const sections = new Set(SECTIONS.filter((s) => run.sections.has(s)));
  const started = new Date();
  const loadBefore = os.loadavg();
  const ticksBefore = machineTicks();
  const cpuBefore = process.cpuUsage();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'trackd-bench-pg-'));
  console.log(
    `trackd bench on PostgreSQL (${run.quick ? 'quick' : 'full'}${run.withMlflow ? ', with MLflow' : ''}): ${[...sections].join(', ')}`,
  );
  console.log(`  ${machine()}; load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`);
  if (run.withMlflow) ensurePsycopg(); // before the clock matters: pip takes seconds
  const cluster = startCluster();
  const version = await withClient(cluster.url, async (c) => {
    const { rows } = await c.query<{ server_version: string }>('show server_version');
    return `PostgreSQL ${rows[0].server_version}`;
  });
  console.log(
    `  ${version} (scripts/services/postgres.sh: fsync off, 127.0.0.1) at ${cluster.url}`,
  );
  const problems: string[] = [];
  const notes: string[] = [];
  let serverCpu = 0;
  try {
    const oursDir = path.join(tmp, 'trackd');
    fs.mkdirSync(oursDir);
    const ours = await measureOn(
      run,
      cluster,
      sections,
      run.sizes,
      (url) => startTrackd(oursDir, path.join(tmp, 'trackd.log'), [], ['--backend-store-uri', url]),
      schemaFor('default'),
      'trackd',
    );
    serverCpu += ours.cpu;
    let mlflow: typeof ours | undefined;
    if (run.withMlflow) {
      const work = path.join(tmp, 'mlflow');
      fs.mkdirSync(work);
      mlflow = await measureOn(
        run,
        cluster,
        sections,
        run.mlflowSizes,
        (url) => startMlflow(work, url.replace(/^postgresql:/, 'postgresql+psycopg2:')),
        'public',
        'mlflow',
      );
      serverCpu += mlflow.cpu;
    }
    for (const side of [ours, mlflow]) {
      problems.push(...(side?.figures.problems ?? []), ...(side?.traces?.problems ?? []));
      notes.push(...(side?.figures.notes ?? []), ...(side?.traces?.notes ?? []));
    }
    if (ours.traces && mlflow?.traces)
      problems.push(...compareTraceFigures(ours.traces, mlflow.traces));
    for (const [runs, page] of Object.entries(ours.figures.searchFirstPage)) {
      const theirs = mlflow?.figures.searchFirstPage[Number(runs)];
      if (theirs && theirs.join() !== page.join()) {
        problems.push(`search at ${runs} runs: first pages of trackd and MLflow differ`);
      }
    }

    const cpu = process.cpuUsage(cpuBefore);
    const elapsed = (Date.now() - started.getTime()) / 1000;
    const others = othersShare(ticksBefore, (cpu.user + cpu.system) / 1e6 + serverCpu, elapsed);
    const rows = [
      ...buildRows(ours.figures, mlflow?.figures, {}),
      ...(ours.traces ? traceRows(ours.traces, mlflow?.traces) : []),
    ];
    console.log('');
    console.log(textTable(rows));
    console.log('');
    const loadNote =
      `other processes used ${(others * 100).toFixed(0)}% of the ${os.availableParallelism()} cores on average ` +
      `during the run (load average at start ${loadBefore.map((l) => l.toFixed(2)).join(' ')})`;
    console.log(`  ${loadNote}; ${elapsed.toFixed(0)} s in all`);
    for (const n of notes) console.log(`  note: ${n}`);
    for (const p of problems) console.log(`  PROBLEM: ${p}`);

    if (run.write) {
      const entry = runEntry({
        started,
        machine: machine(),
        loadNote,
        elapsed,
        database: version,
        peer: run.withMlflow
          ? `${mlflowVersion()} (\`mlflow server\`, default 4 workers, ${PSYCOPG})`
          : undefined,
        rows,
        notes,
        problems,
      });
      recordInBenchmarks(path.join(ROOT, 'BENCHMARKS.md'), entry, RECORD_NAME);
      console.log('  recorded in BENCHMARKS.md');
    }
    if (problems.length) process.exitCode = 1;
  } finally {
    cluster.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
