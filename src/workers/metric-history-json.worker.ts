// The worker thread behind metric-history-stream.ts: turns pages of a history into JSON pieces,
// and hands the pieces' memory back to the main thread (transferred, not copied).
import { parentPort } from 'node:worker_threads';
import { historyPageJson } from '../api/tracking/metric-history-json.js';
import type { EncodeJob, EncodeResult } from '../api/tracking/metric-history-stream.js';

parentPort!.on('message', (job: EncodeJob) => {
  const pieces = historyPageJson(job.key, job.page, job.from, job.continues);
  const result: EncodeResult = { id: job.id, pieces };
  // Each piece is a slice of a buffer of its own (allocated above the pool size): none is shared.
  const memory = new Set(pieces.map((p) => p.buffer as ArrayBuffer));
  parentPort!.postMessage(result, [...memory]);
});
