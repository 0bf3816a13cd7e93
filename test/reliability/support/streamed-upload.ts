// A raw-body upload (PUT with Content-Length) sent chunk by chunk, for tests that need an upload
// in a known state when something happens to the server: still arriving, stalled with its socket
// open, or pushed as fast as the socket takes it. The body is pseudo-random (so no filesystem
// can compress or deduplicate it) and its SHA-256 is known once it has all been sent.
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import { readResponse, type JsonResponse } from './server-process.js';

export interface UploadPlan {
  port: number;
  /** Request path, e.g. /api/2.0/mlflow-artifacts/artifacts/<exp>/<run>/artifacts/big.bin */
  path: string;
  /** Announced in Content-Length. */
  totalBytes: number;
  chunkBytes: number;
  /** Pause between chunks; 0 sends as fast as the socket takes them. */
  intervalMs: number;
  /** Stop sending after this many bytes and keep the socket open (a stalled client). */
  stallAfterBytes?: number;
}

/** How the request ended; `atMs` is Date.now() at that moment. Never a rejection. */
export type UploadOutcome =
  | ({ kind: 'answered'; atMs: number } & JsonResponse)
  | { kind: 'failed'; atMs: number; error: string };

export interface StreamedUpload {
  startedAtMs: number;
  outcome: Promise<UploadOutcome>;
  bytesSent(): number;
  /** SHA-256 of the whole body; only meaningful once every byte was sent. */
  sha256(): string;
  /** Drops the connection (the server sees the body break off). */
  destroy(): void;
}

const BLOCK = randomBytes(1024 * 1024);

/** Chunk `n`: the shared random block, stamped with its index so no two chunks are equal. */
function chunkAt(n: number, bytes: number): Buffer {
  const chunk = Buffer.alloc(bytes);
  BLOCK.copy(chunk, 0, 0, Math.min(bytes, BLOCK.length));
  if (bytes >= 8) chunk.writeDoubleBE(n, 0);
  return chunk;
}

export function startUpload(plan: UploadPlan): StreamedUpload {
  const hash = createHash('sha256');
  let sent = 0;
  let ended = false;
  const startedAtMs = Date.now();
  const req = http.request({
    host: '127.0.0.1',
    port: plan.port,
    method: 'PUT',
    path: plan.path,
    agent: false,
    headers: {
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(plan.totalBytes),
    },
  });

  const outcome = new Promise<UploadOutcome>((resolve) => {
    const fail = (err: Error) => {
      ended = true;
      resolve({ kind: 'failed', atMs: Date.now(), error: err.message });
    };
    req.on('error', fail);
    req.on('response', (res) => {
      const answeredAt = Date.now();
      readResponse(res).then(
        (answer) => resolve({ kind: 'answered', atMs: answeredAt, ...answer }),
        fail,
      );
    });
  });

  const limit = Math.min(plan.stallAfterBytes ?? plan.totalBytes, plan.totalBytes);
  void (async () => {
    for (let n = 0; sent < limit && !ended && !req.destroyed; n++) {
      const chunk = chunkAt(n, Math.min(plan.chunkBytes, limit - sent));
      hash.update(chunk);
      sent += chunk.length;
      const more = req.write(chunk);
      if (plan.intervalMs > 0) await new Promise((r) => setTimeout(r, plan.intervalMs));
      else if (!more) {
        await new Promise<void>((resolve) => {
          const done = () => {
            req.off('drain', done);
            req.off('close', done);
            resolve();
          };
          req.on('drain', done);
          req.on('close', done);
        });
      }
    }
    if (sent === plan.totalBytes && !req.destroyed) req.end();
  })();

  return {
    startedAtMs,
    outcome,
    bytesSent: () => sent,
    sha256: () => hash.copy().digest('hex'),
    destroy: () => req.destroy(),
  };
}

/** SHA-256 and size of a downloaded body. */
export function download(
  port: number,
  urlPath: string,
): Promise<{ status: number; bytes: number; sha256: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, agent: false }, (res) => {
      const hash = createHash('sha256');
      let bytes = 0;
      res.on('data', (c: Buffer) => {
        hash.update(c);
        bytes += c.length;
      });
      res.on('error', reject);
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, bytes, sha256: hash.digest('hex') }),
      );
    });
    req.on('error', reject);
  });
}
