// OTLP/HTTP trace receiver, `POST /v1/traces` at the server root and below every project prefix
// (not under /api), as MLflow's FastAPI endpoint (server/otel_api.py): protobuf or OTLP-JSON,
// gzip/deflate bodies, the experiment from `x-mlflow-experiment-id`, FastAPI-style `{"detail"}`
// errors (MLflow's envelope only for the store's own errors), and 200 with an empty protobuf body.
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { MlflowError, isStorageFull } from '../../errors.js';
import { streamEndpoint } from '../../http/endpoint.js';
import { InFlightBudget } from '../../http/json-body.js';
import { closeLingeringAfter } from '../../http/lingering-close.js';
import { parseJson64 } from '../../json-int64.js';
import { parseExperimentId } from '../../store/experiments.js';
import { logSpans } from '../../store/spans.js';
import { decodeJsonRequest, decodeProtobufRequest, type PbExportRequest } from './otlp-proto.js';
import { SpanConversionError, convertRequest } from './otlp-spans.js';

/**
 * Largest body accepted, compressed or not (JSON endpoints take 64 MB; a span batch is far
 * smaller, and a 50 MB upload should be refused before it is held).
 */
export const MAX_OTLP_BODY_BYTES = 32 * 1024 * 1024;
export const EXPERIMENT_HEADER = 'x-mlflow-experiment-id';
/**
 * Bytes of OTLP bodies held at once, server-wide (as the JSON endpoints' budget): past it a body
 * is refused at once with 503 and Retry-After, which MLflow's client and OTel exporters retry.
 */
const otlpBudget = new InFlightBudget(256 * 1024 * 1024);
const RETRY_AFTER_SECONDS = 1;
const RUN_HEADER = 'x-mlflow-run-id';

const DETAIL_SCHEMA = {
  type: 'object',
  required: ['detail'],
  properties: {
    detail: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'object' } }] },
  },
};

/** An answer in FastAPI's shape, `{"detail": …}`. */
class DetailError extends Error {
  constructor(
    readonly status: number,
    readonly detail: unknown,
  ) {
    super(typeof detail === 'string' ? detail : 'invalid request');
  }
}

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const inflateRaw = promisify(zlib.inflateRaw);

async function readBody(req: Request): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_OTLP_BODY_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_OTLP_BODY_BYTES) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function tooLarge(): DetailError {
  return new DetailError(
    413,
    `Request body is too large (limit ${MAX_OTLP_BODY_BYTES / 1024 / 1024} MiB).`,
  );
}

async function decompress(body: Buffer, encoding: string): Promise<Buffer> {
  const options = { maxOutputLength: MAX_OTLP_BODY_BYTES };
  const limited = (err: unknown) => (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
  switch (encoding) {
    case 'gzip':
      try {
        return await gunzip(body, options);
      } catch (err) {
        if (limited(err)) throw tooLarge();
        throw new DetailError(400, 'Failed to decompress gzip payload');
      }
    case 'deflate':
      try {
        return await inflate(body, options);
      } catch (err) {
        if (limited(err)) throw tooLarge();
        try {
          return await inflateRaw(body, options);
        } catch (rawErr) {
          if (limited(rawErr)) throw tooLarge();
          throw new DetailError(400, 'Failed to decompress deflate payload');
        }
      }
    default:
      throw new DetailError(400, `Unsupported Content-Encoding: ${encoding}`);
  }
}

function parse(body: Buffer, mediaType: string): PbExportRequest {
  let request: PbExportRequest;
  try {
    request =
      mediaType === 'application/json'
        ? decodeJsonRequest(parseJson64(body.toString('utf8')))
        : decodeProtobufRequest(body);
  } catch {
    throw new DetailError(400, 'Invalid OpenTelemetry format');
  }
  if (!request.resourceSpans?.length) {
    throw new DetailError(400, 'Invalid OpenTelemetry format - no spans found');
  }
  return request;
}

function sendDetail(req: Request, res: Response, err: DetailError): void {
  closeLingeringAfter(req, res);
  const text = JSON.stringify({ detail: err.detail });
  res.status(err.status);
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

export const otlpEndpoints = [
  streamEndpoint({
    kind: 'stream',
    method: 'POST',
    paths: ['/v1/traces'],
    prefixes: [''],
    access: 'edit',
    tag: 'Traces',
    summary:
      'OTLP/HTTP trace export (protobuf or JSON, gzip/deflate); header x-mlflow-experiment-id names the experiment',
    request: z.object({}),
    body: 'raw-upload',
    statuses: {
      other: {
        413: 'Body over 32 MiB (compressed or not)',
        503: 'Too many span batches being received at once; retry after Retry-After',
        422: 'Missing x-mlflow-experiment-id, or spans MLflow cannot convert',
      },
      // FastAPI's shape, as MLflow's receiver answers; a 404 (unknown experiment) is MLflow's own.
      errorBodies: {
        400: DETAIL_SCHEMA,
        413: DETAIL_SCHEMA,
        422: DETAIL_SCHEMA,
        503: DETAIL_SCHEMA,
      },
    },
    handler: async (_input, ctx, { req, res }) => {
      try {
        const experimentHeader = req.get(EXPERIMENT_HEADER);
        if (experimentHeader === undefined) {
          throw new DetailError(422, [
            {
              type: 'missing',
              loc: ['header', EXPERIMENT_HEADER],
              msg: 'Field required',
              input: null,
            },
          ]);
        }
        const contentType = req.get('content-type');
        const mediaType = contentType?.split(';')[0].trim();
        if (mediaType !== 'application/x-protobuf' && mediaType !== 'application/json') {
          throw new DetailError(
            400,
            `Invalid Content-Type: ${contentType ?? 'None'}. ` +
              'Expected: application/x-protobuf or application/json',
          );
        }
        const length = Number(req.headers['content-length'] ?? NaN);
        const booked =
          Number.isFinite(length) && !req.headers['content-encoding']
            ? Math.min(length, MAX_OTLP_BODY_BYTES)
            : MAX_OTLP_BODY_BYTES;
        if (!otlpBudget.take(booked)) {
          res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
          throw new DetailError(
            503,
            'The server is receiving too many span batches at once; retry shortly.',
          );
        }
        res.once('close', () => otlpBudget.give(booked));
        let body = await readBody(req);
        const encoding = req.get('content-encoding')?.trim().toLowerCase();
        if (encoding && encoding !== 'identity') body = await decompress(body, encoding);
        const request = parse(body, mediaType);
        let batch;
        try {
          batch = convertRequest(request);
        } catch (err) {
          if (!(err instanceof SpanConversionError)) throw err;
          throw new DetailError(422, 'Cannot convert OpenTelemetry span to MLflow span');
        }
        const runId = req.get(RUN_HEADER) || undefined;
        try {
          await logSpans(ctx.project.db, parseExperimentId(experimentHeader), batch, runId);
        } catch (err) {
          if (err instanceof MlflowError || isStorageFull(err)) throw err;
          req.log.error({ err }, 'storing OTLP spans failed');
          throw new DetailError(422, 'Failed to log OpenTelemetry spans');
        }
        res.status(200);
        res.setHeader('Content-Type', 'application/x-protobuf');
        res.setHeader('Content-Length', 0);
        res.end();
      } catch (err) {
        if (err instanceof DetailError) sendDetail(req, res, err);
        else throw err;
      }
    },
  }),
];
