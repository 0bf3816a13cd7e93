// A full disk is an answer, not a crash: writes are refused at once with 507 RESOURCE_EXHAUSTED
// (which MLflow's client does not retry for minutes), nothing half-written stays behind, reads go
// on, and writes work again as soon as space is freed. The data dir is a small tmpfs the test
// mounts, so the disk really fills (root only; skipped with the reason otherwise).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { emptyWriteLog, findLostWrites, type MetricPoint } from './support/acknowledged-writes.js';
import { waitFor } from './support/polling.js';
import { call, startServer, type ServerProcess } from './support/server-process.js';
import { startUpload } from './support/streamed-upload.js';
import { createRun } from './support/tracking-run.js';
import { readUploadFolder } from './support/upload-folder.js';

const MIB = 1024 * 1024;
const TMPFS_SIZE = '48m';

let mountPoint: string | undefined;
let cannotMount: string | undefined;
const servers: ServerProcess[] = [];

beforeAll(() => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trackd-full-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_SIZE}`, 'tmpfs', dir], {
      stdio: 'pipe',
    });
    mountPoint = dir;
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
    cannotMount = (stderr || (err as Error).message).replace(/\s+/g, ' ');
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

afterEach(async () => {
  for (const server of servers.splice(0)) {
    await server.stop();
    fs.rmSync(server.dataDir, { recursive: true, force: true });
  }
});

afterAll(() => {
  if (!mountPoint) return;
  execFileSync('umount', ['-l', mountPoint]);
  fs.rmSync(mountPoint, { recursive: true, force: true });
});

/** The tmpfs, or the test is skipped with the reason printed. */
function tmpfsOrSkip(ctx: TestContext): string {
  if (!mountPoint) {
    const reason = `cannot mount a tmpfs here: ${cannotMount}`;
    console.log(`full-disk: skipped: ${reason}`);
    ctx.skip(reason);
  }
  return mountPoint!;
}

async function serverOn(mount: string, name: string): Promise<ServerProcess> {
  const dataDir = path.join(mount, name);
  fs.mkdirSync(dataDir);
  const server = await startServer({ dataDir });
  servers.push(server);
  return server;
}

function usedBytes(dir: string): number {
  const stat = fs.statfsSync(dir);
  return (stat.blocks - stat.bfree) * stat.bsize;
}

/** Writes 1 MiB chunks into `file` until the filesystem has no byte left; returns the bytes written. */
function fillDisk(file: string): number {
  const chunk = Buffer.alloc(MIB, 1);
  const fd = fs.openSync(file, 'w');
  let written = 0;
  try {
    for (;;) written += fs.writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    fs.closeSync(fd);
  }
  return written;
}

describe('full disk', () => {
  it('an upload larger than the free space is answered at once with 507 and leaves nothing behind', async (ctx) => {
    const mount = tmpfsOrSkip(ctx);
    const UPLOAD_BYTES = 100 * MIB;
    const server = await serverOn(mount, 'upload');
    const { port, dataDir } = server;
    const run = await createRun(port, 'full-disk-upload');
    const usedBefore = usedBytes(mount);

    const upload = startUpload({
      port,
      path: run.artifactUrl('too-big.bin'),
      totalBytes: UPLOAD_BYTES,
      chunkBytes: MIB,
      intervalMs: 0,
    });
    let diskFullAt: number | undefined;
    const watchDisk = setInterval(() => {
      const { bavail, bsize } = fs.statfsSync(mount);
      if (diskFullAt === undefined && bavail * bsize < MIB) diskFullAt = Date.now();
    }, 10);
    const outcome = await upload.outcome;
    clearInterval(watchDisk);
    const answeredMs = outcome.atMs - upload.startedAtMs;
    // What the server removed before answering; give the filesystem a moment to account for it.
    await waitFor(() => usedBytes(mount) - usedBefore < 2 * MIB, 2000);
    const usedAfter = usedBytes(mount);
    const leftovers = readUploadFolder(dataDir).files.filter((f) => f.name.startsWith('upload-'));

    console.log(
      `full disk upload: ${UPLOAD_BYTES / MIB} MiB onto a ${TMPFS_SIZE} tmpfs ` +
        `${outcome.kind === 'answered' ? `answered ${outcome.status}` : `failed: ${outcome.error}`} ` +
        `${answeredMs} ms after the request started` +
        `${diskFullAt ? ` (${outcome.atMs - diskFullAt} ms after the disk filled)` : ''}; ` +
        `disk use ${(usedBefore / MIB).toFixed(1)} MiB before, ${(usedAfter / MIB).toFixed(1)} MiB after; ` +
        `${leftovers.length} upload files left`,
    );
    expect(outcome.kind, JSON.stringify(outcome)).toBe('answered');
    if (outcome.kind !== 'answered') return;
    expect(outcome.status, outcome.text).toBe(507);
    expect(outcome.json?.error_code).toBe('RESOURCE_EXHAUSTED');
    expect(outcome.json?.message).toMatch(/space/);
    expect(answeredMs).toBeLessThan(10_000);
    expect(leftovers).toEqual([]);
    expect(usedAfter - usedBefore).toBeLessThan(2 * MIB);
  });

  it('metric writes on a full disk answer 507, reads go on, and writes work again once space returns', async (ctx) => {
    const mount = tmpfsOrSkip(ctx);
    const server = await serverOn(mount, 'metrics');
    const { port } = server;
    let serverExited = false;
    void server.exited.then(() => (serverExited = true));
    const run = await createRun(port, 'full-disk-metrics');
    const target = { prefix: '', runId: run.runId };
    const statuses: number[] = [];

    /** Batch n: 1000 points, 100 steps of 10 metrics, steps never shared with another batch. */
    const batch = (n: number): MetricPoint[] => {
      const timestamp = Date.now();
      return Array.from({ length: 1000 }, (_, i) => ({
        key: `m${i % 10}`,
        value: n + i / 8,
        timestamp,
        step: n * 100 + Math.floor(i / 10),
      }));
    };
    const logBatch = async (metrics: MetricPoint[]) => {
      const res = await call(port, 'POST', '/api/2.0/mlflow/runs/log-batch', {
        run_id: run.runId,
        metrics,
      });
      statuses.push(res.status);
      return res;
    };
    const acknowledged = emptyWriteLog(target);

    const filler = path.join(mount, 'filler');
    const filled = fillDisk(filler);
    let refused: { n: number; metrics: MetricPoint[]; res: Awaited<ReturnType<typeof call>> };
    let n = 0;
    for (; ; n++) {
      const metrics = batch(n);
      const res = await logBatch(metrics);
      if (res.status === 200) {
        acknowledged.metrics.push(...metrics);
        acknowledged.acknowledgedCalls++;
      }
      if (res.status !== 200 || n >= 50) {
        refused = { n, metrics, res };
        break;
      }
    }
    const readWhileFull = await call(port, 'GET', `/api/2.0/mlflow/runs/get?run_id=${run.runId}`);

    fs.rmSync(filler);
    const afterSpaceReturned = batch(n + 1);
    const resumed = await logBatch(afterSpaceReturned);
    if (resumed.status === 200) acknowledged.metrics.push(...afterSpaceReturned);
    const lost = await findLostWrites(port, [acknowledged]);
    const history = await call(
      port,
      'GET',
      `/api/2.0/mlflow/metrics/get-history?run_id=${run.runId}&metric_key=m0&max_results=25000`,
    );
    const refusedSteps = new Set(refused.metrics.map((m) => m.step));
    const halfWritten = ((history.json?.metrics ?? []) as MetricPoint[]).filter((m) =>
      refusedSteps.has(m.step),
    );
    const health = await call(port, 'GET', '/health');

    console.log(
      `full disk metrics: filler of ${(filled / MIB).toFixed(1)} MiB; ${acknowledged.acknowledgedCalls} ` +
        `batches of 1000 accepted, then ${refused.res.status} ${String(refused.res.json?.error_code)}; ` +
        `runs/get meanwhile ${readWhileFull.status}; after freeing space log-batch ${resumed.status}, ` +
        `${lost.length} acknowledged points missing; statuses seen: ${[...new Set(statuses)].join(', ')}`,
    );
    expect(refused.res.status, refused.res.text).toBe(507);
    expect(refused.res.json?.error_code).toBe('RESOURCE_EXHAUSTED');
    expect(refused.res.json?.message).toMatch(/space/);
    expect(halfWritten, 'points of the refused batch were stored').toEqual([]);
    expect(readWhileFull.status, readWhileFull.text).toBe(200);
    expect(resumed.status, resumed.text).toBe(200);
    expect(lost.slice(0, 10)).toEqual([]);
    expect(statuses).not.toContain(500);
    expect(serverExited, server.output().slice(-3000)).toBe(false);
    expect(health.status).toBe(200);
  });
});
