// The durability check itself: it must see a missing write, or a passing kill test proves nothing.
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { findLostWrites, writeUntil } from './support/acknowledged-writes.js';
import { call, startServer, type ServerProcess } from './support/server-process.js';

let server: ServerProcess | undefined;

afterAll(async () => {
  await server?.stop();
  if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
});

describe('acknowledged writes', () => {
  it('reports a metric, param and tag the server never stored as lost, and nothing else', async () => {
    server = await startServer();
    const api = (p: string) => `/api/2.0/mlflow${p}`;
    const experiment = await call(server.port, 'POST', api('/experiments/create'), { name: 'x' });
    const run = await call(server.port, 'POST', api('/runs/create'), {
      experiment_id: experiment.json?.experiment_id,
    });
    const runId = (run.json?.run as { info: { run_id: string } }).info.run_id;
    const target = { prefix: '', runId };

    const log = await writeUntil({
      port: server.port,
      target,
      writer: 0,
      until: Date.now() + 10_000,
      maxCalls: 8,
    });
    expect(log.acknowledgedCalls).toBe(8);
    expect(await findLostWrites(server.port, [log])).toEqual([]);

    const timestamp = Date.now();
    log.metrics.push({ key: 'w0.m0', value: 0.5, timestamp, step: 999 });
    log.params.push({ key: 'never.sent', value: 'v' });
    log.tags.push({ key: 'w0.t3', value: 'changed' });
    const lost = await findLostWrites(server.port, [log]);
    expect(lost).toHaveLength(3);
    expect(lost.join('\n')).toMatch(/metric w0\.m0 step=999/);
    expect(lost.join('\n')).toMatch(/param never\.sent=v/);
    expect(lost.join('\n')).toMatch(/tag w0\.t3=changed/);
  });
});
