// Turns the endpoint table into Express routes: every MLflow path under /api and /ajax-api, each
// reachable at the root (project `default`) and below /projects/<name>.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { decodeBody } from '../api/body-decoding.js';
import type { AnyEndpoint, Endpoint, HandlerContext, StreamEndpoint } from '../api/endpoint.js';
import { withStatusMark } from '../api/endpoint.js';
import { parseRequest, queryToJson } from '../api/request-validation.js';
import { isStreamedJson, type StreamedJson } from '../api/streamed-json.js';
import type { Config } from '../config.js';
import { DEFAULT_PROJECT, type ProjectRegistry } from '../store/projects.js';
import { errorBody, MlflowError } from './errors.js';
import {
  jsonBodyReader,
  parseJsonBody,
  requireJsonContentType,
  type InFlightBudget,
} from './json-body.js';
import { projectOf } from './project-scope.js';
import { requestFacts } from './request-log.js';

export const API_PREFIXES = ['/api', '/ajax-api'] as const;

function readInput(endpoint: AnyEndpoint, route: string, req: Request): unknown {
  if (endpoint.kind === 'stream' || endpoint.method === 'GET' || endpoint.method === 'DELETE') {
    const fromQuery = queryToJson(endpoint.request, req.query as Record<string, unknown>);
    // MLflow reads a DELETE's fields from its JSON body (the official client sends them there,
    // e.g. registered-models/delete); a bodiless DELETE keeps its query string.
    const fromBody =
      endpoint.kind !== 'stream' && endpoint.method === 'DELETE'
        ? (parseJsonBody(req.body) as Record<string, unknown>)
        : {};
    return { ...fromQuery, ...fromBody, ...pathParams(route, req) };
  }
  requireJsonContentType(req);
  return { ...(parseJsonBody(req.body) as Record<string, unknown>), ...pathParams(route, req) };
}

/** The handler's input: the request's fields parsed and checked against the endpoint's schema. */
async function readRequest(endpoint: AnyEndpoint, route: string, req: Request): Promise<unknown> {
  if (endpoint.kind !== 'stream' && endpoint.decoder) {
    requireJsonContentType(req);
    return decodeBody(endpoint.decoder, req.body, pathParams(route, req));
  }
  return parseRequest(endpoint.request, readInput(endpoint, route, req));
}

function pathParams(route: string, req: Request): Record<string, string> {
  const { project: _project, ...rest } = req.params as Record<string, string>;
  const star = route.indexOf('*');
  if (star < 0) return rest;
  // Express would hand over the tail split and decoded, losing `%2F` versus `/`; artifact paths
  // need the text as sent, so the tail is cut from the still-encoded path (the part of the route
  // before `*` is literal, see apiRouter).
  return { ...rest, [route.slice(star + 1)]: req.path.slice(star) };
}

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

/**
 * The project's URL for links in answers (the root stands for `default`): below the configured
 * public URL, else on the Host the request named, which the Host check has already held against
 * the allowed names, so no other name can be planted in an answer.
 */
function projectUrl(req: Request, project: string, config: Config): string {
  const origin = config.publicUrl ?? `http://${req.get('host') ?? 'localhost'}`;
  return project === DEFAULT_PROJECT ? origin : `${origin}/projects/${project}`;
}

/** A client that hung up mid-request gets no answer; its upload was already cleaned up. */
function clientGone(req: Request, res: Response): boolean {
  return (!req.complete && req.destroyed) || res.destroyed || !!req.socket?.destroyed;
}

export function sendJson(res: Response, status: number, body: unknown): void {
  // Written directly rather than with res.send, which hashes every body into an ETag (MLflow sends
  // none): wasted work on each of thousands of log-metric answers and on every search page.
  const text = JSON.stringify(body ?? {});
  res.status(status);
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

export function apiRouter(
  endpoints: AnyEndpoint[],
  projects: ProjectRegistry,
  config: Config,
  budget: InFlightBudget,
): Router {
  const router = express.Router({ mergeParams: true });
  router.use((req, _res, next) => next(malformedUrl(req)));
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
        let handle: RequestHandler;
        if (endpoint.kind === 'stream') {
          const stream = streamRoute(endpoint, route, projects, config);
          router[method](route, stream);
          handle = (req, res, next) => void stream(req, res).catch(next);
        } else {
          const json = jsonRoute(endpoint, route, projects, config);
          router[method](route, jsonBody, json);
          handle = (req, res, next) =>
            jsonBody(req, res, (err?: unknown) => {
              if (err) next(err);
              else json(req, res).catch(next);
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

/** Parses the input, leases the request's project and builds the handler's context around `use`. */
async function runScoped(
  endpoint: AnyEndpoint,
  route: string,
  scope: { projects: ProjectRegistry; config: Config },
  req: Request,
  use: (input: unknown, ctx: HandlerContext) => Promise<void>,
): Promise<void> {
  const facts = requestFacts(req.res!);
  facts.route = route;
  const projectName = projectOf(req);
  facts.project = projectName;
  const input = await readRequest(endpoint, route, req);
  const { projects, config } = scope;
  const base = {
    projects,
    config,
    params: pathParams(route, req),
    projectUrl: projectUrl(req, projectName, config),
  };
  if (endpoint.scope === 'server') {
    // Endpoints that manage projects themselves hold none: deleting the project a request was
    // addressed to would otherwise wait on that request's own lease.
    await use(input, {
      ...base,
      get project(): never {
        throw new Error(`${route}: server-scoped`);
      },
    });
    return;
  }
  const { context, release } = await projects.acquire(projectName, endpoint.access === 'write');
  try {
    await use(input, { ...base, project: context });
  } finally {
    release();
  }
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

function jsonRoute(endpoint: Endpoint, route: string, projects: ProjectRegistry, config: Config) {
  return (req: Request, res: Response) =>
    runScoped(endpoint, route, { projects, config }, req, async (input, ctx) => {
      const result = await endpoint.handler(input, ctx);
      if (isStreamedJson(result)) {
        await sendStreamedJson(req, res, result);
      } else if (result && typeof result === 'object' && withStatusMark in result) {
        const { status, body } = result as unknown as { status: number; body?: unknown };
        if (body === undefined) res.status(status).end();
        else sendJson(res, status, body);
      } else {
        sendJson(res, 200, result);
      }
    });
}

function streamRoute(
  endpoint: StreamEndpoint,
  route: string,
  projects: ProjectRegistry,
  config: Config,
) {
  return async (req: Request, res: Response) => {
    try {
      await runScoped(endpoint, route, { projects, config }, req, (input, ctx) =>
        endpoint.handler(input, ctx, { req, res }),
      );
    } catch (err) {
      if (clientGone(req, res)) return;
      throw err;
    }
  };
}
