// Reads a JSON request body the way MLflow's server does: POST/PUT must say application/json,
// a double-encoded JSON string is decoded again, and an empty body means {}. Bodies are read
// whole, each at most 64 MB, and all of them together within a server-wide budget.
import express, { type Request, type RequestHandler } from 'express';
import { MlflowError } from '../errors.js';

export const MAX_JSON_BODY_BYTES = 64 * 1024 * 1024;
/** Deeper than any MLflow request (OTLP spans nest a dozen levels); checked before parsing. */
export const MAX_JSON_DEPTH = 64;
const RETRY_AFTER_SECONDS = 1;

export function requireJsonContentType(req: Request): void {
  if (req.method !== 'POST' && req.method !== 'PUT') return;
  const type = req.get('content-type');
  if (type === undefined) {
    throw MlflowError.invalidParameter('Bad Request. Content-Type header is missing.');
  }
  if (type.split(';')[0].trim().toLowerCase() !== 'application/json') {
    throw MlflowError.invalidParameter(
      "Bad Request. Content-Type must be one of ['application/json'].",
    );
  }
}

/**
 * True when brackets nest deeper than `max`. Every later step (null stripping, zod, MLflow's
 * checks) walks the value recursively, so a 100,000-deep array would overflow the stack; one
 * pass over the text bounds that work first.
 */
function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return false;
}

export function parseJsonBody(raw: unknown): unknown {
  const text = typeof raw === 'string' ? raw : Buffer.isBuffer(raw) ? raw.toString('utf8') : '';
  if (text.trim() === '') return {};
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
    throw MlflowError.invalidParameter(
      `Malformed JSON in request body: values nest deeper than ${MAX_JSON_DEPTH} levels.`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
    if (typeof parsed === 'string') {
      if (nestsDeeperThan(parsed, MAX_JSON_DEPTH)) throw new Error('nested too deeply');
      parsed = JSON.parse(parsed);
    }
  } catch (err) {
    throw MlflowError.invalidParameter(`Malformed JSON in request body: ${(err as Error).message}`);
  }
  if (parsed === null) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw MlflowError.invalidParameter('Request body must be a JSON object.');
  }
  return parsed;
}

/** Bytes of JSON bodies being received or handled right now, against a server-wide cap. */
export class InFlightBudget {
  private used = 0;

  constructor(readonly limit: number) {}

  get inUse(): number {
    return this.used;
  }

  /** Takes `bytes` if they fit (one body always fits an idle server); false otherwise. */
  take(bytes: number): boolean {
    if (this.used > 0 && this.used + bytes > this.limit) return false;
    this.used += bytes;
    return true;
  }

  give(bytes: number): void {
    this.used -= bytes;
  }
}

/**
 * Reads the body as text within the budget: a body of announced length books that many bytes, a
 * chunked or compressed one the most a body may grow to. Past the budget the request is refused
 * at once with 503 and Retry-After, before any of its body is held (the connection closes after
 * the answer, see lingering-close.ts), and MLflow's client retries 503 after the pause.
 */
export function jsonBodyReader(budget: InFlightBudget): RequestHandler {
  const readText = express.text({ type: () => true, limit: MAX_JSON_BODY_BYTES });
  return (req, res, next) => {
    const length = req.headers['content-length'];
    const encoded = (req.headers['content-encoding'] ?? 'identity') !== 'identity';
    const bytes =
      length !== undefined && !encoded
        ? Math.min(Number(length) || 0, MAX_JSON_BODY_BYTES)
        : MAX_JSON_BODY_BYTES;
    if (bytes === 0 && length !== undefined) return readText(req, res, next);
    if (!budget.take(bytes)) {
      res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
      next(
        new MlflowError(
          'TEMPORARILY_UNAVAILABLE',
          'The server is receiving too many request bodies at once; retry shortly.',
        ),
      );
      return;
    }
    res.once('close', () => budget.give(bytes));
    readText(req, res, next);
  };
}
