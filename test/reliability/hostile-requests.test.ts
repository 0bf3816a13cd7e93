// Requests a careless or hostile client sends: bodies trickling in, many large bodies at once,
// JSON nested 100,000 deep, filters of thousands of terms, a body cut short by a half-closed
// connection, a 100 KB URL. Each gets a clear MLflow-style answer in bounded time and memory;
// none a 500, a hang or a reset.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './support/polling.js';
import { call, startServer, type ServerProcess } from './support/server-process.js';
import { createRun } from './support/tracking-run.js';

let server: ServerProcess;
let runId: string;
let experimentId: string;

beforeAll(async () => {
  server = await startServer({
    args: ['--body-timeout', '1', '--body-min-rate', '1000', '--max-json-in-flight', '64'],
  });
  ({ experimentId, runId } = await createRun(server.port, 'h'));
});

afterAll(async () => {
  await server?.stop();
  if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
});

interface RawExchange {
  socket: net.Socket;
  /** Everything the server sent so far. */
  received(): string;
  /** Settles when the server closes or resets the connection; `reset` tells which. */
  closed: Promise<{ reset: boolean }>;
}

function rawConnection(): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, '127.0.0.1', () => {
      let text = '';
      socket.on('data', (c: Buffer) => (text += c.toString('latin1')));
      const closed = new Promise<{ reset: boolean }>((done) => {
        let reset = false;
        socket.on('error', (err: NodeJS.ErrnoException) => (reset ||= err.code === 'ECONNRESET'));
        socket.on('close', () => done({ reset }));
      });
      resolve({ socket, received: () => text, closed });
    });
    socket.once('error', reject);
  });
}

function statusOf(response: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0);
}

function bodyOf(response: string): Record<string, unknown> {
  return JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;
}

function rssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

function uploadFiles(): string[] {
  const dir = path.join(server.dataDir, 'default', 'uploads');
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => n.startsWith('upload-')) : [];
}

describe('slow bodies', () => {
  it('cuts a JSON body that trickles in with 408', async () => {
    const c = await rawConnection();
    c.socket.write(
      'POST /api/2.0/mlflow/runs/log-batch HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
        'Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"run_id":',
    );
    const started = Date.now();
    const drip = setInterval(() => c.socket.writable && c.socket.write(' '), 200);
    try {
      await waitFor(() => c.received().length > 0, 5000);
    } finally {
      clearInterval(drip);
    }
    const elapsed = Date.now() - started;
    expect(statusOf(c.received())).toBe(408);
    expect(bodyOf(c.received())).toMatchObject({
      error_code: 'BAD_REQUEST',
      message: expect.stringContaining('too slowly'),
    });
    await c.closed;
    console.log(`slow body: a 5 byte/s JSON body was answered 408 after ${elapsed} ms`);
  });

  it('cuts a stalled upload and removes its temporary file, while a fast one goes through', async () => {
    const c = await rawConnection();
    const target = `/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts/slow.bin`;
    c.socket.write(`PUT ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10000000\r\n\r\n`);
    c.socket.write(Buffer.alloc(200_000, 1));
    await waitFor(() => uploadFiles().length === 1, 3000);
    await c.closed;
    await waitFor(() => uploadFiles().length === 0, 3000);

    const fast = await call(
      server.port,
      'PUT',
      `/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts/fast.bin`,
      Buffer.alloc(30 * 1024 * 1024, 2),
      { 'Content-Type': 'application/octet-stream' },
    );
    expect(fast.status).toBe(200);
  });
});

describe('many large JSON bodies at once', () => {
  it('holds at most the configured bytes and answers the rest 503 with Retry-After', async () => {
    const before = rssMiB(server.pid);
    const announced = 48 * 1024 * 1024;
    const sent = 40 * 1024 * 1024;
    const chunk = Buffer.alloc(1024 * 1024, 0x20); // spaces: valid JSON padding
    const connections = await Promise.all(Array.from({ length: 12 }, () => rawConnection()));
    for (const c of connections) {
      c.socket.write(
        'POST /api/2.0/mlflow/runs/log-batch HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
          `Content-Type: application/json\r\nContent-Length: ${announced}\r\n\r\n`,
      );
    }
    // Each sends 40 of its 48 MiB and then stops, as if stuck; the server must not keep them all.
    await Promise.all(
      connections.map(async (c) => {
        // A refused request's connection is closed after its answer: the client stops sending.
        for (let i = 0; i < sent / chunk.length && !c.socket.destroyed; i++) {
          if (c.socket.write(chunk)) continue;
          await new Promise<void>((resolve) => {
            const done = () => {
              c.socket.off('drain', done);
              c.socket.off('close', done);
              resolve();
            };
            c.socket.on('drain', done);
            c.socket.on('close', done);
          });
        }
      }),
    );
    await waitFor(() => connections.filter((c) => c.received().length > 0).length >= 11, 5000);
    const peak = rssMiB(server.pid);
    const refused = connections.filter((c) => statusOf(c.received()) === 503);
    expect(refused.length).toBeGreaterThanOrEqual(11);
    expect(refused[0].received()).toMatch(/\r\nRetry-After: 1\r\n/i);
    expect(bodyOf(refused[0].received())).toMatchObject({ error_code: 'TEMPORARILY_UNAVAILABLE' });
    // Twelve bodies held whole would be 480 MiB; one is 40.
    expect(peak - before).toBeLessThan(200);
    for (const c of connections) c.socket.destroy();

    const after = await call(server.port, 'POST', '/api/2.0/mlflow/runs/log-batch', {
      run_id: runId,
      metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0 }],
    });
    expect(after.status).toBe(200);
    console.log(
      `JSON bodies in flight: 12 x ${sent / 2 ** 20} MiB sent at once, ${refused.length} answered ` +
        `503, server RSS ${Math.round(before)} -> ${Math.round(peak)} MiB`,
    );
  });
});

describe('hostile JSON and filters', () => {
  const deep = (inner: string) => `${'['.repeat(100_000)}${inner}${']'.repeat(100_000)}`;

  it('answers 100,000-deep JSON with 400 on log-batch and experiments/create', async () => {
    for (const [endpoint, body] of [
      ['runs/log-batch', `{"run_id":"${'a'.repeat(32)}","metrics":${deep('')}}`],
      ['experiments/create', `{"name":${deep('"x"')}}`],
    ]) {
      const res = await call(
        server.port,
        'POST',
        `/api/2.0/mlflow/${endpoint}`,
        Buffer.from(body),
        {
          'Content-Type': 'application/json',
        },
      );
      expect(res.status, endpoint).toBe(400);
      expect(res.json).toMatchObject({
        error_code: 'INVALID_PARAMETER_VALUE',
        message: expect.stringContaining('nest deeper than 64'),
      });
    }
  });

  it('answers a filter of thousands of terms or 40,000 listed values with 400', async () => {
    const terms = (n: number, make: (i: number) => string) =>
      Array.from({ length: n }, (_, i) => make(i)).join(' AND ');
    const cases: [string, string, unknown][] = [
      [
        'runs',
        '/api/2.0/mlflow/runs/search',
        { experiment_ids: ['0'], filter: terms(5000, (i) => `params.p${i} = 'a'`) },
      ],
      [
        'experiments',
        '/api/2.0/mlflow/experiments/search',
        { filter: terms(5000, (i) => `tags.t${i} = 'a'`) },
      ],
      [
        'logged models',
        '/api/2.0/mlflow/logged-models/search',
        { experiment_ids: ['0'], filter: terms(5000, (i) => `tags.t${i} = 'a'`) },
      ],
      [
        'run ids',
        '/api/2.0/mlflow/runs/search',
        {
          experiment_ids: ['0'],
          filter: `attributes.run_id IN (${Array.from({ length: 40_000 }, (_, i) => `'${i.toString(16).padStart(32, '0')}'`).join(',')})`,
        },
      ],
    ];
    for (const [name, url, body] of cases) {
      const res = await call(server.port, 'POST', url, body);
      expect(res.status, name).toBe(400);
      expect(res.json).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    }
    const registry = await call(
      server.port,
      'GET',
      `/api/2.0/mlflow/registered-models/search?filter=${encodeURIComponent(terms(300, (i) => `tags.t${i} = 'a'`))}`,
    );
    expect(registry.status).toBe(400);
    const fine = await call(server.port, 'POST', '/api/2.0/mlflow/runs/search', {
      experiment_ids: ['0'],
      filter: terms(200, (i) => `params.p${i} = 'a'`),
    });
    expect(fine.status).toBe(200);
  });
});

describe('malformed HTTP', () => {
  it('answers a PUT whose connection is half-closed before its body ends with the JSON envelope', async () => {
    const c = await rawConnection();
    c.socket.write(
      `PUT /api/2.0/mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts/short.bin HTTP/1.1\r\n` +
        'Host: 127.0.0.1\r\nContent-Length: 100\r\n\r\n0123456789',
    );
    c.socket.end();
    const { reset } = await c.closed;
    expect(reset).toBe(false);
    expect(statusOf(c.received())).toBe(400);
    expect(bodyOf(c.received())).toMatchObject({ error_code: 'BAD_REQUEST' });
    // The answer comes from the HTTP parser; the cut upload removes its file just after (not
    // only once a linger for a client that has stopped sending anyway has run out, 2 s).
    const answeredAt = Date.now();
    await waitFor(() => uploadFiles().length === 0, 5000);
    expect(uploadFiles()).toEqual([]);
    expect(Date.now() - answeredAt).toBeLessThan(1500);
  });

  it('answers a 100 KB URL with 414 and the JSON envelope instead of a reset', async () => {
    const c = await rawConnection();
    c.socket.write(
      `GET /api/2.0/mlflow/experiments/get?experiment_id=${'1'.repeat(100_000)} HTTP/1.1\r\n` +
        'Host: 127.0.0.1\r\n\r\n',
    );
    const { reset } = await c.closed;
    expect(reset).toBe(false);
    expect(statusOf(c.received())).toBe(414);
    expect(bodyOf(c.received())).toMatchObject({ error_code: 'BAD_REQUEST' });
  });
});

describe('logs', () => {
  it('writes one structured line per request with its id, and never its credentials', async () => {
    const res = await call(
      server.port,
      'GET',
      '/projects/team-a/api/2.0/mlflow/runs/get?run_id=nope',
      undefined,
      { 'X-Request-Id': 'req-12345', Authorization: 'Bearer s3cret-token' },
    );
    expect(res.status).toBe(404);
    expect(res.headers['x-request-id']).toBe('req-12345');
    await waitFor(() => server.output().includes('req-12345'), 3000);
    const line = server
      .output()
      .split('\n')
      .find((l) => l.includes('req-12345'))!;
    expect(JSON.parse(line)).toMatchObject({
      reqId: 'req-12345',
      method: 'GET',
      route: '/api/2.0/mlflow/runs/get',
      project: 'team-a',
      status: 404,
      ms: expect.any(Number),
      bytesOut: expect.any(Number),
    });
    expect(server.output()).not.toContain('s3cret-token');
  });
});
