// Starts the real application on a fresh temporary data directory for one test file.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import supertest from 'supertest';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';

export interface TestApp {
  api: ReturnType<typeof supertest>;
  dataDir: string;
  close: () => Promise<void>;
}

export async function startTestApp(): Promise<TestApp> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'trackd-test-'));
  const { app, close } = createApp(loadConfig({ dataDir }, {}));
  return {
    api: supertest(app),
    dataDir,
    close: async () => {
      await close();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** POSTs JSON to an MLflow path under an optional project prefix. */
export function post(t: TestApp, url: string, body: unknown) {
  return t.api.post(url).set('Content-Type', 'application/json').send(JSON.stringify(body));
}
