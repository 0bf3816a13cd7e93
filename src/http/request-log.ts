// One log line per request once its answer is done: method, route template, project, status,
// duration, bytes in and out, request id. Never headers (credentials) nor bodies. Each request gets
// an id (the client's `X-Request-Id` when it sends a sane one), echoed in the answer's header, that
// error lines carry too.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../logging.js';

const REQUEST_ID_HEADER = 'x-request-id';
const SANE_REQUEST_ID = /^[\w.:-]{1,128}$/;

/** What the pipeline learns about a request along the way, for its log line. */
export interface RequestFacts {
  /** The endpoint's route, e.g. `/api/2.0/mlflow/runs/log-batch`; unset when nothing matched. */
  route?: string;
  project?: string;
}

export function requestFacts(res: Response): RequestFacts {
  return res.locals as RequestFacts;
}

interface Counted {
  bytesOut0: number;
}

export function requestLog(logger: Logger): RequestHandler {
  const middleware = pinoHttp({
    logger,
    // Neither logger carries the request object (its headers hold credentials); the line below
    // names what is needed.
    quietReqLogger: true,
    quietResLogger: true,
    genReqId(req: IncomingMessage, res: ServerResponse) {
      const given = req.headers[REQUEST_ID_HEADER];
      const id = typeof given === 'string' && SANE_REQUEST_ID.test(given) ? given : randomUUID();
      res.setHeader('X-Request-Id', id);
      const counted = res as ServerResponse & Counted;
      counted.bytesOut0 = req.socket.bytesWritten;
      return id;
    },
    customLogLevel(_req, res, err) {
      if (err || res.statusCode >= 500) return 'error';
      return res.statusCode >= 400 ? 'warn' : 'info';
    },
    customSuccessMessage: (req, res) => `${req.method} ${routeOf(req, res)} ${res.statusCode}`,
    customErrorMessage: (req, res) =>
      `${req.method} ${routeOf(req, res)} ${res.statusCode} (connection lost)`,
    customSuccessObject: (req, res, val: { responseTime: number }) => lineOf(req, res, val),
    customErrorObject: (req, res, err, val: { responseTime: number }) => ({
      ...lineOf(req, res, val),
      err,
    }),
  });
  return middleware as unknown as RequestHandler;
}

function routeOf(req: IncomingMessage, res: ServerResponse): string {
  return (res as unknown as Response).locals?.route ?? (req as Request).path ?? req.url ?? '';
}

function lineOf(req: IncomingMessage, res: ServerResponse, val: { responseTime: number }) {
  const counted = res as ServerResponse & Counted;
  const facts = requestFacts(res as unknown as Response);
  return {
    method: req.method,
    route: routeOf(req, res),
    project: facts.project,
    status: res.statusCode,
    ms: val.responseTime,
    // The body's announced size (most of it is often read before this code runs), and what was
    // written back, headers included.
    bytesIn: Number(req.headers['content-length'] ?? 0),
    bytesOut: req.socket ? req.socket.bytesWritten - counted.bytesOut0 : undefined,
  };
}
