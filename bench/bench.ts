// `npm run bench`: ours side by side with MLflow's own tracking server and with the raw limits of
// this machine (SQLite inserts, disk writes), in one run. See BENCHMARKS.md for what each figure
// means and how the data is seeded.
//
//   npm run bench                    full sizes, ours and the limits; records in BENCHMARKS.md
//   BENCH_MLFLOW=1 npm run bench     … and MLflow's server (.venv, see test/conformance/run.sh)
//   npm run bench -- --quick         small sizes, ours only, nothing recorded (CI smoke test)
//   npm run bench -- --quick --mlflow   … and MLflow's server at the same small sizes
//   npm run bench -- --only search,history --no-write
//   npm run bench -- --only ingest --no-write --cpu-prof /tmp/prof   trackd under node --cpu-prof
//   npm run bench -- --s3 [--quick]  S3 artifact transfer only, trackd vs direct (s3-transfer.ts)
//   npm run bench -- --postgres [--quick]  both servers on PostgreSQL (postgres.ts; BENCH_POSTGRES=1)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildRows, recordInBenchmarks, runEntry, textTable, verdict } from './report.js';
import { rawInsertPointsPerSecond } from './sqlite-limit.js';
import {
  mlflowVersion,
  ROOT,
  startMlflow,
  startTrackd,
  stopAll,
  type ServerHandle,
} from './servers.js';
import { measureAuthCost } from './auth-cost.js';
import { measureUi } from './ui.js';
import { compareTraceFigures, measureTraces, traceRows, type TraceFigures } from './traces.js';
import { measureServer, type Figures, type Section, type Sizes } from './suite.js';
import { MIB, writeRaw } from './transfer.js';
import { measureS3Transfer } from './s3-transfer.js';
import { sqliteSeeder, type Seeder } from './seed.js';
import { machine, machineTicks, othersShare } from './machine.js';
import { measureOnPostgres } from './postgres.js';

const GIB = 1024 * MIB;
const ALL_SECTIONS: Section[] = [
  'ingest',
  'metric',
  'search',
  'history',
  'artifacts',
  'auth',
  'ui',
  'traces',
];

const FULL: Sizes = {
  ingestRuns: 32,
  ingestRequests: 1000,
  logMetricRequests: 40_000,
  searchRuns: [10_000, 100_000],
  searchRequests: 200,
  historyPoints: 1_000_000,
  historyRequests: 5,
  artifactBytes: GIB,
  bigUploadBytes: 5 * GIB,
  maxSeconds: 30,
  traceIngestTraces: 5000,
  traceSearchTraces: 100_000,
  traceSearchRequests: 200,
};
/** MLflow gets the same loads with fewer repetitions where one request takes seconds. */
const FULL_MLFLOW: Sizes = {
  ...FULL,
  searchRequests: 20,
  historyRequests: 1,
  bigUploadBytes: 0,
  traceSearchRequests: 20,
};
const QUICK: Sizes = {
  ingestRuns: 8,
  ingestRequests: 40,
  logMetricRequests: 2000,
  searchRuns: [1000, 5000],
  searchRequests: 30,
  historyPoints: 100_000,
  historyRequests: 2,
  artifactBytes: 64 * MIB,
  bigUploadBytes: 256 * MIB,
  maxSeconds: 15,
  traceIngestTraces: 300,
  traceSearchTraces: 2000,
  traceSearchRequests: 30,
};

/** The `traces` section on a running server (ours or MLflow's) whose database `seed` writes. */
function traces(server: ServerHandle, seed: Seeder, sizes: Sizes): Promise<TraceFigures> {
  return measureTraces(server, seed, {
    ingestTraces: sizes.traceIngestTraces,
    ingestClients: 4,
    searchTraces: sizes.traceSearchTraces,
    searchRequests: sizes.traceSearchRequests,
    maxSeconds: sizes.maxSeconds,
  });
}

function flag(name: string): boolean {
  return process.argv.includes(`--${name}`);
}

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : undefined;
}

async function main() {
  const quick = flag('quick');
  // Its own run: it needs MinIO and moves 20 GiB (records by hand in BENCHMARKS.md).
  if (flag('s3')) return measureS3Transfer({ quick });
  // `--quick --mlflow` smoke-tests the MLflow side too; CI's `--quick` alone never starts it.
  const withMlflow = quick ? flag('mlflow') : process.env.BENCH_MLFLOW === '1' || flag('mlflow');
  const write = !quick && !flag('no-write');
  const sections = new Set<Section>(
    (option('only')?.split(',') as Section[] | undefined) ?? ALL_SECTIONS,
  );
  const sizes = quick ? QUICK : FULL;
  // The same workloads with both servers on PostgreSQL: its own run and section (postgres.ts).
  if (flag('postgres') || process.env.BENCH_POSTGRES === '1') {
    const mlflowSizes = quick ? { ...QUICK, bigUploadBytes: 0 } : FULL_MLFLOW;
    return measureOnPostgres({ quick, withMlflow, write, sections, sizes, mlflowSizes, traces });
  }
  const started = new Date();
  const loadBefore = os.loadavg();
  const ticksBefore = machineTicks();
  const cpuBefore = process.cpuUsage();
  let serverCpu = 0;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'trackd-bench-'));
  const problems: string[] = [];
  const notes: string[] = [];
  console.log(`trackd bench (${quick ? 'quick' : 'full'}${withMlflow ? ', with MLflow' : ''})`);
  console.log(`  ${machine()}; load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`  data in ${tmp}`);

  try {
    // The limits first, while nothing else of ours runs.
    const limits: Parameters<typeof buildRows>[2] = {};
    if (sections.has('ingest')) {
      limits.rawInsertPointsPerSecond = await rawInsertPointsPerSecond(
        path.join(tmp, 'limit'),
        quick ? 100 : 1000,
        sizes.ingestRuns,
      );
      console.log(
        `  [limit] raw SQLite insert: ${limits.rawInsertPointsPerSecond.toFixed(0)} points/s`,
      );
    }
    if (sections.has('artifacts')) {
      for (const [key, bytes] of [
        ['diskMiBps', sizes.artifactBytes],
        ['bigDiskMiBps', sizes.bigUploadBytes],
      ] as const) {
        const file = path.join(tmp, `raw-${bytes}.bin`);
        const seconds = await writeRaw(file, bytes);
        fs.rmSync(file);
        limits[key] = bytes / MIB / seconds;
        console.log(
          `  [limit] raw disk write of ${bytes / MIB} MiB: ${limits[key]!.toFixed(0)} MiB/s`,
        );
      }
    }

    const oursDir = path.join(tmp, 'trackd');
    fs.mkdirSync(oursDir);
    const profileDir = option('cpu-prof');
    const ours = await startTrackd(
      oursDir,
      path.join(tmp, 'trackd.log'),
      profileDir ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(profileDir)] : [],
    );
    let oursFigures: Figures;
    let oursTraces: TraceFigures | undefined;
    try {
      const oursDb = path.join(oursDir, 'default', 'mlflow.db');
      oursFigures = await measureServer(ours, sqliteSeeder(oursDb), sizes, sections, {
        bigUpload: true,
        artifactFile: (p) => path.join(oursDir, 'default', 'artifacts', p),
      });
      if (sections.has('traces')) oursTraces = await traces(ours, sqliteSeeder(oursDb), sizes);
    } finally {
      serverCpu += ours.cpuSeconds();
      await ours.stop();
    }
    problems.push(...oursFigures.problems, ...(oursTraces?.problems ?? []));
    notes.push(...oursFigures.notes, ...(oursTraces?.notes ?? []));

    if (sections.has('auth')) {
      const authDir = path.join(tmp, 'auth');
      fs.mkdirSync(authDir);
      const { lines, serverCpuSeconds } = await measureAuthCost(authDir, {
        logMetricRequests: Math.round(sizes.logMetricRequests / 2),
        logBatchRequests: Math.round(sizes.ingestRequests / 2),
        maxSeconds: sizes.maxSeconds,
      });
      serverCpu += serverCpuSeconds;
      for (const line of lines) console.log(`  [trackd] ${line}`);
      notes.push(...lines);
    }

    if (sections.has('ui')) {
      const uiDir = path.join(tmp, 'ui');
      fs.mkdirSync(uiDir);
      const ui = await measureUi(
        uiDir,
        quick
          ? { tableRuns: 2000, chartRuns: 5, chartPoints: 20_000 }
          : { tableRuns: 100_000, chartRuns: 20, chartPoints: 1_000_000 },
      );
      serverCpu += ui.serverCpuSeconds;
      for (const line of ui.lines) console.log(`  [trackd] ${line}`);
      notes.push(...ui.lines);
    }

    let mlflowFigures: Figures | undefined;
    let mlflowTraces: TraceFigures | undefined;
    if (withMlflow) {
      const work = path.join(tmp, 'mlflow');
      fs.mkdirSync(work);
      const mlflow = await startMlflow(work);
      const mlflowSizes = quick ? { ...QUICK, bigUploadBytes: 0 } : FULL_MLFLOW;
      try {
        mlflowFigures = await measureServer(
          mlflow,
          sqliteSeeder(path.join(work, 'mlflow.db')),
          mlflowSizes,
          sections,
          { bigUpload: false },
        );
        if (sections.has('traces')) {
          mlflowTraces = await traces(
            mlflow,
            sqliteSeeder(path.join(work, 'mlflow.db')),
            mlflowSizes,
          );
        }
      } finally {
        serverCpu += mlflow.cpuSeconds();
        await mlflow.stop();
      }
      problems.push(...mlflowFigures.problems, ...(mlflowTraces?.problems ?? []));
      notes.push(...mlflowFigures.notes, ...(mlflowTraces?.notes ?? []));
      if (oursTraces && mlflowTraces)
        problems.push(...compareTraceFigures(oursTraces, mlflowTraces));
      for (const [runs, page] of Object.entries(oursFigures.searchFirstPage)) {
        const theirs = mlflowFigures.searchFirstPage[Number(runs)];
        if (theirs && theirs.join() !== page.join()) {
          problems.push(`search at ${runs} runs: first pages of trackd and MLflow differ`);
        }
      }
    }

    // Share of the machine used by other processes while we ran (the machine is shared).
    const cpu = process.cpuUsage(cpuBefore);
    const elapsed = (Date.now() - started.getTime()) / 1000;
    const cores = os.availableParallelism();
    const ownSeconds = (cpu.user + cpu.system) / 1e6 + serverCpu;
    const others = othersShare(ticksBefore, ownSeconds, elapsed);

    const rows = [
      ...buildRows(oursFigures, mlflowFigures, limits),
      ...(oursTraces ? traceRows(oursTraces, mlflowTraces) : []),
    ];
    console.log('');
    console.log(textTable(rows));
    console.log('');
    const loadNote =
      `other processes used ${(others * 100).toFixed(0)}% of the ${cores} cores on average ` +
      `during the run (load average at start ${loadBefore.map((l) => l.toFixed(2)).join(' ')})`;
    console.log(`  ${loadNote}; ${elapsed.toFixed(0)} s in all`);
    for (const n of notes) console.log(`  note: ${n}`);
    for (const p of problems) console.log(`  PROBLEM: ${p}`);

    if (write) {
      const entry = runEntry({
        started,
        machine: machine(),
        loadNote,
        elapsed,
        peer: withMlflow
          ? `${mlflowVersion()} (\`mlflow server\`, default 4 workers, SQLite)`
          : undefined,
        rows,
        notes,
        problems,
      });
      recordInBenchmarks(path.join(ROOT, 'BENCHMARKS.md'), entry);
      console.log('  recorded in BENCHMARKS.md');
    }
    const missed = rows.filter((r) => verdict(r).startsWith('missed'));
    if (missed.length) console.log(`  targets missed: ${missed.map((r) => r.what).join('; ')}`);
    if (problems.length) process.exitCode = 1;
  } finally {
    await stopAll();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void stopAll().finally(() => process.exit(130));
  });
}

main().catch(async (err: unknown) => {
  console.error(err);
  await stopAll();
  process.exit(1);
});
