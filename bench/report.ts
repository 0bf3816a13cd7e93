// The benchmark's table: absolute figures for ours, MLflow's server and the raw limits, the ratios
// between them, and the targets of issue #6; as plain text for the terminal and as Markdown for
// BENCHMARKS.md (newest run first, between two markers).
import fs from 'node:fs';
import { SEARCH } from './data.js';
import type { LoadResult } from './load.js';
import type { Figures } from './suite.js';
import { MIB } from './transfer.js';

export interface Limits {
  rawInsertPointsPerSecond?: number;
  /** Raw disk write (fsynced), MiB/s, for the artifact size and for the large upload size. */
  diskMiBps?: number;
  bigDiskMiBps?: number;
}

export interface Row {
  what: string;
  ours?: number;
  mlflow?: number;
  limit?: number;
  unit: string;
  /** Throughputs: more is better; latencies: less is better (ratios are then inverted). */
  better: 'higher' | 'lower';
  target?: { vsMlflow?: number; vsLimit?: number; atMost?: number; text: string };
  /** Why the figure has no value (shown instead of a verdict), e.g. an endpoint not yet served. */
  missing?: string;
}

function fmt(value: number | undefined, unit: string): string {
  if (value === undefined || Number.isNaN(value)) return '–';
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toLocaleString('en-US', { maximumFractionDigits: digits })} ${unit}`;
}

/** How many times ours is better than `other` (× faster or × more throughput). */
function advantage(row: Row, other: number | undefined): number | undefined {
  if (row.ours === undefined || other === undefined || !other || !row.ours) return undefined;
  return row.better === 'higher' ? row.ours / other : other / row.ours;
}

function ratioText(value: number | undefined): string {
  if (value === undefined) return '–';
  return `${value >= 10 ? value.toFixed(0) : value.toFixed(2)}×`;
}

export function verdict(row: Row): string {
  const t = row.target;
  if (!t || row.ours === undefined) return '';
  const misses: string[] = [];
  const unknown: string[] = [];
  const check = (ok: boolean | undefined, label: string) => {
    if (ok === undefined) unknown.push(label);
    else if (!ok) misses.push(label);
  };
  if (t.vsMlflow !== undefined) {
    const a = advantage(row, row.mlflow);
    check(a === undefined ? undefined : a >= t.vsMlflow, 'vs MLflow');
  }
  if (t.vsLimit !== undefined) {
    const a = advantage(row, row.limit);
    check(a === undefined ? undefined : a >= t.vsLimit, 'vs limit');
  }
  if (t.atMost !== undefined) check(row.ours < t.atMost, 'absolute');
  if (misses.length) return `missed (${misses.join(', ')})`;
  return unknown.length ? `met where measured (no ${unknown.join(', ')})` : 'met';
}

/**
 * A load whose requests mostly succeeded. When more than 5% failed (MLflow's server has answered
 * `database is locked`, or hung until the client's timeout, under 32 writers), its throughput
 * says little and a ratio against it would flatter ours: the figure is left out (the failures are
 * listed under the table).
 */
function usable(r: LoadResult | undefined): LoadResult | undefined {
  return r && r.failed <= 0.05 * r.requests ? r : undefined;
}

export function buildRows(ours: Figures, mlflow: Figures | undefined, limits: Limits): Row[] {
  const rows: Row[] = [];
  for (const clients of [4, 32]) {
    const points = (f?: Figures) => {
      const r = usable(f?.ingest[clients]);
      return r ? r.rps * 1000 : undefined;
    };
    rows.push({
      what: `log-batch ingest (1000 metrics/request), ${clients} clients`,
      ours: points(ours),
      mlflow: points(mlflow),
      limit: limits.rawInsertPointsPerSecond,
      unit: 'points/s',
      better: 'higher',
      target: { vsMlflow: 20, vsLimit: 0.5, text: '≥ 20× MLflow, ≥ 0.5× limit' },
    });
  }
  rows.push({
    what: 'log-metric, 32 clients',
    ours: ours.logMetric?.rps,
    mlflow: usable(mlflow?.logMetric)?.rps,
    unit: 'req/s',
    better: 'higher',
    target: { vsMlflow: 20, text: '≥ 20× MLflow' },
  });
  for (const p of ['p50', 'p99'] as const) {
    rows.push({
      what: `log-metric latency ${p}, 32 clients`,
      ours: ours.logMetric?.[`${p}Ms`],
      mlflow: mlflow?.logMetric?.[`${p}Ms`],
      unit: 'ms',
      better: 'lower',
    });
  }
  const sizes = Object.keys(ours.search).map(Number);
  for (const runs of sizes) {
    const large = runs === Math.max(...sizes);
    for (const p of ['p50', 'p99'] as const) {
      rows.push({
        what: `runs/search, ${runs.toLocaleString('en-US')} runs, ${p}`,
        ours: ours.search[runs]?.[`${p}Ms`],
        mlflow: mlflow?.search[runs]?.[`${p}Ms`],
        unit: 'ms',
        better: 'lower',
        target:
          large && p === 'p50'
            ? { vsMlflow: 20, atMost: 50, text: '≥ 20× faster than MLflow, p50 < 50 ms' }
            : undefined,
      });
    }
  }
  if (ours.history) {
    rows.push({
      what: 'get-history of the long metric, p50',
      ours: ours.history.p50Ms / 1000,
      mlflow: mlflow?.history ? mlflow.history.p50Ms / 1000 : undefined,
      unit: 's',
      better: 'lower',
      target: { atMost: 1, text: '< 1 s' },
    });
    rows.push({
      what: 'server peak RSS during get-history',
      ours: ours.history.peakRss / MIB,
      mlflow: mlflow?.history ? mlflow.history.peakRss / MIB : undefined,
      unit: 'MiB',
      better: 'lower',
    });
  }
  const rate = (bytes: number, seconds?: number) =>
    seconds === undefined ? undefined : bytes / MIB / seconds;
  if (ours.upload) {
    const bytes = ours.artifactBytes ?? 0;
    rows.push({
      what: 'artifact upload',
      ours: rate(bytes, ours.upload.seconds),
      mlflow: rate(bytes, mlflow?.upload?.seconds),
      limit: limits.diskMiBps,
      unit: 'MiB/s',
      better: 'higher',
    });
    rows.push({
      what: 'artifact download',
      ours: rate(bytes, ours.download?.seconds),
      mlflow: rate(bytes, mlflow?.download?.seconds),
      unit: 'MiB/s',
      better: 'higher',
    });
  }
  if (ours.bigUpload) {
    rows.push({
      what: 'large artifact upload',
      ours: rate(ours.bigUploadBytes ?? 0, ours.bigUpload.seconds),
      limit: limits.bigDiskMiBps,
      unit: 'MiB/s',
      better: 'higher',
      target: { vsLimit: 0.7, text: '≥ 0.7× raw disk write' },
    });
    rows.push({
      what: 'server peak RSS during the large upload',
      ours: ours.bigUpload.peakRss / MIB,
      unit: 'MiB',
      better: 'lower',
      target: { atMost: 200, text: '< 200 MiB' },
    });
  }
  return rows;
}

const HEADER = ['measurement', 'trackd', 'MLflow', 'limit', 'vs MLflow', 'vs limit', 'target'];

function cells(row: Row): string[] {
  return [
    row.what,
    fmt(row.ours, row.unit),
    fmt(row.mlflow, row.unit),
    fmt(row.limit, row.unit),
    ratioText(advantage(row, row.mlflow)),
    ratioText(advantage(row, row.limit)),
    row.missing
      ? `not measured: ${row.missing}`
      : row.target
        ? `${row.target.text}: ${verdict(row)}`
        : '',
  ];
}

export function textTable(rows: Row[]): string {
  const table = [HEADER, ...rows.map(cells)];
  const widths = HEADER.map((_, i) => Math.max(...table.map((r) => r[i].length)));
  return table.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ')).join('\n');
}

export function markdownTable(rows: Row[]): string {
  const line = (r: string[]) => `| ${r.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(HEADER), line(HEADER.map(() => '---')), ...rows.map((r) => line(cells(r)))].join(
    '\n',
  );
}

/** One run's entry for BENCHMARKS.md: when, on what machine, against what, the table and notes. */
export function runEntry(run: {
  started: Date;
  machine: string;
  loadNote: string;
  elapsed: number;
  /** The database both servers used, when not their SQLite files. */
  database?: string;
  /** MLflow's server as measured (version, workers, store); unset when it was not. */
  peer?: string;
  rows: Row[];
  notes: string[];
  problems: string[];
}): string {
  const { loadNote, notes, problems } = run;
  const setup = [
    run.database && `Database: ${run.database}, one database a server.`,
    `Peer: ${run.peer ?? 'not measured (set BENCH_MLFLOW=1)'}.`,
    `Search: \`${SEARCH.filter}\`, order_by \`${SEARCH.order_by.join(', ')}\`, max_results ${SEARCH.max_results}.`,
  ];
  return [
    `### Run of ${run.started.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `Machine: ${run.machine}. ${loadNote[0].toUpperCase()}${loadNote.slice(1)}; the run took ${run.elapsed.toFixed(0)} s.`,
    setup.filter(Boolean).join(' '),
    '',
    markdownTable(run.rows),
    '',
    ...(notes.length ? ['Notes:', ...notes.map((n) => `- ${n}`), ''] : []),
    ...(problems.length ? ['Problems:', ...problems.map((p) => `- ${p}`), ''] : []),
  ].join('\n');
}

const KEEP = 3;

/**
 * Puts `entry` first between the markers of BENCHMARKS.md named `name` (one pair a section),
 * keeping the last few runs.
 */
export function recordInBenchmarks(file: string, entry: string, name = 'npm run bench'): void {
  const BEGIN = `<!-- ${name}: results (newest first) -->`;
  const END = `<!-- ${name}: end of results -->`;
  const text = fs.readFileSync(file, 'utf8');
  const begin = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`${file} lacks the markers ${BEGIN} … ${END}`);
  const previous = text
    .slice(begin + BEGIN.length, end)
    .split(/\n(?=### Run of )/)
    .map((s) => s.trim())
    .filter(Boolean);
  const runs = [entry.trim(), ...previous].slice(0, KEEP);
  fs.writeFileSync(
    file,
    `${text.slice(0, begin + BEGIN.length)}\n\n${runs.join('\n\n')}\n\n${text.slice(end)}`,
  );
}
