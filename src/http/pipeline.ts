// The request pipeline, assembled in the order a request meets its steps (one file each):
//   request-log      an id and, once answered, one log line
//   metrics          counted per endpoint family and status, once answered (GET /metrics)
//   merge-slashes    `//` where a base URL meets a path taken as `/`
//   in-flight        counted, so a graceful shutdown (server.ts) waits for it
//   host-origin      Host allowlist, cross-site refusal, CORS and security headers
//   body-timeout     a body must keep moving
//   (plain routes: health, version, API docs)
//   routes           the endpoint table as routes: URL sanity, literal lookup, 405 for wrong methods
//   authentication   credentials → the caller, or 401
//   access-check     the caller's role in the project against the endpoint's access class, or 403
//   json-body        a JSON endpoint's body read, within the server-wide in-flight budget
//   endpoint-handler project-scope → request-input (body-decoding, request-validation) → lease →
//                    the handler → responses
//   error-envelope   404 for unknown paths; whatever was thrown, as MLflow's error envelope
import express, { type Express, type Router } from 'express';
import type { Accounts } from '../auth/accounts.js';
import type { Authenticator } from '../auth/authenticator.js';
import type { Config } from '../config.js';
import { errorBody } from '../errors.js';
import type { Logger } from '../logging.js';
import type { ProjectRegistry } from '../store/projects.js';
import { BodyTimeouts } from './body-timeout.js';
import type { AnyEndpoint } from './endpoint.js';
import { errorMiddleware } from './error-envelope.js';
import { hostAndOriginChecks } from './host-origin.js';
import { InFlightRequests } from './in-flight.js';
import { InFlightBudget } from './json-body.js';
import { mergeSlashes } from './merge-slashes.js';
import { ServerMetrics } from './metrics.js';
import { requestLog } from './request-log.js';
import { VERSION, VERSION_HEADER } from '../version.js';
import { apiRouter } from './routes.js';
import type { WebhookDispatcher } from '../webhooks/dispatcher.js';

export interface PipelineOptions {
  endpoints: AnyEndpoint[];
  projects: ProjectRegistry;
  webhooks: WebhookDispatcher;
  authenticator: Authenticator;
  accounts: Accounts;
  config: Config;
  logger: Logger;
  /** Routes outside the endpoint table, each served at the root and below `/projects/<name>`. */
  plainRoutes: Router[];
}

export interface Pipeline {
  app: Express;
  /** Requests running now; graceful shutdown waits on them. */
  inFlight: InFlightRequests;
  stop(): void;
}

export function requestPipeline(options: PipelineOptions): Pipeline {
  const { endpoints, projects, webhooks, authenticator, accounts, config, logger } = options;
  const inFlight = new InFlightRequests();
  const bodyTimeouts = new BodyTimeouts(config);
  const jsonBudget = new InFlightBudget(config.maxJsonInFlightMiB * 1024 * 1024);
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');

  app.use(requestLog(logger));
  const metrics = new ServerMetrics({ endpoints, projects });
  app.use(metrics.middleware());
  app.use(mergeSlashes());
  // trackd's own version on every answer: /version names the MLflow API served instead.
  app.use((_req, res, next) => {
    res.setHeader(VERSION_HEADER, VERSION);
    next();
  });
  app.use(inFlight.middleware());
  app.use(hostAndOriginChecks(config));
  app.use(bodyTimeouts.middleware());
  // Server-wide figures: at the root only, never below a project prefix.
  app.get('/metrics', ...metrics.route(authenticator, config));

  const routers = [
    ...options.plainRoutes,
    apiRouter(endpoints, { projects, webhooks, config, authenticator, accounts }, jsonBudget),
  ];
  for (const router of routers) {
    app.use('/projects/:project', router);
    app.use('/', router);
  }

  app.use((req, res) => {
    res
      .status(404)
      .json(errorBody('ENDPOINT_NOT_FOUND', `No endpoint for ${req.method} ${req.path}.`));
  });
  app.use(errorMiddleware());
  return { app, inFlight, stop: () => bodyTimeouts.stop() };
}
