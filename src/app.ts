// Builds the application: the project registry, the endpoint table and the routes outside it,
// handed to the request pipeline (http/pipeline.ts). No behaviour of its own.
import express, { type Express, type Router } from 'express';
import { allEndpoints } from './api/endpoints.js';
import { Accounts } from './auth/accounts.js';
import { Authenticator } from './auth/authenticator.js';
import type { Config } from './config.js';
import type { InFlightRequests } from './http/in-flight.js';
import { requestPipeline } from './http/pipeline.js';
import { webUiRoutes } from './http/web-ui.js';
import { silentLogger, type Logger } from './logging.js';
import { openApiRouter } from './openapi/docs-routes.js';
import { ProjectRegistry } from './store/projects.js';
import { ServerStore } from './store/server/server-store.js';
import { MLFLOW_API_VERSION } from './version.js';
import { WebhookDispatcher } from './webhooks/dispatcher.js';

export interface App {
  app: Express;
  projects: ProjectRegistry;
  serverStore: ServerStore;
  authenticator: Authenticator;
  accounts: Accounts;
  /** Webhook deliveries in progress (tests wait on them). */
  webhooks: WebhookDispatcher;
  /** Requests running now; graceful shutdown waits on them. */
  inFlight: InFlightRequests;
  close: () => Promise<void>;
}

/**
 * `GET /health` (for load balancers and start scripts) and `GET /version`, as MLflow's server: the
 * MLflow version served, as plain text (the client parses the whole body as a PEP 440 version).
 * trackd's own version is in every answer's X-Trackd-Version header and at /api/trackd/v1/version.
 */
function serviceRoutes(): Router {
  const router = express.Router();
  router.get('/health', (_req, res) => {
    res.type('text/plain').send('OK');
  });
  router.get('/version', (_req, res) => {
    res.type('text/plain').send(MLFLOW_API_VERSION);
  });
  return router;
}

export async function createApp(config: Config, logger: Logger = silentLogger()): Promise<App> {
  const projects = new ProjectRegistry(config.dataDir, config.maxOpenProjects, config);
  const serverStore = await ServerStore.open(config);
  const authenticator = new Authenticator(serverStore, config);
  projects.onDeleted = (name) => serverStore.forgetProject(name);
  const accounts = new Accounts(serverStore);
  const webhooks = new WebhookDispatcher(projects, config, logger);
  const pipeline = requestPipeline({
    endpoints: allEndpoints,
    projects,
    webhooks,
    authenticator,
    accounts,
    config,
    logger,
    plainRoutes: [serviceRoutes(), openApiRouter(allEndpoints, config), webUiRoutes()],
  });
  return {
    app: pipeline.app,
    projects,
    serverStore,
    authenticator,
    accounts,
    webhooks,
    inFlight: pipeline.inFlight,
    close: async () => {
      pipeline.stop();
      // Deliveries still log into their projects' databases.
      await webhooks.close();
      await projects.closeAll();
      await serverStore.close();
    },
  };
}
