// The room V8 leaves the old generation after a full collection (src/heap-growth.ts): a served
// S3 download ran at under half of MinIO's own speed, one full collection after another, when
// that room was V8's own small pick. The server sets it at run time; V8's GC trace of the real
// process shows the factor it applies at each full collection.
import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { HEAP_GROWING_PERCENT } from '../../src/heap-growth.js';
import { QUIET_MS } from '../../src/http/quiet-collection.js';
import { startServer, type ServerProcess } from './support/server-process.js';

// V8 11 (Node 20): "[HeapController] Limit: old size: 35012 KB, new limit: 87530 KB (2.5)".
const LIMIT_LINE = /\[HeapController\] Limit: old size: \d+ KB, new limit: \d+ KB \(([\d.]+)\)/g;

function factorsAfterCollections(output: string): number[] {
  return [...output.matchAll(LIMIT_LINE)].map((m) => Number(m[1]));
}

/**
 * Starts the built server with `nodeArgs` and GC tracing, and answers the factors of the full
 * collections made after it was ready (at the latest, the one it makes once quiet for QUIET_MS).
 */
async function factorsOnceServing(nodeArgs: string[]): Promise<number[]> {
  server = await startServer({ nodeArgs: ['--trace-gc-verbose', ...nodeArgs] });
  const before = factorsAfterCollections(server.output()).length;
  const deadline = Date.now() + QUIET_MS + 10_000;
  for (;;) {
    const factors = factorsAfterCollections(server.output());
    if (factors.length > before) return factors.slice(before);
    if (Date.now() > deadline) throw new Error(`no full collection seen:\n${server.output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

let server: ServerProcess | undefined;

describe('old-generation growth of the served process', () => {
  afterEach(async () => {
    await server?.stop();
    if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
    server = undefined;
  });

  it('is the fixed factor set at start-up, in every collection once serving', async () => {
    const factors = await factorsOnceServing([]);
    expect(factors).toEqual(factors.map(() => 1 + HEAP_GROWING_PERCENT / 100));
  });

  it('leaves a factor given on the command line as it is', async () => {
    const factors = await factorsOnceServing(['--heap-growing-percent=30']);
    expect(factors).toEqual(factors.map(() => 1.3));
  });
});
