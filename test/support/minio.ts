// A real S3 server for tests: MinIO started by scripts/services/minio.sh (built with `go install`
// on first use), and trackd listening on 127.0.0.1 with its artifacts in a bucket of it.
// Without a MinIO binary the S3 tests are skipped, unless CI is set: then they build it and run.
import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import type { ConfigFlags } from '../../src/config.js';
import { startLiveServer, type LiveServer } from './live-server.js';

const SCRIPT = path.resolve(import.meta.dirname, '../../scripts/services/minio.sh');
/** `go install` takes about 5 minutes on a fresh machine. */
export const MINIO_START_TIMEOUT_MS = 15 * 60 * 1000;

export interface Minio {
  endpoint: string;
  bucket: string;
  /** The environment trackd (and the SDK's credential chain) reads. */
  env: Record<string, string>;
  client: S3Client;
  stop(): Promise<void>;
}

function minioBinary(): string | undefined {
  try {
    return execFileSync('bash', [SCRIPT, 'path'], { encoding: 'utf8', stdio: 'pipe' }).trim();
  } catch {
    return undefined;
  }
}

/** Why the S3 tests cannot run here, or undefined when they must. */
export function minioSkipReason(): string | undefined {
  if (process.env.CI && process.env.CI !== 'false') return undefined;
  if (minioBinary() !== undefined) return undefined;
  return (
    'MinIO is not installed: run `bash scripts/services/minio.sh install` (about 5 minutes, ' +
    'once) or set CI=true to build it as part of the test run'
  );
}

export async function startMinio(bucket = 'trackd-test'): Promise<Minio> {
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn('bash', [SCRIPT, 'start', '--bucket', bucket], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(stdout)
        : reject(new Error(`minio.sh start failed (${code}):\n${stderr}`)),
    );
  });
  const lines = Object.fromEntries(
    out
      .trim()
      .split('\n')
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  ) as Record<string, string>;
  const env = {
    TRACKD_S3_ENDPOINT_URL: lines.TRACKD_S3_ENDPOINT_URL,
    AWS_ACCESS_KEY_ID: lines.AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: lines.AWS_SECRET_ACCESS_KEY,
    AWS_REGION: lines.AWS_REGION,
  };
  // The SDK's default credential chain reads these from the process environment.
  Object.assign(process.env, env);
  const client = new S3Client({
    endpoint: env.TRACKD_S3_ENDPOINT_URL,
    region: env.AWS_REGION,
    forcePathStyle: true,
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
    },
  });
  return {
    endpoint: env.TRACKD_S3_ENDPOINT_URL,
    bucket,
    env,
    client,
    stop: async () => {
      client.destroy();
      execFileSync('bash', [SCRIPT, 'stop', lines.MINIO_DIR], { stdio: 'inherit' });
    },
  };
}

/** trackd on 127.0.0.1 (ephemeral port) with its artifacts at `destination` on `minio`. */
export function startS3Server(
  minio: Minio,
  destination: string,
  flags: ConfigFlags = {},
): Promise<LiveServer> {
  return startLiveServer(
    { ...flags, artifactsDestination: destination },
    { TRACKD_S3_ENDPOINT_URL: minio.endpoint, AWS_REGION: minio.env.AWS_REGION },
  );
}
