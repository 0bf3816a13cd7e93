// The servers a benchmark talks to: ours (the built dist/src/main.js) and, as the peer, MLflow's own
// tracking server. Each binds 127.0.0.1 on a free port, runs in its own process group (MLflow forks
// uvicorn workers) and is stopped with its whole group; memory is read from /proc.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const MLFLOW_BIN = path.join(ROOT, '.venv/bin/mlflow');

/** `mlflow, version X` of the MLflow in .venv, for the record. */
export function mlflowVersion(): string {
  return execFileSync(MLFLOW_BIN, ['--version'], { encoding: 'utf8' }).trim();
}

export interface ServerHandle {
  name: string;
  url: string;
  pid: number;
  /** Resident memory of the server's whole process group, in bytes. */
  rss(): number;
  /** CPU seconds used so far by the server's process group (reaped children included). */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

const running = new Set<ServerHandle>();

/** Stops every server still running (called on exit paths, including signals). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((s) => s.stop()));
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** VmRSS and VmHWM (peak) of one process, in bytes; zeros once it is gone. */
export function memoryOf(pid: number): { rss: number; hwm: number } {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string) =>
      Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { rss: kib('VmRSS') * 1024, hwm: kib('VmHWM') * 1024 };
  } catch {
    return { rss: 0, hwm: 0 };
  }
}

/** /proc/<pid>/stat fields after the parenthesised command: state, ppid, pgrp, … */
function statFields(pid: number | string): string[] | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined; // the process ended while we looked
  }
}

/** Pids whose process group is `pgid` (a server and the workers it forked). */
function groupPids(pgid: number): number[] {
  return fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry) && Number(statFields(entry)?.[2]) === pgid)
    .map(Number);
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

function cpuSecondsOf(pid: number): number {
  const f = statFields(pid);
  // utime, stime, cutime, cstime
  return f ? (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / CLOCK_TICKS : 0;
}

/**
 * CPU seconds used so far by process `pid` and its children, reaped or running: a database server
 * (PostgreSQL's postmaster forks a backend per connection, outside any server's process group).
 */
export function familyCpuSeconds(pid: number): number {
  const children = fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry) && Number(statFields(entry)?.[1]) === pid);
  return children.reduce((sum, p) => sum + cpuSecondsOf(Number(p)), cpuSecondsOf(pid));
}

function handle(name: string, url: string, child: ChildProcess): ServerHandle {
  const pid = child.pid as number;
  let stopped: Promise<void> | undefined;
  const server: ServerHandle = {
    name,
    url,
    pid,
    rss: () => groupPids(pid).reduce((sum, p) => sum + memoryOf(p).rss, 0),
    cpuSeconds: () => groupPids(pid).reduce((sum, p) => sum + cpuSecondsOf(p), 0),
    stop: () => {
      stopped ??= (async () => {
        running.delete(server);
        const exited = new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) resolve();
          else child.once('exit', () => resolve());
        });
        try {
          process.kill(-pid, 'SIGTERM');
        } catch {
          // Already gone.
        }
        const timer = new Promise((r) => setTimeout(r, 10_000).unref());
        await Promise.race([exited, timer]);
        try {
          process.kill(-pid, 'SIGKILL'); // workers that outlived the leader
        } catch {
          // Nothing left.
        }
        await exited;
      })();
      return stopped;
    },
  };
  running.add(server);
  return server;
}

async function waitHealthy(url: string, child: ChildProcess, seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
      if (res.ok && (await res.text()).trim() === 'OK') return;
    } catch {
      // Not up yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer /health within ${seconds} s`);
}

export const TRACKD_MAIN = path.join(ROOT, 'dist/src/main.js');

/**
 * The V8 flags the server runs with: those of its `#!/usr/bin/env -S node …` line, which `npm
 * start` repeats (a unit test holds the two together). The bench starts the same server a user
 * starts.
 */
export function serverNodeFlags(mainFile: string): string[] {
  const first = fs.readFileSync(mainFile, 'utf8').split('\n', 1)[0];
  const match = /^#!\/usr\/bin\/env -S node((?: --[\w-]+(?:=\S+)?)*)$/.exec(first);
  if (!match) throw new Error(`${mainFile}: no '#!/usr/bin/env -S node' line`);
  return match[1].split(' ').filter(Boolean);
}

/**
 * Our built server on a free port (`--port 0`; it prints the URL it listens on). `nodeArgs` go to
 * node itself, e.g. `--cpu-prof` (the profile is written when the server exits on SIGTERM).
 */
export async function startTrackd(
  dataDir: string,
  logFile: string,
  nodeArgs: string[] = [],
  serverArgs: string[] = [],
  env: Record<string, string> = {},
): Promise<ServerHandle> {
  const log = fs.openSync(logFile, 'a');
  const child = spawn(
    process.execPath,
    [
      ...serverNodeFlags(TRACKD_MAIN),
      ...nodeArgs,
      TRACKD_MAIN,
      'serve',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--data-dir',
      dataDir,
      ...serverArgs,
    ],
    { detached: true, stdio: ['ignore', 'pipe', log], env: { ...process.env, ...env } },
  );
  fs.closeSync(log);
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`trackd did not start: ${out}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`trackd exited with ${code}: ${out}`));
    });
  });
  child.stdout!.resume();
  const server = handle('trackd', url, child);
  await waitHealthy(url, child, 30);
  return server;
}

/**
 * MLflow's tracking server over a SQLite file in `workDir` (or the database `backendStoreUri`
 * names), with MLflow's default worker count and artifact proxy, and without its background job
 * runner (as test/conformance/server_process.py).
 */
export async function startMlflow(
  workDir: string,
  backendStoreUri = `sqlite:///${path.join(workDir, 'mlflow.db')}`,
): Promise<ServerHandle> {
  if (!fs.existsSync(MLFLOW_BIN)) {
    throw new Error(`${MLFLOW_BIN} is missing: run bash test/conformance/run.sh once to create it`);
  }
  const port = await freePort();
  const log = fs.openSync(path.join(workDir, 'mlflow.log'), 'a');
  const child = spawn(
    MLFLOW_BIN,
    [
      'server',
      '--backend-store-uri',
      backendStoreUri,
      '--artifacts-destination',
      path.join(workDir, 'mlartifacts'),
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
    ],
    {
      cwd: workDir,
      detached: true,
      stdio: ['ignore', log, log],
      env: {
        ...process.env,
        MLFLOW_SERVER_ENABLE_JOB_EXECUTION: 'false',
        MLFLOW_DISABLE_TELEMETRY: 'true',
        DO_NOT_TRACK: 'true',
      },
    },
  );
  fs.closeSync(log);
  const url = `http://127.0.0.1:${port}`;
  const server = handle('mlflow', url, child);
  try {
    await waitHealthy(url, child, 120);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}
