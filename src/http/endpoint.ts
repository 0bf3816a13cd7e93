// The endpoint table's row type. Each api/<family>/ exports a list of these; http/routes.ts turns
// the lists into Express routes, and the same rows feed the OpenAPI document and (soon) permissions.
import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { Accounts } from '../auth/accounts.js';
import type { Principal } from '../auth/authenticator.js';
import type { Access, Standing } from '../auth/roles.js';
import type { Config } from '../config.js';
import type { ProjectContext, ProjectRegistry } from '../store/projects.js';
import type { WebhookDispatcher } from '../webhooks/dispatcher.js';
import type { BodyDecoder } from './body-decoder.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';

export interface HandlerContext {
  project: ProjectContext;
  projects: ProjectRegistry;
  /** Registry writes notify the project's webhooks through it, after their write committed. */
  webhooks: WebhookDispatcher;
  config: Config;
  /** Path parameters (e.g. a workspace name) from the matched route. */
  params: Record<string, string>;
  /** Where clients reach this project, e.g. `http://host:5000/projects/team-a`; for links. */
  projectUrl: string;
  /** Users, tokens and roles (the server store). */
  accounts: Accounts;
  /** Who is calling (the access check has already passed). */
  principal: Principal;
  /** Whether the caller may read `project`; for answers that list projects. */
  canRead(project: string): Promise<boolean>;
  /** What the caller holds in `project` (its role, admin, or none), capped by its token. */
  standingIn(project: string): Promise<Standing>;
}

/**
 * Where an endpoint's paths hang (each also below `/projects/<name>`): `/api` and `/ajax-api` unless
 * the endpoint says otherwise; `''` is the server root (e.g. MLflow's `/get-artifact`).
 */
export type PathPrefix = '/api' | '/ajax-api' | '';

export interface Endpoint<S extends z.ZodType = z.ZodType> {
  kind?: 'json';
  method: HttpMethod;
  /**
   * Paths below `/api` (and `/ajax-api`), e.g. `/2.0/mlflow/experiments/create`. A trailing
   * `*name` takes the rest of the path as parameter `name`, still percent-encoded.
   */
  paths: string[];
  prefixes?: readonly PathPrefix[];
  access: Access;
  scope?: EndpointScope;
  tag: string;
  summary: string;
  request: S;
  /** The success body's shape, as MLflow answers; the OpenAPI document is generated from it. */
  response?: z.ZodType;
  /** For OpenAPI: the success status when it is not 200, and answers besides 400/404/500. */
  statuses?: EndpointStatuses;
  /** Decodes the body (large ones on a worker thread); the handler then gets what it returns. */
  decoder?: BodyDecoder<S>;
  /**
   * How the request's fields are read. `rest` (the default): MLflow's REST rules (GET from the
   * query string, nulls read as absent). `document`: the JSON body as sent, on GET too, over the
   * query string, nulls kept; for /graphql, whose variables are the client's own JSON.
   */
  fields?: 'rest' | 'document';
  handler: (input: z.infer<S>, ctx: HandlerContext) => Promise<unknown> | unknown;
}

/** An endpoint whose body a decoder turns into the handler's input (http/body-decoding.ts). */
export interface DecodedEndpoint<S extends z.ZodType, T> extends Omit<
  Endpoint<S>,
  'request' | 'decoder' | 'handler'
> {
  decoder: BodyDecoder<S, T>;
  handler: (input: T, ctx: HandlerContext) => Promise<unknown> | unknown;
}

/** The raw exchange, for endpoints that stream a body in or out. */
export interface HttpExchange {
  req: Request;
  res: Response;
}

/**
 * An endpoint that reads or writes the body itself (artifact uploads and downloads). The table
 * still holds its method, paths, access class and the schema of its query and path parameters;
 * no body parser runs before it, and the handler must have answered when its promise settles.
 */
export interface StreamEndpoint<S extends z.ZodType = z.ZodType> {
  kind: 'stream';
  method: HttpMethod;
  paths: string[];
  prefixes?: readonly PathPrefix[];
  access: Access;
  scope?: EndpointScope;
  tag: string;
  summary: string;
  /** Query string and path parameters. */
  request: S;
  /** What the streamed body is, for OpenAPI (default: a download for GET, a raw upload otherwise). */
  body?: 'raw-upload' | 'form-upload' | 'download';
  /** The success body's shape when it is JSON (listings, upload answers); feeds OpenAPI. */
  response?: z.ZodType;
  statuses?: EndpointStatuses;
  handler: (input: z.infer<S>, ctx: HandlerContext, http: HttpExchange) => Promise<void>;
}

/**
 * `project` (the default): the request's project is leased for the handler. `server`: the
 * endpoint manages projects itself (the workspaces API) and its context has no project.
 */
export type EndpointScope = 'project' | 'server';

export interface EndpointStatuses {
  /** 201 or 204 where MLflow answers so (204 has no body). */
  success?: number;
  /** The success answer has an empty body whatever its status (MLflow's upload-artifact). */
  emptySuccess?: boolean;
  /** Further statuses this endpoint can answer, with what each means. */
  other?: Record<number, string>;
  /** JSON Schemas of error bodies not in MLflow's envelope (OTLP answers FastAPI's `{"detail"}`). */
  errorBodies?: Record<number, object>;
}

export type AnyEndpoint = Endpoint | StreamEndpoint;

export function streamEndpoint<S extends z.ZodType>(def: StreamEndpoint<S>): StreamEndpoint {
  return def as unknown as StreamEndpoint;
}

/** Keeps the handler's input type tied to its schema while the table holds mixed endpoints. */
export function endpoint<S extends z.ZodType>(def: Endpoint<S>): Endpoint {
  return def as unknown as Endpoint;
}

export function decodedEndpoint<S extends z.ZodType, T>(def: DecodedEndpoint<S, T>): Endpoint {
  // The decoder reads a JSON body, which only these methods carry.
  if (def.method !== 'POST' && def.method !== 'PUT') throw new Error(`${def.paths[0]}: no body`);
  return { ...def, request: def.decoder.request } as unknown as Endpoint;
}
