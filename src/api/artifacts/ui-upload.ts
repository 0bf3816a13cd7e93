// The web UI's single-file upload (MLflow's /ajax-api/2.0/mlflow/upload-artifact): the raw request
// body becomes the file at `path` below the run's artifact folder. MLflow's checks and messages, in
// its order: run_uuid, path (held to the artifact-path rules, so no way out of the run's folder),
// size (10 MB at most), a non-empty body, then the run. The body is staged and published only
// once all of these pass.
import { Transform, type Readable } from 'node:stream';
import { z } from 'zod';
import { servedArtifactPath } from '../../artifacts/artifact-uri.js';
import { artifactStoreOf } from '../../artifacts/project-artifacts.js';
import { joinArtifactPath, parseArtifactPath } from '../../artifacts/safe-path.js';
import { MlflowError } from '../../errors.js';
import { streamEndpoint } from '../../http/endpoint.js';
import { getRunRow } from '../../store/run-rows.js';
import { TAG } from './proxy.js';

const MAX_BYTES = 10 * 1024 * 1024;

const tooLarge = () =>
  MlflowError.invalidParameter('Artifact size is too large. Max size is 10MB.');

/** Passes the body through, failing as soon as it grows past the limit (a chunked body too). */
function capped(body: Readable): Readable {
  let seen = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > MAX_BYTES) done(tooLarge());
      else done(null, chunk);
    },
  });
  body.on('error', (err) => limit.destroy(err));
  return body.pipe(limit);
}

export const uiUploadEndpoints = [
  streamEndpoint({
    kind: 'stream',
    method: 'POST',
    paths: ['/2.0/mlflow/upload-artifact'],
    prefixes: ['/ajax-api'],
    access: 'edit',
    tag: TAG,
    summary:
      "Upload the request body (10 MB at most) as the file `path` in run `run_uuid`'s artifacts " +
      "(the web UI's upload; an empty 200 answer)",
    request: z.object({ run_uuid: z.string().optional(), path: z.string().optional() }),
    body: 'raw-upload',
    statuses: { emptySuccess: true },
    handler: async (input, { project }, { req, res }) => {
      if (!input.run_uuid) throw MlflowError.invalidParameter('Request must specify run_uuid.');
      if (!input.path) throw MlflowError.invalidParameter('Request must specify path.');
      const path = parseArtifactPath(input.path);
      if (path === '') throw MlflowError.invalidParameter('Invalid path');
      const announced = Number(req.get('content-length') ?? 0);
      if (announced > MAX_BYTES) throw tooLarge();
      const store = artifactStoreOf(project);
      const staged = await store.stage(capped(req));
      try {
        if (staged.size === 0) throw MlflowError.invalidParameter('Request must specify data.');
        const run = await getRunRow(project.db, input.run_uuid);
        const root = servedArtifactPath(run.artifact_uri, project.name);
        await staged.commit(joinArtifactPath(root, path));
      } finally {
        await staged.discard();
      }
      res.status(200).type('application/json').end();
    },
  }),
];
