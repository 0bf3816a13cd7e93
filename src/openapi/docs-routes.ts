// Serves the OpenAPI document (/openapi.json) and a human-readable API page (/docs), at the root
// and below /projects/<name>. The page is Swagger UI from the swagger-ui-dist package, served from
// our own origin so that it works with no internet access.
import { createRequire } from 'node:module';
import path from 'node:path';
import express, { type Request, type Router } from 'express';
import type { AnyEndpoint } from '../http/endpoint.js';
import type { Config } from '../config.js';
import { validateProjectName } from '../http/project-scope.js';
import { buildOpenApiDocument } from './document.js';

const SWAGGER_UI_DIR = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist'));
/** The only files of the package the page needs; nothing else of it is served. */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css',
  'swagger-ui-bundle.js': 'text/javascript',
};

/** Where the request's project is reached: '' for the root, `/projects/<name>` otherwise. */
function projectBase(req: Request): string {
  const project = (req.params as { project?: string }).project;
  if (project === undefined) return '';
  return `/projects/${validateProjectName(project)}`;
}

function docsPage(base: string): string {
  // Same-origin paths only; validatorUrl null keeps Swagger UI from calling validator.swagger.io.
  const config = JSON.stringify({
    url: `${base}/openapi.json`,
    dom_id: '#api',
    validatorUrl: null,
    deepLinking: true,
  });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>trackd API</title>
<link rel="stylesheet" href="${base}/docs/assets/swagger-ui.css">
</head>
<body>
<div id="api"></div>
<script src="${base}/docs/assets/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle(${config});</script>
</body>
</html>
`;
}

export function openApiRouter(endpoints: AnyEndpoint[], config: Config): Router {
  const router = express.Router({ mergeParams: true });
  // The table is fixed once the app is built; only the server URL differs per request.
  let document: Record<string, unknown> | undefined;
  router.get('/openapi.json', (req, res) => {
    const base = projectBase(req);
    document ??= buildOpenApiDocument(endpoints, '');
    // From configuration only, never from the request's Host: the configured public URL, else a
    // path, which readers resolve against where they fetched the document.
    const url = `${config.publicUrl ?? ''}${base}` || '/';
    res.json({ ...document, servers: [{ url }] });
  });
  router.get('/docs', (req, res) => {
    res.type('text/html').send(docsPage(projectBase(req)));
  });
  router.get('/docs/assets/:file', (req, res, next) => {
    const type = ASSETS[req.params.file];
    if (!type) return next();
    res.type(type).sendFile(path.join(SWAGGER_UI_DIR, req.params.file), { maxAge: '1h' });
  });
  return router;
}
