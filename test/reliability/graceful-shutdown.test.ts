// SIGTERM is how every process manager (systemd, Docker, Kubernetes, npm) stops the server: what a
// client had already sent must be answered, an upload the deadline cuts must leave nothing behind,
// and the process must end on its own with code 0.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { sleep, waitFor, within } from './support/polling.js';
import { descendantsOf, isAlive, killIfAlive } from './support/process-tree.js';
import {
  call,
  freePort,
  startServer,
  type ExitStatus,
  type ServerProcess,
} from './support/server-process.js';
import { download, startUpload } from './support/streamed-upload.js';
import { createRun, type TrackingRun } from './support/tracking-run.js';
import { findFilesNamed, readUploadFolder } from './support/upload-folder.js';

const MIB = 1024 * 1024;
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const servers: ServerProcess[] = [];
const cleanups: (() => void)[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    await server.stop();
    fs.rmSync(server.dataDir, { recursive: true, force: true });
  }
  for (const cleanup of cleanups.splice(0)) cleanup();
});

async function started(...args: Parameters<typeof startServer>): Promise<ServerProcess> {
  const server = await startServer(...args);
  servers.push(server);
  return server;
}

/** When `server` exited (Date.now()), and how. */
function exitTime(server: ServerProcess): Promise<ExitStatus & { atMs: number }> {
  return server.exited.then((status) => ({ ...status, atMs: Date.now() }));
}

interface LoadTally {
  startedBefore: number;
  /** Requests sent before the signal that ended without an HTTP answer: the failure under test. */
  cutBefore: string[];
  /** Requests sent before the signal answered with anything but 200. */
  refusedBefore: string[];
  startedAfter: number;
  failedAfter: number;
  lastEndMs: number;
}

/**
 * One client sending requests back-to-back on `agent` (alternately a metric batch and a read)
 * until a request sent after the signal fails: the server has stopped accepting connections.
 */
async function clientLoop(
  port: number,
  run: TrackingRun,
  agent: http.Agent,
  client: number,
  signalled: () => boolean,
  tally: LoadTally,
): Promise<void> {
  for (let n = 0; ; n++) {
    const before = !signalled();
    if (before) tally.startedBefore++;
    else tally.startedAfter++;
    const timestamp = Date.now();
    const request =
      n % 2 === 0
        ? call(
            port,
            'POST',
            '/api/2.0/mlflow/runs/log-batch',
            {
              run_id: run.runId,
              metrics: Array.from({ length: 10 }, (_, i) => ({
                key: `c${client}.m${i}`,
                value: n,
                timestamp,
                step: n,
              })),
            },
            {},
            agent,
          )
        : call(port, 'GET', `/api/2.0/mlflow/runs/get?run_id=${run.runId}`, undefined, {}, agent);
    try {
      const res = await request;
      tally.lastEndMs = Math.max(tally.lastEndMs, Date.now());
      if (before && res.status !== 200) tally.refusedBefore.push(`${res.status} ${res.text}`);
    } catch (err) {
      tally.lastEndMs = Math.max(tally.lastEndMs, Date.now());
      if (before) tally.cutBefore.push((err as Error).message);
      else {
        tally.failedAfter++;
        return;
      }
    }
  }
}

/**
 * A GET on `agent` and the moment its bytes were handed to the kernel (`flushed`): after that the
 * request is the server's to read, whatever the server is doing. `answer` is the status, or the
 * connection error's message.
 */
function sendGet(
  port: number,
  urlPath: string,
  agent: http.Agent,
): { flushed: Promise<void>; answer: Promise<number | string> } {
  const req = http.request({ host: '127.0.0.1', port, method: 'GET', path: urlPath, agent });
  const flushed = new Promise<void>((resolve) => {
    req.once('finish', resolve);
    req.once('error', () => resolve());
  });
  const answer = new Promise<number | string>((resolve) => {
    req.once('error', (err) => resolve(err.message));
    req.once('response', (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
      res.once('error', (err) => resolve(err.message));
    });
  });
  req.end();
  return { flushed, answer };
}

/** True when nothing accepts connections on 127.0.0.1:`port`. */
function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

describe('graceful shutdown', () => {
  it('SIGTERM under load: every request that started before it is answered', async () => {
    const CLIENTS = 8;
    // Kept idle during the load, each sends one request the moment before the signal: a request
    // the server has received but not read yet when SIGTERM arrives must be answered too.
    const LAST_MOMENT = 8;
    const LOAD_BEFORE_SIGNAL_MS = 1500;
    const UPLOAD_BYTES = 20 * MIB;
    const server = await started();
    const { port, dataDir } = server;
    const run = await createRun(port, 'sigterm-under-load');

    // Warm-up: every client gets its connection now, so none has to be opened during the test.
    const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
    cleanups.push(() => agent.destroy());
    const sockets = new Set<net.Socket>();
    agent.on('free', (socket: net.Socket) => sockets.add(socket));
    await Promise.all(
      Array.from({ length: CLIENTS }, () => call(port, 'GET', '/health', undefined, {}, agent)),
    );
    expect(sockets.size).toBe(CLIENTS);
    const idleAgent = new http.Agent({ keepAlive: true, maxSockets: LAST_MOMENT });
    cleanups.push(() => idleAgent.destroy());
    await Promise.all(
      Array.from({ length: LAST_MOMENT }, () =>
        call(port, 'GET', '/health', undefined, {}, idleAgent),
      ),
    );

    const upload = startUpload({
      port,
      path: run.artifactUrl('during-shutdown.bin'),
      totalBytes: UPLOAD_BYTES,
      chunkBytes: MIB / 2,
      intervalMs: 50,
    });
    let signalled = false;
    const tally: LoadTally = {
      startedBefore: 0,
      cutBefore: [],
      refusedBefore: [],
      startedAfter: 0,
      failedAfter: 0,
      lastEndMs: 0,
    };
    const exit = exitTime(server);
    const loops = Array.from({ length: CLIENTS }, (_, client) =>
      clientLoop(port, run, agent, client, () => signalled, tally),
    );

    await sleep(LOAD_BEFORE_SIGNAL_MS);
    const lastMoment = Array.from({ length: LAST_MOMENT }, () =>
      sendGet(port, `/api/2.0/mlflow/runs/get?run_id=${run.runId}`, idleAgent),
    );
    await Promise.all(lastMoment.map((r) => r.flushed));
    const connectionsBeforeSignal = sockets.size;
    const uploadSentAtSignal = upload.bytesSent();
    signalled = true;
    server.signal('SIGTERM');

    await Promise.all(loops);
    const lastMomentAnswers = await Promise.all(lastMoment.map((r) => r.answer));
    const uploaded = await upload.outcome;
    const lastEndMs = Math.max(tally.lastEndMs, uploaded.atMs);
    const status = await within(exit, 15_000, undefined);

    console.log(
      `SIGTERM under load: ${tally.startedBefore + LAST_MOMENT} requests started before the signal ` +
        `(${LAST_MOMENT} of them on idle connections just before it), ` +
        `${tally.cutBefore.length + lastMomentAnswers.filter((a) => typeof a === 'string').length} reset, ` +
        `${tally.refusedBefore.length + lastMomentAnswers.filter((a) => typeof a === 'number' && a !== 200).length} refused; ` +
        `1 upload of ${UPLOAD_BYTES / MIB} MiB (${(uploadSentAtSignal / MIB).toFixed(1)} MiB sent at the signal) ` +
        `${uploaded.kind === 'answered' ? `answered ${uploaded.status}` : `failed: ${uploaded.error}`}; ` +
        `${tally.failedAfter} of ${tally.startedAfter} requests started after it failed; ` +
        `exit ${status ? `code ${status.code} ${status.atMs - lastEndMs} ms after the last answer` : 'NONE'}`,
    );

    // The clients stayed on their warmed-up connections until the signal, and the upload was
    // still arriving when it came.
    expect(connectionsBeforeSignal).toBe(CLIENTS);
    expect(uploadSentAtSignal).toBeLessThan(UPLOAD_BYTES);
    expect(tally.cutBefore, 'requests sent before SIGTERM that got no answer').toEqual([]);
    expect(tally.refusedBefore).toEqual([]);
    expect(lastMomentAnswers, 'requests sent on idle connections just before SIGTERM').toEqual(
      Array(LAST_MOMENT).fill(200),
    );
    expect(uploaded.kind === 'answered' && uploaded.status, JSON.stringify(uploaded)).toBe(200);
    expect(status, `no exit within 15 s:\n${server.output().slice(-3000)}`).toBeDefined();
    expect({ code: status?.code, signal: status?.signal }).toEqual({ code: 0, signal: null });
    expect(status!.atMs - lastEndMs).toBeLessThan(5000);
    expect(server.output()).toContain('"msg":"stopped"');
    // Every database was closed: SQLite removes a database's WAL file when its last connection
    // closes cleanly (a killed process leaves it behind), the server store's and projects' alike.
    expect(findFilesNamed(dataDir, 'mlflow.db')).not.toEqual([]);
    expect(
      fs
        .readdirSync(dataDir, { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('-wal')),
      'WAL files left: a database was not closed',
    ).toEqual([]);

    // The upload answered 200 must be there, whole, for the next process.
    await started({ dataDir, port });
    const stored = await download(port, run.artifactUrl('during-shutdown.bin'));
    expect(stored).toEqual({ status: 200, bytes: UPLOAD_BYTES, sha256: upload.sha256() });
  });

  it('a shutdown deadline cuts a slow upload and leaves no temporary file', async () => {
    const UPLOAD_BYTES = 50 * MIB;
    const server = await started({ args: ['--shutdown-grace', '1'] });
    const { port, dataDir } = server;
    const run = await createRun(port, 'shutdown-deadline');
    // 5 MiB/s: far above the 1 KiB/s body timeout, far too slow to finish in a 1 s grace period.
    const upload = startUpload({
      port,
      path: run.artifactUrl('cut-by-deadline.bin'),
      totalBytes: UPLOAD_BYTES,
      chunkBytes: MIB,
      intervalMs: 200,
    });
    const arriving = await waitFor(
      () => readUploadFolder(dataDir).files.some((f) => f.bytes >= MIB),
      5000,
    );
    expect(arriving, 'the upload never reached the uploads folder').toBe(true);

    const exit = exitTime(server);
    const signalAt = Date.now();
    server.signal('SIGTERM');
    const status = await within(exit, 10_000, undefined);
    const outcome = await upload.outcome;
    const leftovers = readUploadFolder(dataDir).files.filter((f) => f.name.startsWith('upload-'));
    const published = findFilesNamed(dataDir, 'cut-by-deadline.bin');

    console.log(
      `shutdown deadline: upload cut after ${(upload.bytesSent() / MIB).toFixed(0)} of ` +
        `${UPLOAD_BYTES / MIB} MiB sent, exit ${status ? `code ${status.code} ${status.atMs - signalAt} ms after SIGTERM` : 'NONE'}, ` +
        `${leftovers.length} upload files left`,
    );

    expect(status, `no exit within 10 s:\n${server.output().slice(-3000)}`).toBeDefined();
    expect({ code: status?.code, signal: status?.signal }).toEqual({ code: 0, signal: null });
    expect(status!.atMs - signalAt).toBeLessThan(5000);
    expect(outcome.kind === 'answered' && outcome.status).not.toBe(200);
    expect(leftovers).toEqual([]);
    expect(published).toEqual([]);
  });

  it('npm start stops when npm gets SIGTERM', async () => {
    const port = await freePort();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trackd-npm-start-'));
    const npm: ChildProcess = spawn(
      'npm',
      ['start', '--', '--host', '127.0.0.1', '--port', String(port), '--data-dir', dataDir],
      { cwd: REPO_ROOT, shell: false, detached: false, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    npm.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    npm.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    const npmExit = new Promise<ExitStatus & { atMs: number }>((resolve) =>
      npm.on('exit', (code, signal) => resolve({ code, signal, atMs: Date.now() })),
    );
    let npmExited = false;
    void npmExit.then(() => (npmExited = true));
    // Whatever npm started is killed too if the test fails: npm is not a group leader here.
    let spawned: number[] = [];
    cleanups.push(() => {
      for (const pid of [npm.pid ?? -1, ...spawned]) if (pid > 0) killIfAlive(pid);
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    // `npm start` builds first (prestart).
    const readyAt = Date.now();
    const ready = await waitFor(
      async () => {
        if (npmExited) return true;
        try {
          return (await call(port, 'GET', '/health')).status === 200;
        } catch {
          return false;
        }
      },
      60_000,
      200,
    );
    expect(ready && !npmExited, `npm start not ready in 60 s:\n${output.slice(-3000)}`).toBe(true);
    const readySeconds = (Date.now() - readyAt) / 1000;

    spawned = descendantsOf(npm.pid!);
    const signalAt = Date.now();
    process.kill(npm.pid!, 'SIGTERM');
    const portClosed = await waitFor(() => connectionRefused(port), 10_000, 100);
    const portClosedMs = Date.now() - signalAt;
    const exited = await within(npmExit, Math.max(0, signalAt + 10_000 - Date.now()), undefined);
    const allEnded = await waitFor(
      () => spawned.every((pid) => !isAlive(pid)),
      Math.max(0, signalAt + 10_000 - Date.now()),
    );

    console.log(
      `npm start: ready after ${readySeconds.toFixed(1)} s (build included); after SIGTERM to npm ` +
        `the port ${portClosed ? `closed in ${portClosedMs} ms` : 'stayed open for 10 s'}, npm ` +
        `${exited ? `exited (code ${exited.code}, signal ${exited.signal}) in ${exited.atMs - signalAt} ms` : 'still running after 10 s'}, ` +
        `${spawned.filter(isAlive).length} of ${spawned.length} processes it started still running`,
    );

    expect(portClosed, `port ${port} still accepts connections:\n${output.slice(-3000)}`).toBe(
      true,
    );
    expect(exited, `npm still running 10 s after SIGTERM:\n${output.slice(-3000)}`).toBeDefined();
    expect(allEnded, `processes npm started still running: ${spawned.filter(isAlive)}`).toBe(true);
  });
});
