// CASCADE-deleting a project while clients write to it: the delete refuses new requests at once,
// lets the ones inside finish, and only then removes the files. No write may be answered 200 and
// then vanish on restart (before the fix such writes went to an unlinked database file and were
// served until the next restart), and the delete itself never fails.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { call, startServer, type ServerProcess } from './support/server-process.js';

const PROJECT = 'race';
const PREFIX = `/projects/${PROJECT}/api/2.0/mlflow`;
const WRITERS = 8;
const LOAD_MS = 3500;
const DELETE_AT_MS = [800, 2000];

interface Write {
  kind: 'experiment' | 'param';
  name: string;
  sentAt: number;
  status?: number;
}

let server: ServerProcess | undefined;

afterAll(async () => {
  await server?.stop();
  if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
});

async function experimentNames(port: number): Promise<Set<string>> {
  const names = new Set<string>();
  let token: string | undefined;
  do {
    const res = await call(port, 'POST', `${PREFIX}/experiments/search`, {
      max_results: 1000,
      view_type: 'ALL',
      ...(token ? { page_token: token } : {}),
    });
    expect(res.status).toBe(200);
    const body = res.json as { experiments?: { name: string }[]; next_page_token?: string };
    for (const e of body.experiments ?? []) names.add(e.name);
    token = body.next_page_token;
  } while (token);
  return names;
}

async function createRun(port: number): Promise<string> {
  const exp = await call(port, 'POST', `${PREFIX}/experiments/create`, { name: 'first' });
  const run = await call(port, 'POST', `${PREFIX}/runs/create`, {
    experiment_id: (exp.json as { experiment_id: string }).experiment_id,
  });
  return (run.json as { run: { info: { run_id: string } } }).run.info.run_id;
}

async function writer(id: number, port: number, runId: string, until: number): Promise<Write[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const writes: Write[] = [];
  try {
    for (let i = 0; Date.now() < until; i++) {
      const kind = i % 2 === 0 ? 'experiment' : 'param';
      const write: Write = { kind, name: `w${id}-${i}`, sentAt: Date.now() };
      writes.push(write);
      const res =
        kind === 'experiment'
          ? await call(
              port,
              'POST',
              `${PREFIX}/experiments/create`,
              { name: write.name },
              {},
              agent,
            )
          : await call(
              port,
              'POST',
              `${PREFIX}/runs/log-parameter`,
              { run_id: runId, key: write.name, value: 'v' },
              {},
              agent,
            );
      write.status = res.status;
    }
  } finally {
    agent.destroy();
  }
  return writes;
}

describe('deleting a project while clients write to it', () => {
  it('loses no acknowledged write and never fails the delete', async () => {
    server = await startServer();
    const { port } = server;
    const runId = await createRun(port);
    const start = Date.now();
    const writers = Array.from({ length: WRITERS }, (_, i) =>
      writer(i, port, runId, start + LOAD_MS),
    );
    const deletes: { status: number; text: string; answeredAt: number }[] = [];
    for (const at of DELETE_AT_MS) {
      await new Promise((r) => setTimeout(r, start + at - Date.now()));
      const res = await call(port, 'DELETE', `/api/3.0/mlflow/workspaces/${PROJECT}?mode=CASCADE`);
      deletes.push({ status: res.status, text: res.text, answeredAt: Date.now() });
    }
    const writes = (await Promise.all(writers)).flat();

    expect(deletes.map((d) => `${d.status} ${d.text}`)).toEqual(['204 ', '204 ']);
    const statuses = new Set(writes.map((w) => w.status));
    // 200, or 404 for the project being deleted / the run gone with it; never a 500.
    expect([...statuses].filter((s) => s !== 200 && s !== 404)).toEqual([]);

    const firstDeleteAnswered = deletes[0].answeredAt;
    const paramsAfterDelete = writes.filter(
      (w) => w.kind === 'param' && w.sentAt > firstDeleteAnswered,
    );
    expect(paramsAfterDelete.length).toBeGreaterThan(0);
    expect(paramsAfterDelete.filter((w) => w.status === 200)).toEqual([]);

    // What the server serves now must be what it serves after a crash and restart.
    const served = await experimentNames(port);
    await server.stop();
    server = await startServer({ dataDir: server.dataDir, port });
    const afterRestart = await experimentNames(port);
    expect([...served].filter((n) => !afterRestart.has(n))).toEqual([]);
    expect(afterRestart).toEqual(served);

    // Writes sent after the last delete was answered went to the project made anew: all kept.
    const lastDeleteAnswered = deletes[deletes.length - 1].answeredAt;
    const laterExperiments = writes.filter(
      (w) => w.kind === 'experiment' && w.status === 200 && w.sentAt > lastDeleteAnswered,
    );
    expect(laterExperiments.length).toBeGreaterThan(0);
    expect(laterExperiments.filter((w) => !afterRestart.has(w.name))).toEqual([]);
    expect(fs.readdirSync(server.dataDir).filter((n) => n.startsWith('.deleted-'))).toEqual([]);

    const acknowledged = writes.filter((w) => w.status === 200).length;
    const refused = writes.filter((w) => w.status === 404).length;
    console.log(
      `project delete under load: ${writes.length} writes by ${WRITERS} clients, ` +
        `${deletes.length} CASCADE deletes (204), ${acknowledged} acknowledged, ${refused} refused ` +
        `with 404, 0 lost after restart`,
    );
  });

  it('deletes the project a request is addressed to without waiting on that request', async () => {
    server ??= await startServer();
    const { port } = server;
    await call(port, 'POST', '/projects/self/api/2.0/mlflow/experiments/create', { name: 'e' });
    const started = Date.now();
    const res = await call(
      port,
      'DELETE',
      '/api/3.0/mlflow/workspaces/self?mode=CASCADE',
      undefined,
      {
        'X-MLFLOW-WORKSPACE': 'self',
      },
    );
    expect(res.status).toBe(204);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(fs.existsSync(path.join(server.dataDir, 'self'))).toBe(false);
  });
});
