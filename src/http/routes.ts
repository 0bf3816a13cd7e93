// Turns the endpoint table into Express routes: every MLflow path under /api and /ajax-api, each
// reachable at the root (project `default`) and below /projects/<name>.
import express, { type Request, type Response, type Router } from 'express';
import type { Endpoint, HandlerContext } from '../api/endpoint.js';
import { withStatusMark } from '../api/endpoint.js';
import { parseRequest, queryToJson } from '../api/request-validation.js';
import type { Config } from '../config.js';
import type { ProjectRegistry } from '../store/projects.js';
import { parseJsonBody, requireJsonContentType } from './json-body.js';
import { projectOf } from './project-scope.js';

export const API_PREFIXES = ['/api', '/ajax-api'] as const;
const MAX_JSON_BODY = '64mb';

function readInput(endpoint: Endpoint, req: Request): unknown {
  if (endpoint.method === 'GET' || endpoint.method === 'DELETE') {
    const fromQuery = queryToJson(endpoint.request, req.query as Record<string, unknown>);
    return { ...fromQuery, ...pathParams(req) };
  }
  requireJsonContentType(req);
  return { ...(parseJsonBody(req.body) as Record<string, unknown>), ...pathParams(req) };
}

function pathParams(req: Request): Record<string, string> {
  const { project: _project, ...rest } = req.params as Record<string, string>;
  return rest;
}

export function sendJson(res: Response, status: number, body: unknown): void {
  res
    .status(status)
    .type('application/json')
    .send(JSON.stringify(body ?? {}));
}

export function apiRouter(
  endpoints: Endpoint[],
  projects: ProjectRegistry,
  config: Config,
): Router {
  const router = express.Router({ mergeParams: true });
  router.use(express.text({ type: () => true, limit: MAX_JSON_BODY }));
  for (const endpoint of endpoints) {
    const method = endpoint.method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete' | 'put';
    for (const prefix of API_PREFIXES) {
      for (const path of endpoint.paths) {
        router[method](`${prefix}${path}`, async (req, res) => {
          const projectName = projectOf(req);
          const input = parseRequest(endpoint.request, readInput(endpoint, req));
          const { context, release } = await projects.acquire(
            projectName,
            endpoint.access === 'write',
          );
          try {
            const ctx: HandlerContext = {
              project: context,
              projects,
              config,
              params: pathParams(req),
            };
            const result = await endpoint.handler(input, ctx);
            if (result && typeof result === 'object' && withStatusMark in result) {
              const { status, body } = result as unknown as { status: number; body?: unknown };
              if (body === undefined) res.status(status).end();
              else sendJson(res, status, body);
            } else {
              sendJson(res, 200, result);
            }
          } finally {
            release();
          }
        });
      }
    }
  }
  return router;
}
