// The layering of src/ (see ARCHITECTURE in the README), checked in CI by `npm run lint:deps`.
// Each rule names a direction that would let the layers slide back into one another.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Modules that import each other cannot be read, tested or moved one at a time.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'errors-at-the-bottom',
      comment: 'MlflowError is thrown by every layer, so src/errors.ts imports nothing of ours.',
      severity: 'error',
      from: { path: '^src/errors\\.ts$' },
      to: { path: '^src/' },
    },
    {
      name: 'lower-layers-stay-below',
      comment:
        'store/, search/, artifacts/ and services/ know nothing of requests, endpoints or the app.',
      severity: 'error',
      from: { path: '^src/(store|search|artifacts|services)/' },
      to: { path: '^src/(http|api|openapi|app\\.ts|serve\\.ts|main\\.ts)' },
    },
    {
      name: 'storage-below-services',
      comment: 'Stores, searches and artifact backends are used by services, never the reverse.',
      severity: 'error',
      from: { path: '^src/(store|search|artifacts)/' },
      to: { path: '^src/services/' },
    },
    {
      name: 'pipeline-is-generic',
      comment: 'http/ is the request pipeline for any endpoint table; it never names an endpoint.',
      severity: 'error',
      from: { path: '^src/http/' },
      to: { path: '^src/(api|openapi|app\\.ts|serve\\.ts|main\\.ts)' },
    },
    {
      name: 'api-below-the-app',
      comment: 'Endpoint families are assembled by app.ts; they do not reach back up to it.',
      severity: 'error',
      from: { path: '^src/api/' },
      to: { path: '^src/(openapi|app\\.ts|serve\\.ts|main\\.ts)' },
    },
    {
      name: 'families-apart',
      comment: "An API family uses the shared wire shapes (api/wire/), not another family's files.",
      severity: 'error',
      from: { path: '^src/api/([^/]+)/' },
      to: { path: '^src/api/(?!wire/|$1/)[^/]+/' },
    },
    {
      name: 'ui-through-the-api',
      comment:
        'The web UI talks to the server only over HTTP, like any client; no server code in it.',
      severity: 'error',
      from: { path: '^src/ui/' },
      to: { path: '^src/(?!ui/)' },
    },
    {
      name: 'server-without-ui-code',
      comment: 'The server serves the built UI; it never imports its sources.',
      severity: 'error',
      from: { path: '^src/(?!ui/)' },
      to: { path: '^src/ui/' },
    },
    {
      name: 'workers-by-url-only',
      comment:
        'A *.worker.ts file is a thread entry point, started by URL; importing it would run it.',
      severity: 'error',
      from: {},
      to: { path: '\\.worker\\.ts$' },
    },
  ],
  options: {
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
  },
};
