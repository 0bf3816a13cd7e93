// The endpoint table's row type. Each api/<family>.ts exports a list of these; http/routes.ts turns
// the list into Express routes, and the same list later feeds OpenAPI and permissions.
import type { z } from 'zod';
import type { Config } from '../config.js';
import type { ProjectContext, ProjectRegistry } from '../store/projects.js';

export type Access = 'read' | 'write' | 'admin';
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';

export interface HandlerContext {
  project: ProjectContext;
  projects: ProjectRegistry;
  config: Config;
  /** Path parameters (e.g. a workspace name) from the matched route. */
  params: Record<string, string>;
}

/** What a handler may return besides a plain JSON body. */
export interface HandlerResult {
  status: number;
  body?: unknown;
}

export interface Endpoint<S extends z.ZodType = z.ZodType> {
  method: HttpMethod;
  /** Paths below `/api` (and `/ajax-api`), e.g. `/2.0/mlflow/experiments/create`. */
  paths: string[];
  access: Access;
  tag: string;
  summary: string;
  request: S;
  handler: (input: z.infer<S>, ctx: HandlerContext) => Promise<unknown> | unknown;
}

/** Keeps the handler's input type tied to its schema while the table holds mixed endpoints. */
export function endpoint<S extends z.ZodType>(def: Endpoint<S>): Endpoint {
  return def as unknown as Endpoint;
}

export function withStatus(
  status: number,
  body?: unknown,
): HandlerResult & { [withStatusMark]: true } {
  return { status, body, [withStatusMark]: true };
}
export const withStatusMark = Symbol('withStatus');
