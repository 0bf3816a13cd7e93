// Serves the web UI (src/ui, built by Vite into dist/ui): its page at `/` and `/projects/<name>/`
// (the links MLflow's client prints, `…/#/experiments/1/runs/<id>`, land there) and its assets
// below `/static-files/`, named by content hash and cached for good. The page holds no data; what
// it shows comes through the API, with the caller's own credentials.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Router } from 'express';
import { errorBody } from '../errors.js';
import { validateProjectName } from './project-scope.js';

/** dist/ui beside the compiled server, or in the repository when the sources run (tests). */
function builtUi(): string | undefined {
  return ['../../ui', '../../dist/ui']
    .map((rel) => fileURLToPath(new URL(rel, import.meta.url)))
    .find((dir) => fs.existsSync(path.join(dir, 'index.html')));
}

export function webUiRoutes(): Router {
  const router = express.Router({ mergeParams: true });
  const dir = builtUi();
  if (!dir) return router;
  const page = fs.readFileSync(path.join(dir, 'index.html'));
  router.use(
    '/static-files',
    express.static(dir, { index: false, immutable: true, maxAge: '365d' }),
    (req, res) => {
      res.status(404).json(errorBody('ENDPOINT_NOT_FOUND', `No file ${req.originalUrl}.`));
    },
  );
  router.get('/', (req, res) => {
    const project = (req.params as { project?: string }).project;
    if (project !== undefined) validateProjectName(project);
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(page);
  });
  return router;
}
