// `npm run bench -- --s3`: a large artifact through trackd's artifact proxy to S3 and back, beside
// the same transfer straight to the S3 server with the AWS SDK (what the server takes on its own).
// A throwaway MinIO (scripts/services/minio.sh) and the built trackd with
// `--artifacts-destination s3://…` run on 127.0.0.1. Each transfer streams a generated body (never
// a file, never whole in memory) and reads it back streamed; what comes back is hashed and compared
// with the SHA-256 of the generated body, computed once beforehand so that no upload pays for a
// hash. trackd's peak RSS is read per transfer from VmHWM (reset through /proc/<pid>/clear_refs)
// and from 100 ms samples. See BENCHMARKS.md, "S3 artifact transfer".
//
//   npm run bench -- --s3            5 GiB each way, direct and through trackd
//   npm run bench -- --s3 --quick    256 MiB (smoke test)
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { request } from 'undici';
import { setHeapGrowth } from '../src/heap-growth.js';
import { QUIET_MS } from '../src/http/quiet-collection.js';
import { memoryOf, ROOT, startTrackd, type ServerHandle } from './servers.js';
import { generatedBody, MIB, sampleMax, upload } from './transfer.js';

const MINIO_SCRIPT = path.join(ROOT, 'scripts/services/minio.sh');
const BUCKET = 'trackd-bench';
/** Issue 17's targets: trackd's RSS under 200 MB, at least 0.7× the direct throughput. */
const RSS_LIMIT = 200e6;
const MIN_RATIO = 0.7;

interface Minio {
  env: Record<string, string>;
  dir: string;
}

function startMinio(): Minio {
  const out = execFileSync('bash', [MINIO_SCRIPT, 'start', '--bucket', BUCKET], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const env = Object.fromEntries(
    out
      .trim()
      .split('\n')
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  return { env, dir: env.MINIO_DIR };
}

function stopMinio(minio: Minio): void {
  execFileSync('bash', [MINIO_SCRIPT, 'stop', minio.dir], { stdio: 'inherit' });
}

async function sha256(body: Readable): Promise<{ digest: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of body) {
    bytes += (chunk as Buffer).length;
    hash.update(chunk as Buffer);
  }
  return { digest: hash.digest('hex'), bytes };
}

async function seconds<T>(work: () => Promise<T>): Promise<{ seconds: number; result: T }> {
  const started = process.hrtime.bigint();
  const result = await work();
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, result };
}

/** Peak RSS of `server` while `work` runs: VmHWM since a reset, or the samples without one. */
async function peakRss<T>(
  server: ServerHandle,
  work: () => Promise<T>,
): Promise<{ peak: number; result: T }> {
  let resettable = true;
  try {
    // "5" resets the high-water mark to the current RSS (Linux ≥ 4.0).
    fs.writeFileSync(`/proc/${server.pid}/clear_refs`, '5');
  } catch {
    resettable = false;
  }
  const sampler = sampleMax(() => memoryOf(server.pid).rss);
  const result = await work();
  const sampled = sampler.stop();
  return { peak: resettable ? Math.max(sampled, memoryOf(server.pid).hwm) : sampled, result };
}

export async function measureS3Transfer(options: { quick: boolean }): Promise<void> {
  const bytes = options.quick ? 256 * MIB : 5 * 1024 * MIB;
  const label = bytes >= 1024 * MIB ? `${bytes / 1024 / MIB} GiB` : `${bytes / MIB} MiB`;
  // This process is the client of both transfers, and a Node client meets what the server met
  // (src/heap-growth.ts): with V8's own growth it ran a full collection every ~40 ms while hashing
  // the download from trackd, at a full core, and the bench measured its own GC (trackd GET
  // 0.50× direct; the SDK's GetObject ran at the same speed either way). Both transfers get the
  // same client.
  setHeapGrowth();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'trackd-bench-s3-'));
  console.log(`trackd bench --s3: ${label} each way; load average ${os.loadavg().join(' ')}`);
  const expected = await sha256(generatedBody(bytes));
  const minio = startMinio();
  // Also on signals: bench.ts's handlers end with process.exit, which runs 'exit' listeners.
  const stopOnExit = () => stopMinio(minio);
  process.once('exit', stopOnExit);
  const problems: string[] = [];
  const check = (what: string, got: { digest: string; bytes: number }) => {
    if (got.bytes !== bytes || got.digest !== expected.digest) {
      problems.push(`${what}: ${got.bytes} of ${bytes} bytes came back, SHA-256 differs`);
    }
  };
  const mibps = (s: number) => bytes / MIB / s;
  let trackd: ServerHandle | undefined;
  try {
    const s3 = new S3Client({
      endpoint: minio.env.TRACKD_S3_ENDPOINT_URL,
      region: minio.env.AWS_REGION,
      forcePathStyle: true,
      credentials: {
        accessKeyId: minio.env.AWS_ACCESS_KEY_ID,
        secretAccessKey: minio.env.AWS_SECRET_ACCESS_KEY,
      },
    });
    // The baseline: lib-storage's Upload with its defaults (5 MiB parts, 4 at a time).
    const key = 'direct/big.bin';
    const up = await seconds(() =>
      new Upload({ client: s3, params: { Bucket: BUCKET, Key: key, Body: generatedBody(bytes) } })
        .done()
        .then(() => undefined),
    );
    const down = await seconds(async () => {
      const out = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
      return sha256(out.Body as Readable);
    });
    check('direct GET', down.result);
    const direct = { up: mibps(up.seconds), down: mibps(down.seconds) };
    console.log(`  direct: PUT ${direct.up.toFixed(0)} MiB/s, GET ${direct.down.toFixed(0)} MiB/s`);

    const dataDir = path.join(tmp, 'trackd');
    fs.mkdirSync(dataDir);
    trackd = await startTrackd(
      dataDir,
      path.join(tmp, 'trackd.log'),
      [],
      ['--artifacts-destination', `s3://${BUCKET}/trackd`],
      minio.env,
    );
    const url = `${trackd.url}/api/2.0/mlflow-artifacts/artifacts/0/bench/artifacts`;
    // Opens the project and the S3 client's first connection; then the server rests, as a
    // deployed one does between uploads, and gives back what start-up took (quiet-collection.ts).
    await upload(`${url}/warm-up.bin`, MIB);
    await new Promise((r) => setTimeout(r, QUIET_MS + 10_000));
    const baseline = memoryOf(trackd.pid).rss;
    const server = trackd;
    // Read back by the same process: its RSS after the upload is where the download starts.
    const put = await peakRss(server, () => seconds(() => upload(`${url}/big.bin`, bytes)));
    const get = await peakRss(server, () =>
      seconds(async () => {
        const res = await request(`${url}/big.bin`, { headersTimeout: 0, bodyTimeout: 0 });
        if (res.statusCode !== 200) throw new Error(`trackd GET answered ${res.statusCode}`);
        return sha256(res.body);
      }),
    );
    check('GET through trackd', get.result.result);
    const via = { up: mibps(put.result.seconds), down: mibps(get.result.seconds) };

    const mib = (n: number) => `${(n / MIB).toFixed(0)} MiB`;
    const upRatio = via.up / direct.up;
    const downRatio = via.down / direct.down;
    console.log(
      `  trackd: PUT ${via.up.toFixed(0)} MiB/s (${upRatio.toFixed(2)}× direct), peak RSS ` +
        `${mib(put.peak)}; GET ${via.down.toFixed(0)} MiB/s (${downRatio.toFixed(2)}× direct), ` +
        `peak RSS ${mib(get.peak)}; RSS at rest before them ${mib(baseline)}`,
    );
    const missed = [
      put.peak >= RSS_LIMIT && 'PUT RSS',
      get.peak >= RSS_LIMIT && 'GET RSS',
      upRatio < MIN_RATIO && 'PUT throughput',
      downRatio < MIN_RATIO && 'GET throughput',
    ].filter(Boolean);
    console.log(
      `  targets (RSS < 200 MB = ${mib(RSS_LIMIT)}, ≥ ${MIN_RATIO}× direct): ` +
        (missed.length ? `missed: ${missed.join(', ')}` : 'met'),
    );
    // A row for the table in BENCHMARKS.md.
    console.log(
      `  | ${new Date().toISOString().slice(0, 10)} | ${label} | ` +
        `${direct.up.toFixed(0)} / ${direct.down.toFixed(0)} | ` +
        `${via.up.toFixed(0)} / ${via.down.toFixed(0)} | ` +
        `${upRatio.toFixed(2)} / ${downRatio.toFixed(2)} | ${mib(baseline)} | ` +
        `${mib(put.peak)} / ${mib(get.peak)} |`,
    );
  } finally {
    await trackd?.stop();
    process.removeListener('exit', stopOnExit);
    stopMinio(minio);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  for (const p of problems) console.log(`  PROBLEM: ${p}`);
  if (problems.length) process.exitCode = 1;
}
