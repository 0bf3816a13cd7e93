// Builds the Express application: middleware order and router mounting, no behaviour of its own.
import express, { type Express } from 'express';
import { artifactEndpoints } from './api/artifacts.js';
import type { AnyEndpoint } from './api/endpoint.js';
import { experimentEndpoints } from './api/experiments.js';
import { loggedModelArtifactEndpoints } from './api/logged-model-artifacts.js';
import { loggedModelEndpoints } from './api/logged-models.js';
import { metricEndpoints } from './api/metrics.js';
import { modelVersionEndpoints } from './api/model-versions.js';
import { registeredModelEndpoints } from './api/registered-models.js';
import { runEndpoints } from './api/runs.js';
import { serverInfoEndpoints } from './api/server-info.js';
import { workspaceEndpoints } from './api/workspaces.js';
import type { Config } from './config.js';
import { BodyTimeouts } from './http/body-timeout.js';
import { errorBody, errorMiddleware } from './http/errors.js';
import { hostAndOriginChecks } from './http/host-origin.js';
import { InFlightBudget } from './http/json-body.js';
import { requestLog } from './http/request-log.js';
import { apiRouter } from './http/routes.js';
import { InFlightRequests } from './http/server.js';
import { silentLogger, type Logger } from './logging.js';
import { openApiRouter } from './openapi/docs-routes.js';
import { ProjectRegistry } from './store/projects.js';
import { VERSION } from './version.js';

export const allEndpoints: AnyEndpoint[] = [
  ...experimentEndpoints,
  ...runEndpoints,
  ...metricEndpoints,
  ...workspaceEndpoints,
  ...serverInfoEndpoints,
  ...artifactEndpoints,
  ...loggedModelEndpoints,
  ...loggedModelArtifactEndpoints,
  ...registeredModelEndpoints,
  ...modelVersionEndpoints,
];

export interface App {
  app: Express;
  projects: ProjectRegistry;
  /** Requests running now; graceful shutdown waits on them. */
  inFlight: InFlightRequests;
  close: () => Promise<void>;
}

export function createApp(config: Config, logger: Logger = silentLogger()): App {
  const projects = new ProjectRegistry(config.dataDir, config.maxOpenProjects);
  const inFlight = new InFlightRequests();
  const bodyTimeouts = new BodyTimeouts(config);
  const jsonBudget = new InFlightBudget(config.maxJsonInFlightMiB * 1024 * 1024);
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');

  app.use(requestLog(logger));
  app.use(inFlight.middleware());
  app.use(hostAndOriginChecks(config));
  app.use(bodyTimeouts.middleware());

  app.get(['/health', '/projects/:project/health'], (_req, res) => {
    res.type('text/plain').send('OK');
  });
  app.get(['/version', '/projects/:project/version'], (_req, res) => {
    res.type('text/plain').send(VERSION);
  });

  const docs = openApiRouter(allEndpoints, config);
  app.use('/projects/:project', docs);
  app.use('/', docs);

  const api = apiRouter(allEndpoints, projects, config, jsonBudget);
  app.use('/projects/:project', api);
  app.use('/', api);

  app.use((req, res) => {
    res
      .status(404)
      .json(errorBody('ENDPOINT_NOT_FOUND', `No endpoint for ${req.method} ${req.path}.`));
  });
  app.use(errorMiddleware());

  return {
    app,
    projects,
    inFlight,
    close: async () => {
      bodyTimeouts.stop();
      await projects.closeAll();
    },
  };
}
