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
import { errorBody, errorMiddleware } from './http/errors.js';
import { apiRouter } from './http/routes.js';
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
  close: () => Promise<void>;
}

export function createApp(
  config: Config,
  log: (msg: string, err?: unknown) => void = console.error,
): App {
  const projects = new ProjectRegistry(config.dataDir, config.maxOpenProjects);
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');

  app.get(['/health', '/projects/:project/health'], (_req, res) => {
    res.type('text/plain').send('OK');
  });
  app.get(['/version', '/projects/:project/version'], (_req, res) => {
    res.type('text/plain').send(VERSION);
  });

  const docs = openApiRouter(allEndpoints);
  app.use('/projects/:project', docs);
  app.use('/', docs);

  const api = apiRouter(allEndpoints, projects, config);
  app.use('/projects/:project', api);
  app.use('/', api);

  app.use((req, res) => {
    res
      .status(404)
      .json(errorBody('ENDPOINT_NOT_FOUND', `No endpoint for ${req.method} ${req.path}.`));
  });
  app.use(errorMiddleware(log));

  return { app, projects, close: () => projects.closeAll() };
}
