// The project registry: files per project, SQLite settings, migrations and `db upgrade`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrationProvider } from '../../migrations/project/index.js';
import { ProjectRegistry } from '../../src/store/projects.js';

let dataDir: string;
let registry: ProjectRegistry;

beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trackd-projects-'));
  registry = new ProjectRegistry(dataDir, 2);
});

afterEach(async () => {
  await registry.closeAll();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('ProjectRegistry', () => {
  it('reads a never-written project without creating any file', async () => {
    const names = await registry.with('ghost', false, async (ctx) => {
      const rows = await ctx.db.selectFrom('experiments').select('name').execute();
      return rows.map((r) => r.name);
    });
    expect(names).toEqual(['Default']);
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });

  it('creates one SQLite file and one artifact folder on the first write', async () => {
    await registry.with('team-a', true, async () => undefined);
    expect(fs.existsSync(path.join(dataDir, 'team-a', 'mlflow.db'))).toBe(true);
    expect(fs.statSync(path.join(dataDir, 'team-a', 'artifacts')).isDirectory()).toBe(true);
    expect(await registry.list()).toEqual(['default', 'team-a']);
  });

  it('opens databases in WAL mode with foreign keys on', async () => {
    await registry.create('team-a');
    await registry.closeAll();
    const sqlite = new SQLite(path.join(dataDir, 'team-a', 'mlflow.db'));
    expect(sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    sqlite.close();
  });

  it('reopens a project after more than maxOpen others were opened', async () => {
    for (const name of ['p1', 'p2', 'p3', 'p4']) await registry.create(name);
    await new Promise((r) => setTimeout(r, 10));
    const count = await registry.with('p1', false, async (ctx) => {
      const rows = await ctx.db.selectFrom('experiments').selectAll().execute();
      return rows.length;
    });
    expect(count).toBe(1);
  });

  it('db upgrade applies pending migrations to every project and is idempotent', async () => {
    // A project whose database predates every migration: an empty SQLite file.
    fs.mkdirSync(path.join(dataDir, 'legacy'), { recursive: true });
    new SQLite(path.join(dataDir, 'legacy', 'mlflow.db')).close();
    await registry.create('team-a');
    await registry.closeAll();

    const first = await registry.upgradeAll();
    // The legacy database gets every migration, in order; the fresh project needs none.
    const all = Object.keys(await migrationProvider.getMigrations()).sort();
    expect(all[0]).toBe('0001_initial');
    expect(first).toEqual({ legacy: all, 'team-a': [] });
    expect(await registry.upgradeAll()).toEqual({ legacy: [], 'team-a': [] });
  });

  it('deletes a project with its files', async () => {
    await registry.create('team-a');
    await registry.delete('team-a');
    expect(fs.existsSync(path.join(dataDir, 'team-a'))).toBe(false);
    expect(await registry.list()).toEqual(['default']);
  });
});
