// The real built server (dist/src/main.js) as a child process, for tests that kill and restart it,
// and a small JSON client for it. Loopback only. Every child is killed when the test process ends,
// so a failed test never leaves a server running.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HOST = '127.0.0.1';
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const MAIN = path.join(REPO_ROOT, 'dist/src/main.js');
const READY_TIMEOUT_MS = 15_000;
const READY_POLL_MS = 50;
// Only the tail is kept: a server under load for minutes must not grow the test's memory.
const MAX_OUTPUT_CHARS = 1_000_000;

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface StartOptions {
  /** Data root; a fresh temporary folder when omitted (the caller removes it). */
  dataDir?: string;
  /** A free port is chosen when omitted. */
  port?: number;
  /** Extra arguments after `serve --host … --port … --data-dir …`. */
  args?: string[];
  /** Added to (and overriding) the test process's environment. */
  env?: Record<string, string>;
  /** Extra node (V8) flags after the production ones, e.g. GC tracing. */
  nodeArgs?: string[];
}

export interface ServerProcess {
  port: number;
  dataDir: string;
  pid: number;
  /** Everything the child wrote to stdout and stderr so far (the last megabyte). */
  output(): string;
  /** Sends `sig` to the server's process group. */
  signal(sig: NodeJS.Signals): void;
  /** Settles (never rejects) when the process has exited. */
  exited: Promise<ExitStatus>;
  /** SIGKILL unless it has already exited; resolves once it has. */
  stop(): Promise<ExitStatus>;
}

export interface JsonResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: Record<string, unknown> | undefined;
  text: string;
}

const running = new Set<ChildProcess>();

function killAll(): void {
  for (const child of running) killGroup(child, 'SIGKILL');
}
process.on('exit', killAll);
// 'exit' handlers do not run when a signal ends the process, and vitest ends its worker processes
// with SIGTERM (Ctrl-C and a closed terminal likewise): kill the servers, then die of the signal.
for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
  process.once(sig, () => {
    killAll();
    process.kill(process.pid, sig);
  });
}

/** The server is a group leader (detached), so a signal to the group also reaches any children. */
function killGroup(child: ChildProcess, sig: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, sig);
  } catch {
    // Already gone between the check and the kill.
  }
}

/** A port free at the time of asking on 127.0.0.1 (the OS may hand it out again later). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, HOST, () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export async function startServer(opts: StartOptions = {}): Promise<ServerProcess> {
  if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first`);
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'trackd-reliability-'));
  const port = opts.port ?? (await freePort());
  const child = spawn(
    process.execPath,
    // The V8 flag is the one `npm start` and main.js's shebang give the server in production.
    [
      '--max-semi-space-size=32',
      ...(opts.nodeArgs ?? []),
      MAIN,
      'serve',
      '--host',
      HOST,
      '--port',
      String(port),
      '--data-dir',
      dataDir,
      ...(opts.args ?? []),
    ],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  running.add(child);

  let captured = '';
  const capture = (chunk: Buffer) => {
    captured += chunk.toString('utf8');
    if (captured.length > MAX_OUTPUT_CHARS) captured = captured.slice(-MAX_OUTPUT_CHARS);
  };
  child.stdout?.on('data', capture);
  child.stderr?.on('data', capture);

  const exited = new Promise<ExitStatus>((resolve) => {
    child.on('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
    child.on('error', (err) => {
      // Spawning itself failed: there will be no 'exit' event.
      running.delete(child);
      capture(Buffer.from(`spawn failed: ${err.message}\n`));
      resolve({ code: null, signal: null });
    });
  });

  const server: ServerProcess = {
    port,
    dataDir,
    pid: child.pid ?? -1,
    output: () => captured,
    signal: (sig) => killGroup(child, sig),
    exited,
    stop: async () => {
      killGroup(child, 'SIGKILL');
      return exited;
    },
  };

  try {
    await waitUntilHealthy(port, exited, () => captured);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}

async function waitUntilHealthy(
  port: number,
  exited: Promise<ExitStatus>,
  output: () => string,
): Promise<void> {
  let exit: ExitStatus | undefined;
  void exited.then((status) => (exit = status));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exit) {
      throw new Error(
        `server exited before it was ready (code ${exit.code}, signal ${exit.signal}):\n${output()}`,
      );
    }
    try {
      if ((await call(port, 'GET', '/health')).status === 200) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      throw new Error(
        `server not ready on port ${port} after ${READY_TIMEOUT_MS} ms:\n${output()}`,
      );
    }
    await new Promise((r) => setTimeout(r, READY_POLL_MS));
  }
}

/** Reads a whole answer; `json` is set when its body parses as JSON. */
export function readResponse(res: http.IncomingMessage): Promise<JsonResponse> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('error', reject);
    res.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let json: Record<string, unknown> | undefined;
      try {
        json = JSON.parse(text) as Record<string, unknown>;
      } catch {
        json = undefined;
      }
      resolve({ status: res.statusCode ?? 0, headers: res.headers, json, text });
    });
  });
}

const REQUEST_TIMEOUT_MS = 30_000;

/**
 * One request to 127.0.0.1:`port`, with `body` sent as JSON. Any HTTP status resolves; only a
 * connection failure (refused, reset, timed out) rejects. A fresh connection per call unless a
 * keep-alive `agent` is given.
 */
export function call(
  port: number,
  method: string,
  urlPath: string,
  body?: unknown,
  headers: Record<string, string> = {},
  agent: http.Agent | false = false,
): Promise<JsonResponse> {
  // A Buffer goes out as it is (a form, a raw upload); anything else as JSON.
  const payload =
    body === undefined ? undefined : Buffer.isBuffer(body) ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: HOST,
        port,
        method,
        path: urlPath,
        agent,
        headers: {
          Accept: 'application/json',
          ...(payload === undefined ? {} : { 'Content-Type': 'application/json' }),
          ...headers,
        },
      },
      (res) => readResponse(res).then(resolve, reject),
    );
    // A server stopped (not killed) would otherwise leave the request waiting forever.
    req.setTimeout(REQUEST_TIMEOUT_MS, () =>
      req.destroy(new Error(`no answer in ${REQUEST_TIMEOUT_MS} ms`)),
    );
    req.on('error', reject);
    req.end(payload);
  });
}
