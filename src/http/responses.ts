// The pipeline's answer-writing step: what a handler returns becomes the response. A plain value is
// sent as JSON with status 200; `withStatus` picks another status (or none of a body, for 204);
// `streamedJson` hands over a body too large to build as one string (a metric history of a million
// points is some 80 MB of JSON), written piece by piece as fast as the client reads it.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';

const withStatusMark = Symbol('withStatus');
const streamedJsonMark = Symbol('streamedJson');
const jsonTextMark = Symbol('jsonText');

/** A handler's answer with a status other than 200; no body for 204. */
export interface HandlerResult {
  [withStatusMark]: true;
  status: number;
  body?: unknown;
}

export function withStatus(status: number, body?: unknown): HandlerResult {
  return { status, body, [withStatusMark]: true };
}

type Pieces = Iterable<string | Buffer> | AsyncIterable<string | Buffer>;

export interface StreamedJson {
  [streamedJsonMark]: true;
  /** Consecutive pieces of the JSON text (UTF-8); together one JSON document. */
  pieces: Pieces;
}

export function streamedJson(pieces: Pieces): StreamedJson {
  return { [streamedJsonMark]: true, pieces };
}

/**
 * JSON already written as text (e.g. holding int64 numbers a JS number would round), or as UTF-8
 * bytes (a page of stored JSON read as one blob, sent without decoding it).
 */
export interface JsonText {
  [jsonTextMark]: true;
  text: string | Buffer;
  /** Headers the answer carries besides the JSON ones (e.g. to be saved as a file). */
  headers?: Record<string, string>;
}

export function jsonText(text: string | Buffer, headers?: Record<string, string>): JsonText {
  return { [jsonTextMark]: true, text, headers };
}

function isMarked<M extends symbol>(value: unknown, mark: M): value is Record<M, true> {
  return typeof value === 'object' && value !== null && mark in value;
}

export function sendJson(res: Response, status: number, body: unknown): void {
  // Written directly rather than with res.send, which hashes every body into an ETag (MLflow sends
  // none): wasted work on each of thousands of log-metric answers and on every search page.
  const written = isMarked(body, jsonTextMark) ? (body as JsonText) : undefined;
  const text = written ? written.text : JSON.stringify(body ?? {});
  res.status(status);
  for (const [name, value] of Object.entries(written?.headers ?? {})) res.setHeader(name, value);
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', typeof text === 'string' ? Buffer.byteLength(text) : text.length);
  res.end(text);
}

/** A client that hung up mid-request gets no answer; its upload was already cleaned up. */
export function clientGone(req: Request, res: Response): boolean {
  return (!req.complete && req.destroyed) || res.destroyed || !!req.socket?.destroyed;
}

/** Writes the pieces as fast as the client reads them (chunked); no whole body in memory. */
async function sendStreamedJson(req: Request, res: Response, body: StreamedJson): Promise<void> {
  res.status(200);
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  try {
    await pipeline(Readable.from(body.pieces), res);
  } catch (err) {
    if (clientGone(req, res)) return;
    throw err;
  }
}

/** Answers with what a JSON endpoint's handler returned. */
export async function sendResult(req: Request, res: Response, result: unknown): Promise<void> {
  if (isMarked(result, streamedJsonMark)) {
    await sendStreamedJson(req, res, result as StreamedJson);
  } else if (isMarked(result, withStatusMark)) {
    const { status, body } = result as HandlerResult;
    if (body === undefined) res.status(status).end();
    else sendJson(res, status, body);
  } else {
    sendJson(res, 200, result);
  }
}
