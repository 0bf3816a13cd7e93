// Large bodies of endpoints with a decoder (http/body-decoder.ts) are parsed and checked on a
// worker thread, so the main thread spends its time on what only it can do: the database. For a
// log-batch of 1000 metrics that is JSON parsing, zod and MLflow's checks, about a fifth of the
// main thread's time per request (BENCHMARKS.md). Small bodies are decoded in place: the hop
// costs more than it saves. Where the worker's compiled file is absent (tests running the
// TypeScript sources) everything is decoded in place, with the same result.
import type { z } from 'zod';
import { parseJsonBody } from './json-body.js';
import { decodeWith, fromFailure, type BodyDecoder, type DecodeFailure } from './body-decoder.js';
import { WorkerJobs } from '../workers/worker-jobs.js';

export interface DecodeJob {
  id: number;
  decoder: string;
  text: string;
  pathParams: Record<string, string>;
}

export type DecodeResult = { id: number; data: unknown } | { id: number; failure: DecodeFailure };

/** Bodies from this size on go to the worker; a 1000-metric log-batch is some 80 KB. */
export const OFF_THREAD_BODY_CHARS = 16 * 1024;

const jobs = new WorkerJobs<Omit<DecodeJob, 'id'>, DecodeResult>(
  new URL('../workers/body-decoding.worker.js', import.meta.url),
  'body decoder',
);

/** The handler's input from a JSON body (as read by the route) and its path parameters. */
export async function decodeBody<T>(
  decoder: BodyDecoder<z.ZodType, T>,
  body: unknown,
  pathParams: Record<string, string>,
): Promise<T> {
  const text = typeof body === 'string' ? body : '';
  if (!jobs.available || text.length < OFF_THREAD_BODY_CHARS) {
    const json = { ...(parseJsonBody(body) as Record<string, unknown>), ...pathParams };
    return decodeWith(decoder, json);
  }
  const result = await jobs.run({ decoder: decoder.name, text, pathParams });
  if ('failure' in result) throw fromFailure(result.failure);
  return decoder.unpack(result.data);
}
