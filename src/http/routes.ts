// Turns the endpoint table into Express routes: every MLflow path under /api and /ajax-api, each
// reachable at the root (project `default`) and below /projects/<name>.
import express, { type Request, type RequestHandler, type Router } from 'express';
import { errorBody, MlflowError } from '../errors.js';
import type { AnyEndpoint } from './endpoint.js';
import {
  jsonEndpointHandler,
  streamEndpointHandler,
  type PipelineDeps,
} from './endpoint-handler.js';
import { accessCheck } from './access-check.js';
import { authentication } from './authentication.js';
import { jsonBodyReader, type InFlightBudget } from './json-body.js';
import { sendJson } from './responses.js';

export const API_PREFIXES = ['/api', '/ajax-api'] as const;

/**
 * Refuses URLs that parsing would misread: a request-target carries no fragment (RFC 9112), and a
 * raw '#' would be cut off silently (`/a#/../b` reads as `/a`, `?path=a#b` as `a`); a path that is
 * not valid percent-encoded UTF-8 is refused here rather than as Express's generic decode error.
 */
function malformedUrl(req: Request): MlflowError | undefined {
  if (req.url.includes('#')) return MlflowError.invalidParameter("Invalid URL: raw '#'.");
  try {
    decodeURIComponent(req.path);
  } catch {
    return MlflowError.invalidParameter('Invalid URL: malformed percent-encoding.');
  }
  return undefined;
}

export function apiRouter(
  endpoints: AnyEndpoint[],
  deps: PipelineDeps,
  budget: InFlightBudget,
): Router {
  const router = express.Router({ mergeParams: true });
  router.use((req, _res, next) => next(malformedUrl(req)));
  router.use(authentication(deps.authenticator, deps.config.trustedHeader));
  // Literal paths are looked up in a map before Express walks its route list (a regular
  // expression per route, over a hundred routes: a tenth of a log-metric request). What the map
  // does not hold exactly (parameters, a trailing slash, other letter case) falls through to the
  // routes below, which stay registered; a literal path that an earlier parameterised route could
  // match stays out of the map, so the first matching route still wins.
  const literal = new Map<string, RequestHandler>();
  const patterns: { method: string; prefix: string }[] = [];
  router.use((req, res, next) => {
    const handle = literal.get(`${req.method === 'HEAD' ? 'GET' : req.method} ${req.path}`);
    if (handle) handle(req, res, next);
    else next();
  });
  // Only JSON endpoints get a body parser; streaming endpoints read (or refuse) the body themselves.
  const jsonBody = jsonBodyReader(budget);
  for (const endpoint of endpoints) {
    const method = endpoint.method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete' | 'put';
    for (const prefix of endpoint.prefixes ?? API_PREFIXES) {
      for (const path of endpoint.paths) {
        const route = `${prefix}${path}`;
        if (/[:(].*\*/.test(route)) throw new Error(`${route}: '*' must follow literal text only`);
        const check = accessCheck(endpoint, deps.authenticator);
        let handle: RequestHandler;
        if (endpoint.kind === 'stream') {
          const stream = streamEndpointHandler(endpoint, route, deps);
          router[method](route, check, stream);
          handle = (req, res, next) =>
            check(req, res, (err?: unknown) => {
              if (err) next(err);
              else stream(req, res).catch(next);
            });
        } else {
          const json = jsonEndpointHandler(endpoint, route, deps);
          router[method](route, check, jsonBody, json);
          handle = (req, res, next) =>
            check(req, res, (err?: unknown) => {
              if (err) return next(err);
              jsonBody(req, res, (bodyErr?: unknown) => {
                if (bodyErr) next(bodyErr);
                else json(req, res).catch(next);
              });
            });
        }
        const special = /[:*{(]/.exec(route);
        if (special) {
          patterns.push({ method: endpoint.method, prefix: route.slice(0, special.index) });
          continue;
        }
        const key = `${endpoint.method} ${route}`;
        const shadowed = patterns.some(
          (p) =>
            p.method === endpoint.method && route.toLowerCase().startsWith(p.prefix.toLowerCase()),
        );
        if (!shadowed && !literal.has(key)) literal.set(key, handle);
      }
    }
  }
  // A known path asked with another method: 405, as MLflow's server answers.
  for (const endpoint of endpoints) {
    for (const prefix of endpoint.prefixes ?? API_PREFIXES) {
      for (const path of endpoint.paths) {
        router.all(`${prefix}${path}`, (req, res) => {
          sendJson(
            res,
            405,
            errorBody('BAD_REQUEST', `The method ${req.method} is not allowed for ${req.path}.`),
          );
        });
      }
    }
  }
  return router;
}
