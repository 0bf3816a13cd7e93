// One worker thread taking jobs and answering each by its id. The thread starts on the first job
// and does not keep the process alive; if it fails, the jobs in flight fail with it and the next
// job starts a fresh one.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, type TransferListItem } from 'node:worker_threads';

type Pending<R> = { resolve: (reply: R) => void; reject: (err: Error) => void };

export class WorkerJobs<Job extends object, Reply extends { id: number }> {
  /** False where the compiled worker file is absent (tests running the TypeScript sources). */
  readonly available: boolean;
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending<Reply>>();
  private nextId = 0;

  constructor(
    private readonly file: URL,
    private readonly what: string,
  ) {
    this.available = fs.existsSync(fileURLToPath(file));
  }

  run(job: Job, transfer: readonly TransferListItem[] = []): Promise<Reply> {
    const worker = this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...job, id }, transfer);
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.file);
    worker.unref(); // an idle worker must not keep the process alive
    worker.on('message', (reply: Reply) => {
      const job = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      job?.resolve(reply);
    });
    const fail = (err: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const job of this.pending.values()) job.reject(err);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`${this.what} exited with code ${code}`)));
    return (this.worker = worker);
  }
}
