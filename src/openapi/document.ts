// Builds the OpenAPI 3.1 document from the endpoint table: the same zod schemas that validate
// requests and describe responses, so a field added to a schema shows up here with no other edit.
import type { AnyEndpoint, PathPrefix } from '../http/endpoint.js';
import { errorBodySchema } from '../errors.js';
import { API_PREFIXES } from '../http/routes.js';
import { VERSION } from '../version.js';
import { objectProperties, SchemaComponents, type JsonSchema } from './json-schema.js';

/** Paths of our own additions (MLflow has no such endpoint). */
const EXTENSION_SEGMENT = '/trackd/';
export const EXTENSION_TAG = 'trackd extensions';

const COMMON_ERRORS: Record<number, string> = {
  400: 'INVALID_PARAMETER_VALUE or BAD_REQUEST: the request is malformed or a value is refused',
  404: 'RESOURCE_DOES_NOT_EXIST: an experiment, run, file or project the request names is missing',
  500: 'INTERNAL_ERROR (or INVALID_STATE where MLflow uses it)',
};

const DESCRIPTION = `trackd speaks MLflow's tracking REST API. This document is generated from the
same schemas that validate requests. Every path also answers below \`/projects/<name>\` (one
project = one MLflow workspace) and, for MLflow's \`/api/...\` paths, below \`/ajax-api/...\`.
Errors use MLflow's envelope \`{"error_code", "message"}\`. GET and DELETE take their parameters in
the query string (repeat a parameter for a list), other methods a JSON body.`;

type Operation = Record<string, unknown>;

/** `/2.0/mlflow/experiments/:id` or `…/*artifact_path` → OpenAPI's `{id}` / `{artifact_path}`. */
function openApiPath(route: string): { path: string; params: string[]; rest?: string } {
  const params: string[] = [];
  let rest: string | undefined;
  const path = route.replace(
    /([:*])([A-Za-z_][A-Za-z0-9_]*)/g,
    (_m, kind: string, name: string) => {
      params.push(name);
      if (kind === '*') rest = name;
      return `{${name}}`;
    },
  );
  return { path, params, rest };
}

/** A readable, unique operation id: `getExperimentsGet`, `getWorkspacesByWorkspaceName`. */
function operationId(method: string, route: string, taken: Set<string>): string {
  const pascal = (text: string) =>
    text
      .split(/[^A-Za-z0-9]+/)
      .filter(Boolean)
      .map((w) => w[0].toUpperCase() + w.slice(1))
      .join('');
  const words = route
    .split('/')
    .filter((s) => s && !['api', 'ajax-api', 'mlflow'].includes(s) && !/^v?\d+(\.\d+)?$/.test(s))
    .map((s) => (/^[:*]/.test(s) ? `By${pascal(s.slice(1))}` : pascal(s)));
  const base = method.toLowerCase() + words.join('');
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}${n}`;
  taken.add(id);
  return id;
}

function errorResponses(
  extra: Record<number, string> | undefined,
  bodies: Record<number, object> = {},
): Record<string, unknown> {
  const all = { ...COMMON_ERRORS, ...extra };
  return Object.fromEntries(
    Object.entries(all).map(([status, description]) => [
      status,
      Number(status) >= 400
        ? {
            description,
            content: {
              'application/json': {
                schema: bodies[Number(status)] ?? { $ref: '#/components/schemas/Error' },
              },
            },
          }
        : { description },
    ]),
  );
}

function successResponse(
  endpoint: AnyEndpoint,
  components: SchemaComponents,
): Record<string, unknown> {
  const status = endpoint.statuses?.success ?? 200;
  if (status === 204) return { 204: { description: 'Done; no body' } };
  if (endpoint.statuses?.emptySuccess) return { [status]: { description: 'Done; an empty body' } };
  if (endpoint.kind === 'stream' && streamBody(endpoint) === 'download') {
    const file = { schema: { type: 'string', contentMediaType: 'application/octet-stream' } };
    return {
      200: {
        description:
          'The file, as an attachment. Text types are sent as text/plain; others by extension.',
        headers: {
          'Content-Length': { schema: { type: 'integer' } },
          'Accept-Ranges': { schema: { type: 'string' } },
          ETag: { schema: { type: 'string' } },
        },
        content: { 'application/octet-stream': file, 'text/plain': file, '*/*': file },
      },
    };
  }
  const schema = endpoint.response
    ? components.convert(endpoint.response, 'output')
    : { type: 'object' };
  return { [status]: { description: 'Success', content: { 'application/json': { schema } } } };
}

function streamBody(endpoint: AnyEndpoint): 'raw-upload' | 'form-upload' | 'download' | undefined {
  if (endpoint.kind !== 'stream') return undefined;
  return endpoint.body ?? (endpoint.method === 'GET' ? 'download' : 'raw-upload');
}

function requestBody(endpoint: AnyEndpoint, body: JsonSchema | undefined): unknown {
  switch (streamBody(endpoint)) {
    case 'raw-upload':
      return {
        required: true,
        description: 'The file content, streamed as is.',
        content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
      };
    case 'form-upload':
      return {
        required: true,
        content: {
          'multipart/form-data': {
            schema: {
              type: 'object',
              properties: {
                file: { type: 'array', items: { type: 'string', format: 'binary' }, minItems: 1 },
              },
              required: ['file'],
            },
          },
        },
      };
    case 'download':
      return undefined;
  }
  return body && { required: true, content: { 'application/json': { schema: body } } };
}

function describeOperation(
  endpoint: AnyEndpoint,
  route: string,
  components: SchemaComponents,
  ids: Set<string>,
): { path: string; operation: Operation } {
  const { path, params, rest } = openApiPath(route);
  const request = components.convert(endpoint.request, 'input');
  const { properties, required } = objectProperties(request);
  const inQuery = endpoint.kind === 'stream' || ['GET', 'DELETE'].includes(endpoint.method);
  const parameters = params.map((name) => ({
    name,
    in: 'path',
    required: true,
    schema: properties[name] ?? { type: 'string' },
    ...(name === rest ? { description: 'A path; may contain `/`.' } : {}),
  }));
  let body: JsonSchema | undefined;
  const fields = Object.entries(properties).filter(([name]) => !params.includes(name));
  if (inQuery) {
    for (const [name, schema] of fields) {
      parameters.push({
        name,
        in: 'query',
        required: required.has(name),
        schema,
        ...(schema.type === 'array' ? { style: 'form', explode: true } : {}),
      } as (typeof parameters)[number]);
    }
  } else {
    const bodyRequired = [...required].filter((name) => !params.includes(name));
    body = {
      ...request,
      properties: Object.fromEntries(fields),
      ...(bodyRequired.length ? { required: bodyRequired } : {}),
    };
    if (!bodyRequired.length) delete body.required;
  }
  const extension = route.includes(EXTENSION_SEGMENT);
  return {
    path,
    operation: {
      operationId: operationId(endpoint.method, route, ids),
      summary: endpoint.summary,
      tags: extension ? [endpoint.tag, EXTENSION_TAG] : [endpoint.tag],
      ...(parameters.length ? { parameters } : {}),
      ...(requestBody(endpoint, body) ? { requestBody: requestBody(endpoint, body) } : {}),
      responses: {
        ...successResponse(endpoint, components),
        ...errorResponses(endpoint.statuses?.other, endpoint.statuses?.errorBodies),
      },
      'x-trackd-access': endpoint.access,
      ...(extension ? { 'x-trackd-extension': true } : {}),
    },
  };
}

/** The document for clients of `serverUrl` (the root, or one project's `/projects/<name>`). */
export function buildOpenApiDocument(endpoints: AnyEndpoint[], serverUrl: string): JsonSchema {
  const components = new SchemaComponents();
  components.convert(errorBodySchema, 'output');
  const paths: Record<string, Record<string, Operation>> = {};
  const ids = new Set<string>();
  const tags = new Set<string>();
  for (const endpoint of endpoints) {
    // MLflow's /ajax-api copies are the same operations; the description mentions them.
    const prefix: PathPrefix = (endpoint.prefixes ?? API_PREFIXES)[0];
    for (const path of endpoint.paths) {
      const described = describeOperation(endpoint, `${prefix}${path}`, components, ids);
      const method = endpoint.method.toLowerCase();
      if (paths[described.path]?.[method]) {
        throw new Error(`OpenAPI: ${endpoint.method} ${described.path} is in the table twice`);
      }
      (paths[described.path] ??= {})[method] = described.operation;
      (described.operation.tags as string[]).forEach((t) => tags.add(t));
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'trackd — MLflow-compatible tracking API',
      version: VERSION,
      description: DESCRIPTION,
    },
    servers: [{ url: serverUrl }],
    tags: [...tags].map((name) =>
      name === EXTENSION_TAG
        ? { name, description: "trackd's own additions, outside MLflow's API (`/api/trackd/v1/…`)" }
        : { name },
    ),
    paths,
    components: { schemas: components.schemas },
  };
}
