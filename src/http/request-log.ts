// One log line per request once its answer is done: method, route template, project, status,
// duration, bytes in and out, request id. Never headers (credentials) nor bodies. Each request gets
// an id (the client's `X-Request-Id` when it sends a sane one), echoed in the answer's header and
// carried by every other line logged for the request (`req.log`).
//
// Written on pino directly rather than with pino-http, which builds two child loggers per request
// (serializing their bindings each time): with it logging cost a tenth of a log-metric request,
// here a few percent. A request costs one log call, and a child logger only when it logs more.
import { randomUUID } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import type { RequestHandler, Response } from 'express';
import type { Logger } from '../logging.js';

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

declare module 'http' {
  interface IncomingMessage {
    /** The request's id (see above). */
    id: string;
    /** A logger whose lines carry the request's id. */
    log: Logger;
  }
}

const BASE_LOGGER = Symbol('base logger');
const CHILD_LOGGER = Symbol('request logger');
type Logged = IncomingMessage & { [BASE_LOGGER]: Logger; [CHILD_LOGGER]?: Logger };

// On the prototype, once: a getter defined on each request would turn every request object into
// a slow dictionary-mode object (it cost a tenth of a log-metric request).
Object.defineProperty(IncomingMessage.prototype, 'log', {
  get(this: Logged): Logger {
    return (this[CHILD_LOGGER] ??= this[BASE_LOGGER].child({ reqId: this.id }));
  },
  configurable: true,
});

export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && SANE_REQUEST_ID.test(given) ? given : randomUUID();
    req.id = id;
    (req as unknown as Logged)[BASE_LOGGER] = logger;
    res.setHeader('X-Request-Id', id);
    const started = performance.now();
    const bytesOut0 = req.socket.bytesWritten;

    res.once('close', () => {
      const facts = requestFacts(res);
      const route = facts.route ?? req.path;
      // A response that never finished was cut: the client went away or the server dropped it.
      const cut = !res.writableFinished;
      const status = res.statusCode;
      const level = cut || status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
      if (!logger.isLevelEnabled(level)) return;
      logger[level](
        {
          reqId: id,
          method: req.method,
          route,
          project: facts.project,
          status,
          ms: Math.round((performance.now() - started) * 10) / 10,
          // The body's announced size (most of it is often read before this code runs), and
          // what was written back, headers included.
          bytesIn: Number(req.headers['content-length'] ?? 0),
          bytesOut: req.socket ? req.socket.bytesWritten - bytesOut0 : undefined,
          ...(cut ? { cut: true } : {}),
        },
        `${req.method} ${route} ${status}${cut ? ' (connection lost)' : ''}`,
      );
    });
    next();
  };
}
