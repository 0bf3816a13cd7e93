// Temporary upload files must not pile up: those of uploads a crash cut are removed at the next
// start, and a running server sweeps the ones nobody holds without touching uploads in progress.
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sleep, waitFor } from './support/polling.js';
import { call, startServer, type ServerProcess } from './support/server-process.js';
import { download, startUpload, type StreamedUpload } from './support/streamed-upload.js';
import { createRun } from './support/tracking-run.js';
import { readUploadFolder, uploadsDir, type UploadFolder } from './support/upload-folder.js';

const MIB = 1024 * 1024;

const servers: ServerProcess[] = [];
const uploads: StreamedUpload[] = [];

afterEach(async () => {
  for (const upload of uploads.splice(0)) upload.destroy();
  for (const server of servers.splice(0)) {
    await server.stop();
    fs.rmSync(server.dataDir, { recursive: true, force: true });
  }
});

async function started(...args: Parameters<typeof startServer>): Promise<ServerProcess> {
  const server = await startServer(...args);
  servers.push(server);
  return server;
}

function upload(...args: Parameters<typeof startUpload>): StreamedUpload {
  const started = startUpload(...args);
  uploads.push(started);
  return started;
}

const describeFolder = (folder: UploadFolder) =>
  folder.files.map((f) => `${f.name} (${f.bytes} bytes)`).join(', ') || 'nothing';

describe('upload leftovers', () => {
  it('files of uploads cut by kill -9 are removed at the next start', async () => {
    const STALL_AFTER = 3 * MIB;
    const server = await started();
    const { port, dataDir } = server;
    const run = await createRun(port, 'kill9-leftovers');

    // Two uploads that stop sending partway, their sockets left open.
    for (const name of ['stalled-1.bin', 'stalled-2.bin']) {
      upload({
        port,
        path: run.artifactUrl(name),
        totalBytes: 16 * MIB,
        chunkBytes: MIB,
        intervalMs: 0,
        stallAfterBytes: STALL_AFTER,
      });
    }
    // A multipart upload: part 1 received whole, part 2 stalled partway.
    const created = await call(
      port,
      'POST',
      `/api/2.0/mlflow-artifacts/mpu/create/${run.artifactFolder}`,
      { path: 'multipart.bin', num_parts: 2 },
    );
    expect(created.status, created.text).toBe(200);
    const credentials = created.json?.credentials as { url: string; part_number: number }[];
    const partPath = (n: number) => new URL(credentials[n - 1].url).pathname;
    const part1 = upload({
      port,
      path: partPath(1),
      totalBytes: MIB,
      chunkBytes: MIB,
      intervalMs: 0,
    });
    const part1Outcome = await part1.outcome;
    expect(part1Outcome.kind === 'answered' && part1Outcome.status).toBe(200);
    upload({
      port,
      path: partPath(2),
      totalBytes: 4 * MIB,
      chunkBytes: MIB,
      intervalMs: 0,
      stallAfterBytes: MIB,
    });

    const isStalledState = (folder: UploadFolder) => {
      const whole = (prefix: string, bytes: number) =>
        folder.files.filter((f) => new RegExp(prefix).test(f.name) && f.bytes >= bytes).length;
      return (
        whole('^upload-', STALL_AFTER) === 2 &&
        whole('^mpu-[^/]+/part-00001-', MIB) === 1 &&
        whole('^mpu-[^/]+/incoming-', MIB) === 1
      );
    };
    const reached = await waitFor(() => isStalledState(readUploadFolder(dataDir)), 10_000);
    expect(reached, `uploads folder holds ${describeFolder(readUploadFolder(dataDir))}`).toBe(true);

    await server.stop();
    for (const u of uploads.splice(0)) u.destroy();
    const before = readUploadFolder(dataDir);
    expect(isStalledState(before), describeFolder(before)).toBe(true);

    // Older than the maximum age the restart is given (0.0001 h = 0.36 s).
    await sleep(1000);
    await started({ dataDir, port, args: ['--multipart-max-age', '0.0001'] });
    const after = readUploadFolder(dataDir);

    console.log(
      `kill -9 leftovers: ${before.files.length} files (${(before.bytes / MIB).toFixed(1)} MiB) in ` +
        `uploads/ before the restart, ${after.files.length} files (${after.bytes} bytes) and ` +
        `${after.multipartFolders.length} multipart folders after`,
    );
    expect(after.files, describeFolder(after)).toEqual([]);
    expect(after.multipartFolders).toEqual([]);
  });

  it('a running server sweeps upload files nobody holds', async () => {
    const UPLOAD_BYTES = 14 * MIB;
    const server = await started({
      args: ['--body-timeout', '1'],
      env: { TRACKD_SWEEP_INTERVAL: '1' },
    });
    const { port, dataDir } = server;
    const run = await createRun(port, 'running-sweep');

    // An upload arriving steadily (about 3 MiB/s) for the whole time the sweep is watched.
    const arriving = upload({
      port,
      path: run.artifactUrl('arriving.bin'),
      totalBytes: UPLOAD_BYTES,
      chunkBytes: MIB,
      intervalMs: 300,
    });
    // A file an earlier, cut upload left: no request holds it and it was last written 10 s ago.
    fs.mkdirSync(uploadsDir(dataDir), { recursive: true });
    const stray = path.join(uploadsDir(dataDir), `upload-${randomUUID()}`);
    fs.writeFileSync(stray, randomBytes(MIB));
    const tenSecondsAgo = new Date(Date.now() - 10_000);
    fs.utimesSync(stray, tenSecondsAgo, tenSecondsAgo);
    const strayWrittenAt = Date.now();

    const swept = await waitFor(() => !fs.existsSync(stray), 5000);
    const sweptAfterMs = Date.now() - strayWrittenAt;
    const sentWhenSwept = arriving.bytesSent();
    const outcome = await arriving.outcome;
    const stored = await download(port, run.artifactUrl('arriving.bin'));

    console.log(
      `running sweep: stray 1 MiB upload file ${swept ? `removed after ${sweptAfterMs} ms` : 'still there after 5 s'}, ` +
        `while an upload had sent ${(sentWhenSwept / MIB).toFixed(0)} of ${UPLOAD_BYTES / MIB} MiB; ` +
        `that upload ${outcome.kind === 'answered' ? `answered ${outcome.status}` : `failed: ${outcome.error}`}, ` +
        `${stored.bytes} bytes stored`,
    );
    expect(swept).toBe(true);
    // The sweep ran while the upload was arriving.
    expect(sentWhenSwept).toBeLessThan(UPLOAD_BYTES);
    expect(outcome.kind === 'answered' && outcome.status, JSON.stringify(outcome)).toBe(200);
    expect(stored).toEqual({ status: 200, bytes: UPLOAD_BYTES, sha256: arriving.sha256() });
    expect(server.output()).toContain('removed abandoned upload files');
  });
});
