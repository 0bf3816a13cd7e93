// One endpoint's way through the pipeline once its route matched, in order: the request's project
// (scope), its input read and checked, the project leased, the handler called, the answer written.
// A JSON endpoint's body has already been read (json-body.ts); a stream endpoint reads its own.
import type { Request, Response } from 'express';
import type { Accounts } from '../auth/accounts.js';
import type { Authenticator } from '../auth/authenticator.js';
import type { Config } from '../config.js';
import type { ProjectRegistry } from '../store/projects.js';
import type { WebhookDispatcher } from '../webhooks/dispatcher.js';
import type { AnyEndpoint, Endpoint, HandlerContext, StreamEndpoint } from './endpoint.js';
import { projectOf, projectUrl } from './project-scope.js';
import { requestFacts } from './request-log.js';
import { pathParams, readInput } from './request-input.js';
import { clientGone, sendResult } from './responses.js';

export interface PipelineDeps {
  projects: ProjectRegistry;
  webhooks: WebhookDispatcher;
  config: Config;
  authenticator: Authenticator;
  accounts: Accounts;
}

type Use = (input: unknown, ctx: HandlerContext) => Promise<void>;

/** Scopes the request to its project, reads its input and runs `use` with the handler's context. */
async function runScoped(
  endpoint: AnyEndpoint,
  route: string,
  deps: PipelineDeps,
  req: Request,
  use: Use,
): Promise<void> {
  const facts = requestFacts(req.res!);
  facts.route = route;
  const projectName = projectOf(req);
  facts.project = projectName;
  const input = await readInput(endpoint, route, req);
  const { projects, webhooks, config, authenticator, accounts } = deps;
  const principal = req.principal;
  const base = {
    projects,
    webhooks,
    config,
    accounts,
    principal,
    canRead: (project: string) => authenticator.canRead(principal, project),
    standingIn: (project: string) => authenticator.standingIn(principal, project),
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
  const { context, release } = await projects.acquire(projectName, endpoint.access !== 'read');
  try {
    await use(input, { ...base, project: context });
  } finally {
    release();
  }
}

export function jsonEndpointHandler(endpoint: Endpoint, route: string, deps: PipelineDeps) {
  return (req: Request, res: Response) =>
    runScoped(endpoint, route, deps, req, async (input, ctx) => {
      await sendResult(req, res, await endpoint.handler(input, ctx));
    });
}

export function streamEndpointHandler(endpoint: StreamEndpoint, route: string, deps: PipelineDeps) {
  return async (req: Request, res: Response) => {
    try {
      await runScoped(endpoint, route, deps, req, (input, ctx) =>
        endpoint.handler(input, ctx, { req, res }),
      );
    } catch (err) {
      if (clientGone(req, res)) return;
      throw err;
    }
  };
}
