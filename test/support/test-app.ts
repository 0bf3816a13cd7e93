// Starts the real application on a fresh temporary data directory for one test file.
import { readdirSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import supertest from 'supertest';
import { createApp } from '../../src/app.js';
import type { Accounts } from '../../src/auth/accounts.js';
import { loadConfig, type ConfigFlags } from '../../src/config.js';

export interface TestApp {
  api: ReturnType<typeof supertest>;
  /** The Express app, for tests that need a listening server of their own. */
  app: Express;
  dataDir: string;
  /** Users, tokens and roles of the app's server store (for tests that sign in). */
  accounts: Accounts;
  close: () => Promise<void>;
}

/** The app with the given flags (e.g. `{ auth: 'basic' }`) on a fresh temporary data dir. */
export async function startTestApp(flags: ConfigFlags = {}): Promise<TestApp> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'trackd-test-'));
  const { app, close, accounts } = await createApp(loadConfig({ ...flags, dataDir }, {}));
  return {
    api: supertest(app),
    app,
    dataDir,
    accounts,
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

/** The project folders in the data root (the server store's `server.db` files are not projects). */
export function projectFolders(t: TestApp): string[] {
  return readdirSync(t.dataDir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}
