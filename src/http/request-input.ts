// The pipeline's input step: the request's fields (JSON body, query string, path parameters) read,
// decoded and checked against the endpoint's schema, giving the handler's typed input. Endpoints
// with a body decoder decode there (large bodies off the main thread); the rest are validated here.
import type { Request } from 'express';
import { decodeBody } from './body-decoding.js';
import type { AnyEndpoint } from './endpoint.js';
import { parseJsonBody, requireJsonContentType } from './json-body.js';
import { parseRequest, queryToJson } from './request-validation.js';

/** The handler's input: the request's fields parsed and checked against the endpoint's schema. */
export async function readInput(
  endpoint: AnyEndpoint,
  route: string,
  req: Request,
): Promise<unknown> {
  if (endpoint.kind !== 'stream' && endpoint.decoder) {
    requireJsonContentType(req);
    return decodeBody(endpoint.decoder, req.body, pathParams(route, req));
  }
  const keepNulls = endpoint.kind !== 'stream' && endpoint.fields === 'document';
  // The body's text, for messages that quote a number as the client wrote it.
  const rawJson = typeof req.body === 'string' ? req.body : undefined;
  return parseRequest(endpoint.request, readFields(endpoint, route, req), { keepNulls, rawJson });
}

function readFields(endpoint: AnyEndpoint, route: string, req: Request): unknown {
  if (endpoint.kind !== 'stream' && endpoint.fields === 'document') {
    requireJsonContentType(req);
    const fromQuery = queryToJson(endpoint.request, req.query as Record<string, unknown>);
    return { ...fromQuery, ...(parseJsonBody(req.body) as Record<string, unknown>) };
  }
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

export function pathParams(route: string, req: Request): Record<string, string> {
  const { project: _project, ...rest } = req.params as Record<string, string>;
  const star = route.indexOf('*');
  if (star < 0) return rest;
  // Express would hand over the tail split and decoded, losing `%2F` versus `/`; artifact paths
  // need the text as sent, so the tail is cut from the still-encoded path (the part of the route
  // before `*` is literal, see http/routes.ts).
  return { ...rest, [route.slice(star + 1)]: req.path.slice(star) };
}
