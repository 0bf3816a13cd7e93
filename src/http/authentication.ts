// The pipeline's authentication step, for every API route (health, version and the API docs stay
// open: they reveal no data): the request's credentials become its caller (`req.principal`), or
// the request is answered 401 with MLflow's envelope and the Basic challenge MLflow's server sends.
import type { RequestHandler } from 'express';
import { ANONYMOUS, type Authenticator, type Principal } from '../auth/authenticator.js';
import type { MlflowError } from '../errors.js';

declare module 'http' {
  interface IncomingMessage {
    /** Who is calling; set by the authentication step. */
    principal: Principal;
  }
}

const CHALLENGE = 'Basic realm="mlflow"';

export function authentication(
  authenticator: Authenticator,
  trustedHeader: string,
): RequestHandler {
  if (!authenticator.enabled) {
    return (req, _res, next) => {
      req.principal = ANONYMOUS;
      next();
    };
  }
  const header = trustedHeader.toLowerCase();
  return (req, res, next) => {
    const proxyUser = req.headers[header];
    authenticator
      .authenticate({
        authorization: req.headers.authorization,
        proxyUser: typeof proxyUser === 'string' ? proxyUser : undefined,
        address: req.socket.remoteAddress ?? '',
      })
      .then(
        (principal) => {
          req.principal = principal;
          next();
        },
        (err: MlflowError) => {
          if (err.code === 'UNAUTHENTICATED') res.setHeader('WWW-Authenticate', CHALLENGE);
          if (err.code === 'REQUEST_LIMIT_EXCEEDED') res.setHeader('Retry-After', '60');
          next(err);
        },
      );
  };
}
