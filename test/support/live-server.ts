// The real application listening on 127.0.0.1 (ephemeral port) with a fresh data dir, and a raw
// HTTP client for it: paths go out exactly as written (no URL normalization of `..` or `%2e`), and
// bodies can be streams. For tests of streaming, traversal and interrupted transfers.
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createApp } from '../../src/app.js';
import { loadConfig, type ConfigFlags } from '../../src/config.js';
import type { ProjectRegistry } from '../../src/store/projects.js';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: Record<string, unknown> | undefined;
}

export interface RequestOptions {
  headers?: Record<string, string | number>;
  body?: string | Buffer | Readable;
}

export interface LiveServer {
  port: number;
  dataDir: string;
  projects: ProjectRegistry;
  request(method: string, rawPath: string, options?: RequestOptions): Promise<RawResponse>;
  /** Sends a JSON body (POST/PUT/PATCH) or nothing, and expects a JSON answer. */
  json(method: string, rawPath: string, body?: unknown): Promise<RawResponse>;
  close(): Promise<void>;
}

export function rawRequest(
  port: number,
  method: string,
  rawPath: string,
  { headers = {}, body }: RequestOptions = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method, path: rawPath, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const buffer = Buffer.concat(chunks);
          const text = buffer.toString('utf8');
          let json: Record<string, unknown> | undefined;
          try {
            json = JSON.parse(text) as Record<string, unknown>;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: buffer, text, json });
        });
      },
    );
    req.on('error', reject);
    if (body instanceof Readable) {
      pipeline(body, req).catch(reject);
    } else {
      req.end(body);
    }
  });
}

/** The app on 127.0.0.1 (ephemeral port) with a fresh data dir, the given flags and environment. */
export async function startLiveServer(
  flags: ConfigFlags = {},
  env: NodeJS.ProcessEnv = {},
): Promise<LiveServer> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'trackd-live-'));
  const { app, close, projects } = await createApp(loadConfig({ ...flags, dataDir }, env));
  const server = await new Promise<http.Server>((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    dataDir,
    projects,
    request: (method, rawPath, options) => rawRequest(port, method, rawPath, options),
    json: (method, rawPath, body) =>
      rawRequest(port, method, rawPath, {
        headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await close();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Every file below `dir` (relative paths, sorted); [] when `dir` does not exist. */
export async function filesBelow(dir: string): Promise<string[]> {
  try {
    const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
    return entries
      .filter((e) => !e.isDirectory())
      .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
      .sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** Polls `check` until it holds (the server cleans up after a broken connection asynchronously). */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition did not hold in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
