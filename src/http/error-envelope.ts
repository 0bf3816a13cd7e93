// The last step of the pipeline: whatever a request threw becomes MLflow's envelope with its status.
// Unknown throwables are logged with the request id and answered 500; the client never sees a stack.
import type { ErrorRequestHandler } from 'express';
import { databaseRefusal, errorBody, isStorageFull, MlflowError } from '../errors.js';
import { closeLingeringAfter } from './lingering-close.js';
// `req.log` is declared there; imported for its type so every program using this file sees it.
import type {} from './request-log.js';

/** Maps anything thrown below the edge to MLflow's envelope; never leaks a stack to the client. */
export function errorMiddleware(): ErrorRequestHandler {
  return (err, req, res, _next) => {
    // What is left of a body the handler stopped reading (a refused or failed upload) is read and
    // dropped while the answer goes out; the connection then closes (lingering-close.ts).
    if (!req.complete && !req.destroyed) {
      req.resume();
      closeLingeringAfter(req, res);
    }
    if (res.headersSent) {
      req.log.warn({ err }, 'error after the answer had started; connection closed');
      res.destroy();
      return;
    }
    if (isStorageFull(err)) {
      req.log.error({ err }, 'storage full');
      err = MlflowError.storageFull();
    }
    err = databaseRefusal(err) ?? err;
    if (err instanceof MlflowError) {
      res.status(err.status).json(errorBody(err.code, err.message, err.classification));
      return;
    }
    // body-parser errors: malformed JSON, oversized bodies, bad encodings.
    const bodyError = err as { type?: string; status?: number; message?: string };
    if (bodyError?.type === 'entity.parse.failed') {
      res
        .status(400)
        .json(errorBody('BAD_REQUEST', `Malformed JSON in request body: ${bodyError.message}`));
      return;
    }
    if (bodyError?.type === 'entity.too.large') {
      res.status(413).json(errorBody('RESOURCE_EXHAUSTED', 'Request body is too large.'));
      return;
    }
    if (
      typeof bodyError?.status === 'number' &&
      bodyError.status >= 400 &&
      bodyError.status < 500
    ) {
      res.status(bodyError.status).json(errorBody('BAD_REQUEST', String(bodyError.message)));
      return;
    }
    req.log.error({ err }, 'unhandled error');
    res.status(500).json(errorBody('INTERNAL_ERROR', 'Internal server error.'));
  };
}
