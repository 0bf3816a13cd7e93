// The background checkpoint loop: a round copies what a project's connection left in the log into
// the database file, from a connection of its own, and lets go of a database it can no longer use.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CheckpointLoop } from '../../src/store/wal-checkpoints.js';

let dir: string;
let file: string;
let writer: SQLite.Database;
let loop: CheckpointLoop;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trackd-checkpoints-'));
  file = path.join(dir, 'mlflow.db');
  writer = new SQLite(file);
  writer.pragma('journal_mode = WAL');
  writer.pragma('wal_autocheckpoint = 0'); // only the loop copies the log back
  loop = new CheckpointLoop();
});

afterEach(() => {
  loop.close();
  writer.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function write(rows: number): void {
  writer.exec('create table if not exists t (k integer primary key, v text)');
  const insert = writer.prepare('insert into t (v) values (?)');
  writer.transaction(() => {
    for (let i = 0; i < rows; i++) insert.run('x'.repeat(100));
  })();
}

describe('CheckpointLoop', () => {
  it('copies committed pages from the log into the database file', () => {
    write(2000);
    const before = fs.statSync(file).size;
    loop.watch(file);
    loop.tick();
    // 2000 rows of 100 bytes are some 60 pages; before the round they were only in the log.
    expect(fs.statSync(file).size).toBeGreaterThan(before + 50 * 4096);
    // Nothing is left to copy: the writer's own checkpoint finds every frame done.
    const [{ log, checkpointed }] = writer.pragma('wal_checkpoint(PASSIVE)') as {
      log: number;
      checkpointed: number;
    }[];
    expect(checkpointed).toBe(log);
  });

  it('keeps the writer writing while it runs, and its rounds see later commits', () => {
    loop.watch(file);
    write(500);
    loop.tick();
    const afterFirst = fs.statSync(file).size;
    write(2000);
    loop.tick();
    expect(fs.statSync(file).size).toBeGreaterThan(afterFirst);
    expect(writer.prepare('select count(*) as n from t').get()).toEqual({ n: 2500 });
  });

  it('lets go of a database that was unwatched or can no longer be opened', () => {
    loop.watch(file);
    loop.unwatch(file);
    expect(() => loop.tick()).not.toThrow();
    expect(() => loop.watch(path.join(dir, 'missing.db'))).toThrow();
  });
});
