// get-history's whole-history answer as a stream of JSON pieces, made while the history is read:
// the main thread reads a page from SQLite while a worker thread writes the JSON of the page
// before it (the two halves of the work take about the same time; a million points went from
// 0.8 s to 0.5 s). A few pages are in flight at once, so memory holds a few pages, never the
// whole answer. Where the worker's compiled file is absent (tests running the TypeScript sources)
// pages are encoded on the main thread instead: the same text, only slower. If the worker fails,
// the answers in progress end with its error and the next page starts a fresh one.
import type { MetricHistoryColumns, MetricHistoryPages } from '../../store/metric-history.js';
import {
  EMPTY_HISTORY,
  HISTORY_CLOSE,
  HISTORY_OPEN,
  historyPageJson,
} from './metric-history-json.js';
import { WorkerJobs } from '../../workers/worker-jobs.js';

export interface EncodeJob {
  id: number;
  key: string;
  page: MetricHistoryColumns;
  from: number;
  continues: boolean;
}

export interface EncodeResult {
  id: number;
  pieces: Uint8Array[];
}

// Pages queued ahead of the one being sent: enough to keep both threads busy.
const PAGES_IN_FLIGHT = 4;
const WORKER_FILE = new URL('../../workers/metric-history-json.worker.js', import.meta.url);

/** Encodes pages on the worker thread, or on this one where the worker cannot run. */
class HistoryEncoder {
  private readonly jobs = new WorkerJobs<Omit<EncodeJob, 'id'>, EncodeResult>(
    WORKER_FILE,
    'history encoder',
  );

  async encode(job: Omit<EncodeJob, 'id'>): Promise<Buffer[]> {
    if (!this.jobs.available) return historyPageJson(job.key, job.page, job.from, job.continues);
    const { page } = job;
    const { pieces } = await this.jobs.run(job, [
      page.value.buffer,
      page.timestamp.buffer,
      page.step.buffer,
      page.isNan.buffer,
    ]);
    return pieces.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength));
  }
}

const encoder = new HistoryEncoder();

/**
 * The text of `{"metrics":[…]}` for the points of `pages` from the `offset`-th on (`{}` when there
 * are none, as MLflow omits an empty list), in order. Closes `pages` however the stream ends.
 */
export async function* metricHistoryDocument(
  key: string,
  pages: MetricHistoryPages,
  offset: number,
): AsyncGenerator<Buffer | string> {
  const queue: Promise<Buffer[]>[] = [];
  let skip = offset;
  let started = false;
  let exhausted = false;
  try {
    for (;;) {
      while (!exhausted && queue.length < PAGES_IN_FLIGHT) {
        const page = pages.next();
        if (!page) {
          exhausted = true;
          break;
        }
        const from = Math.min(skip, page.length);
        skip -= from;
        if (from === page.length) continue;
        const encoded = encoder.encode({ key, page, from, continues: started });
        // A stream abandoned by its client never awaits the rest of the queue.
        encoded.catch(() => undefined);
        queue.push(encoded);
        if (!started) yield HISTORY_OPEN;
        started = true;
      }
      const next = queue.shift();
      if (!next) break;
      yield* await next;
    }
    yield started ? HISTORY_CLOSE : EMPTY_HISTORY;
  } finally {
    pages.close();
  }
}
