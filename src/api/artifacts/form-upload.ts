// A plain HTML-form upload for clients without an MLflow library (curl, a C# HttpClient, a browser):
// POST multipart/form-data with one or more `file` fields to a run's artifact folder. Multer parses
// the form; each file is staged by the project's ArtifactStore (a temporary file in the project's
// staging area) and all of them are published by rename only once the whole form has arrived.
import multer from 'multer';
import { z } from 'zod';
import type { ArtifactStore, StagedArtifact } from '../../artifacts/artifact-store.js';
import { artifactStoreOf } from '../../artifacts/project-artifacts.js';
import {
  ARTIFACT_ROOT,
  joinArtifactPath,
  parseArtifactPath,
  parseFileName,
  type ArtifactPath,
} from '../../artifacts/safe-path.js';
import { servedArtifactPath } from '../../artifacts/artifact-uri.js';
import { MlflowError } from '../../errors.js';
import { sendJson } from '../../http/responses.js';
import { getActiveRunRow } from '../../store/run-rows.js';
import { TAG } from './proxy.js';
import { fileInfoSchema } from '../wire/entities.js';
import { streamEndpoint, type HttpExchange } from '../../http/endpoint.js';

export const FORM_UPLOAD = '/trackd/v1/runs/:run_id/artifacts';
const FILE_FIELD = 'file';
const MAX_FILES = 100;

interface StagedFile {
  name: ArtifactPath;
  staged: StagedArtifact;
}
type ReceivedFile = Express.Multer.File & Partial<StagedFile>;

/** A multer storage engine that hands each file's stream to the store's staging. */
function stagingEngine(store: ArtifactStore): multer.StorageEngine {
  return {
    _handleFile(_req, file, done) {
      let name: ArtifactPath;
      try {
        name = parseFileName(file.originalname);
      } catch (err) {
        file.stream.resume();
        done(err);
        return;
      }
      store.stage(file.stream).then(
        (staged) => done(null, { size: staged.size, name, staged } as Partial<ReceivedFile>),
        (err: unknown) => done(err),
      );
    },
    _removeFile(_req, file, done) {
      const staged = (file as ReceivedFile).staged;
      if (!staged) return done(null);
      staged.discard().then(
        () => done(null),
        (err: Error) => done(err),
      );
    },
  };
}

function formError(err: unknown): unknown {
  if (err instanceof MlflowError) return err;
  if (err instanceof multer.MulterError) {
    const message =
      err.code === 'LIMIT_UNEXPECTED_FILE'
        ? `Unexpected file field '${err.field}': send files in fields named '${FILE_FIELD}'` +
          ` (at most ${MAX_FILES} per request).`
        : `${err.message}${err.field ? ` (field '${err.field}')` : ''}.`;
    return MlflowError.invalidParameter(message);
  }
  // System errors (a full disk, …) are ours; anything else is busboy refusing a malformed body.
  if (err instanceof Error && !('syscall' in err)) {
    return new MlflowError('BAD_REQUEST', `Malformed multipart/form-data body: ${err.message}`);
  }
  return err;
}

function receiveForm(store: ArtifactStore, { req, res }: HttpExchange): Promise<ReceivedFile[]> {
  const parse = multer({
    storage: stagingEngine(store),
    limits: { files: MAX_FILES, fields: 20, fieldSize: 64 * 1024 },
    defParamCharset: 'utf8',
    // Keep the name as sent, so `../x` or `a/b` is refused instead of quietly cut to its last part.
    preservePath: true,
  }).array(FILE_FIELD, MAX_FILES);
  return new Promise((resolve, reject) => {
    parse(req, res, (err?: unknown) => {
      if (err) reject(formError(err));
      else resolve((req.files ?? []) as ReceivedFile[]);
    });
  });
}

export const artifactFormEndpoints = [
  streamEndpoint({
    kind: 'stream',
    method: 'POST',
    paths: [FORM_UPLOAD],
    prefixes: ['/api'],
    access: 'edit',
    tag: TAG,
    summary:
      "Upload files from an HTML form (multipart/form-data, fields named 'file') into a run's " +
      'artifact folder, optionally below `?path=<folder>`',
    request: z.object({ run_id: z.string(), path: z.string().optional() }),
    body: 'form-upload',
    response: z.object({ files: z.array(fileInfoSchema) }),
    handler: async (input, { project }, http) => {
      const folder = input.path === undefined ? ARTIFACT_ROOT : parseArtifactPath(input.path);
      const run = await getActiveRunRow(project.db, input.run_id);
      const root = servedArtifactPath(run.artifact_uri, project.name);
      if (!http.req.is('multipart/form-data')) {
        throw MlflowError.invalidParameter(
          `Send the files as multipart/form-data, in fields named '${FILE_FIELD}'.`,
        );
      }
      const store = artifactStoreOf(project);
      const files = await receiveForm(store, http);
      try {
        const staged = files.filter((f): f is ReceivedFile & StagedFile => !!f.staged);
        if (staged.length === 0) {
          throw MlflowError.invalidParameter(`No file received in a field named '${FILE_FIELD}'.`);
        }
        const names = new Set(staged.map((f) => f.name));
        if (names.size !== staged.length) {
          throw MlflowError.invalidParameter('Two files in one upload have the same name.');
        }
        for (const file of staged) {
          await file.staged.commit(joinArtifactPath(root, folder, file.name));
        }
        sendJson(http.res, 200, {
          files: staged.map((f) => ({
            path: joinArtifactPath(folder, f.name),
            is_dir: false,
            file_size: f.staged.size,
          })),
        });
      } finally {
        await Promise.all(files.map((f) => f.staged?.discard()));
      }
    },
  }),
];
