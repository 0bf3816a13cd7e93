// Checkpoints of the projects' write-ahead logs, moved off the request path. In WAL mode SQLite
// copies the log back into the database file itself, inside the COMMIT that lets the log pass
// 1000 pages, with an fsync of each file: a third of the time of a raw metric insert loop
// (BENCHMARKS.md), and a stall of the one thread that serves every request. Here a worker thread
// holds a connection of its own to each open project and runs a PASSIVE checkpoint of it every
// 50 ms (it never blocks a writer or a reader; a log it has fully copied is restarted by the next
// writer). The project's own connection keeps an automatic checkpoint at a larger size, in case
// the worker falls behind or is gone. Where the worker's compiled file is absent (tests running
// the TypeScript sources), nothing starts and SQLite checkpoints as it always does.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import SQLite from 'better-sqlite3';

export const CHECKPOINT_INTERVAL_MS = 50;
/** The automatic checkpoint of a project's connection while the worker runs (pages; 40 MB). */
export const BACKSTOP_PAGES = 10_000;

export type CheckpointMessage = { watch: string } | { unwatch: string; id: number };
/** The worker's answer to an unwatch: the file's connection is closed. */
export interface UnwatchedMessage {
  unwatched: number;
}

/** The worker's side: its connections and one round of checkpoints. */
export class CheckpointLoop {
  private readonly dbs = new Map<string, SQLite.Database>();

  watch(file: string): void {
    if (this.dbs.has(file)) return;
    const db = new SQLite(file, { fileMustExist: true });
    db.pragma('synchronous = NORMAL'); // the projects' own setting: fsyncs as theirs would
    this.dbs.set(file, db);
  }

  unwatch(file: string): void {
    this.dbs.get(file)?.close();
    this.dbs.delete(file);
  }

  /** One PASSIVE checkpoint per database; a database that fails (e.g. deleted) is let go. */
  tick(): void {
    for (const [file, db] of this.dbs) {
      try {
        db.pragma('wal_checkpoint(PASSIVE)');
      } catch {
        this.unwatch(file);
      }
    }
  }

  close(): void {
    for (const file of [...this.dbs.keys()]) this.unwatch(file);
  }
}

const WORKER_FILE = new URL('../workers/wal-checkpoint.worker.js', import.meta.url);

/** The main thread's side: tells the worker which database files to keep checkpointed. */
export class BackgroundCheckpoints {
  private readonly unwatching = new Map<number, () => void>();
  private nextId = 1;
  private alive = true;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (message: UnwatchedMessage) => {
      this.unwatching.get(message.unwatched)?.();
      this.unwatching.delete(message.unwatched);
    });
    // A worker that dies leaves the projects' own automatic checkpoints to do the work.
    const gone = () => {
      this.alive = false;
      for (const done of this.unwatching.values()) done();
      this.unwatching.clear();
    };
    worker.on('error', gone);
    worker.on('exit', gone);
  }

  /** Starts the worker, or gives undefined where it cannot run (no compiled worker file). */
  static start(): BackgroundCheckpoints | undefined {
    if (!fs.existsSync(fileURLToPath(WORKER_FILE))) return undefined;
    const worker = new Worker(WORKER_FILE);
    worker.unref(); // checkpoints never keep the process alive
    return new BackgroundCheckpoints(worker);
  }

  watch(file: string): void {
    this.post({ watch: file });
  }

  /** Settles once the worker has closed its connection to `file` (before the file is removed). */
  unwatch(file: string): Promise<void> {
    if (!this.alive) return Promise.resolve();
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.unwatching.set(id, resolve);
      this.post({ unwatch: file, id });
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private post(message: CheckpointMessage): void {
    if (this.alive) this.worker.postMessage(message);
  }
}
