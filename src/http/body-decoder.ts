// A request body decoded away from the main thread: the endpoint's JSON parsed, checked against
// its schema and its own rules, then packed so the handler's thread receives it cheaply. Only
// endpoints whose checks read nothing but the body can have one (see http/body-decoding.ts).
import type { z } from 'zod';
import { MlflowError, type ErrorCode } from '../errors.js';
import { parseRequest } from './request-validation.js';

export interface BodyDecoder<S extends z.ZodType = z.ZodType, T = unknown> {
  /** How the worker finds it (api/body-decoders.ts lists them). */
  name: string;
  request: S;
  /** The endpoint's checks beyond the schema, in MLflow's order; throws MlflowError. */
  check(input: z.infer<S>): T;
  /** The decoded value as a structured-cloneable message and the buffers it hands over. */
  pack(value: T): { data: unknown; transfer: ArrayBuffer[] };
  unpack(data: unknown): T;
}

/** Parsed JSON (plus path parameters) to the handler's input, on whichever thread runs it. */
export function decodeWith<T>(decoder: BodyDecoder<z.ZodType, T>, json: unknown): T {
  return decoder.check(parseRequest(decoder.request, json));
}

/** A decoding failure as it crosses threads: a client's error keeps its code and message. */
export type DecodeFailure =
  | { code: ErrorCode; message: string; classification?: readonly [string, string] }
  | { internal: string };

export function toFailure(err: unknown): DecodeFailure {
  if (err instanceof MlflowError) {
    return { code: err.code, message: err.message, classification: err.classification };
  }
  return { internal: err instanceof Error ? (err.stack ?? err.message) : String(err) };
}

export function fromFailure(failure: DecodeFailure): Error {
  if ('internal' in failure) return new Error(`body decoding failed: ${failure.internal}`);
  return new MlflowError(failure.code, failure.message, failure.classification);
}
