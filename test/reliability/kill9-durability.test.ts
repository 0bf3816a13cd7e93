// kill -9 under load: the server answers 200 only after a write is committed, so no write it
// acknowledged may be missing after a crash, and a crash must never leave a database corrupt.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import {
  findLostWrites,
  writeUntil,
  type RunTarget,
  type WriteLog,
} from './support/acknowledged-writes.js';
import { call, freePort, startServer, type ServerProcess } from './support/server-process.js';

const PROJECTS = [
  { name: 'default', prefix: '' },
  { name: 'durable', prefix: '/projects/durable' },
];
const RUNS_PER_PROJECT = 2;
const WRITERS = 8;
const LOAD_MS = 13_000;
const MAX_CALLS_PER_WRITER = 20_000;
const KILLS = 3;
const KILL_GAP_MS = { min: 1000, max: 2500 };

let server: ServerProcess | undefined;
let dataDir: string | undefined;

afterAll(async () => {
  await server?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

async function post<T>(prefix: string, urlPath: string, body: unknown): Promise<T> {
  const res = await call(server!.port, 'POST', `${prefix}/api/2.0/mlflow${urlPath}`, body);
  if (res.status !== 200 || !res.json)
    throw new Error(`POST ${urlPath}: ${res.status} ${res.text}`);
  return res.json as T;
}

async function createRuns(): Promise<RunTarget[]> {
  const targets: RunTarget[] = [];
  for (const { prefix } of PROJECTS) {
    const { experiment_id } = await post<{ experiment_id: string }>(prefix, '/experiments/create', {
      name: 'kill9',
    });
    for (let i = 0; i < RUNS_PER_PROJECT; i++) {
      const { run } = await post<{ run: { info: { run_id: string } } }>(prefix, '/runs/create', {
        experiment_id,
      });
      targets.push({ prefix, runId: run.info.run_id });
    }
  }
  return targets;
}

/** Kills the server at random moments while the writers run, restarting it on the same port. */
async function killRepeatedly(port: number, dir: string): Promise<void> {
  for (let k = 0; k < KILLS; k++) {
    const gap = KILL_GAP_MS.min + Math.random() * (KILL_GAP_MS.max - KILL_GAP_MS.min);
    await new Promise((r) => setTimeout(r, gap));
    server!.signal('SIGKILL');
    const exit = await server!.exited;
    expect(exit.signal, server!.output()).toBe('SIGKILL');
    server = await startServer({ dataDir: dir, port });
  }
}

function integrityOf(file: string): string {
  const db = new SQLite(file, { fileMustExist: true });
  try {
    return String(db.pragma('integrity_check', { simple: true }));
  } finally {
    db.close();
  }
}

const sum = (logs: WriteLog[], pick: (log: WriteLog) => number) =>
  logs.reduce((total, log) => total + pick(log), 0);

describe('kill -9 durability', () => {
  it('loses no acknowledged write when killed with SIGKILL under load, and leaves every project database intact', async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trackd-kill9-'));
    const port = await freePort();
    server = await startServer({ dataDir, port });
    const targets = await createRuns();

    const until = Date.now() + LOAD_MS;
    const [logs] = await Promise.all([
      Promise.all(
        Array.from({ length: WRITERS }, (_, writer) =>
          writeUntil({
            port,
            target: targets[writer % targets.length],
            writer,
            until,
            maxCalls: MAX_CALLS_PER_WRITER,
          }),
        ),
      ),
      killRepeatedly(port, dataDir),
    ]);

    // A fresh process reads only what reached the files.
    await server.stop();
    server = await startServer({ dataDir, port });
    const lost = await findLostWrites(port, logs);
    await server.stop();

    const integrity = PROJECTS.map(({ name }) => ({
      name,
      result: integrityOf(path.join(dataDir!, name, 'mlflow.db')),
    }));
    const metrics = sum(logs, (l) => l.metrics.length);
    const params = sum(logs, (l) => l.params.length);
    const tags = sum(logs, (l) => l.tags.length);
    const integrityOk = integrity.every((i) => i.result === 'ok');
    console.log(
      `kill -9 durability: ${KILLS} kills, ${metrics + params + tags} acknowledged writes ` +
        `(${metrics} metrics, ${params} params, ${tags} tags), ${lost.length} lost, ` +
        `integrity_check ${integrityOk ? 'ok' : 'FAILED'}`,
    );

    expect(lost.length, `lost writes, e.g.:\n${lost.slice(0, 10).join('\n')}`).toBe(0);
    expect(integrity).toEqual(PROJECTS.map(({ name }) => ({ name, result: 'ok' })));
    // The kills must have hit a server under load, and valid writes are never refused.
    expect(sum(logs, (l) => l.connectionFailures)).toBeGreaterThan(0);
    expect(logs.every((l) => l.acknowledgedCalls > 0)).toBe(true);
    expect(logs.flatMap((l) => l.refusals)).toEqual([]);
  });
});
