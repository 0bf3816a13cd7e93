// A logged model's artifacts: the folder listing the client and web UI use, and the UI's file
// download. The model's artifact_location (`mlflow-artifacts:/<exp>/models/<id>/artifacts`) is
// resolved inside the project, like a run's; clients upload through the artifact proxy.
import { z } from 'zod';
import { servedArtifactPath } from '../../artifacts/artifact-uri.js';
import { artifactStoreOf } from '../../artifacts/project-artifacts.js';
import { ARTIFACT_ROOT, joinArtifactPath, parseArtifactPath } from '../../artifacts/safe-path.js';
import { MlflowError } from '../../errors.js';
import { getLoggedModel } from '../../store/logged-models.js';
import { DOWNLOAD_STATUSES, sendArtifact } from '../../http/artifact-download.js';
import { fileInfoSchema } from '../wire/entities.js';
import { endpoint, streamEndpoint } from '../../http/endpoint.js';
import { requiredString } from '../wire/fields.js';
import { LOGGED_MODELS, TAG } from './logged-models.js';

export const loggedModelArtifactEndpoints = [
  endpoint({
    method: 'GET',
    paths: [`${LOGGED_MODELS}/:model_id/artifacts/directories`],
    access: 'read',
    tag: TAG,
    summary: "List one folder of a logged model's artifacts (paths relative to its artifact root)",
    request: z.object({
      model_id: requiredString(),
      artifact_directory_path: z.string().optional(),
      page_token: z.string().optional(),
    }),
    response: z.object({ root_uri: z.string(), files: z.array(fileInfoSchema).optional() }),
    handler: async (input, { project }) => {
      // Like runs' artifacts/list, one folder is one page; page_token is ignored as MLflow does.
      const relative =
        input.artifact_directory_path === undefined
          ? ARTIFACT_ROOT
          : parseArtifactPath(input.artifact_directory_path);
      const model = await getLoggedModel(project.db, input.model_id);
      const root = servedArtifactPath(model.info.artifact_location, project.name);
      const entries = await artifactStoreOf(project).list(joinArtifactPath(root, relative));
      const files = entries.map((e) => {
        const path = joinArtifactPath(relative, e.name);
        return e.isDir ? { path, is_dir: true } : { path, is_dir: false, file_size: e.size };
      });
      return { root_uri: model.info.artifact_location, ...(files.length ? { files } : {}) };
    },
  }),
  streamEndpoint({
    kind: 'stream',
    method: 'GET',
    paths: [`${LOGGED_MODELS}/:model_id/artifacts/files`],
    // MLflow serves this for its web UI only, below /ajax-api.
    prefixes: ['/ajax-api'],
    access: 'read',
    tag: TAG,
    summary: "Download one of a logged model's artifact files (the web UI's route)",
    request: z.object({ model_id: requiredString(), artifact_file_path: z.string().optional() }),
    statuses: { other: DOWNLOAD_STATUSES },
    handler: async (input, { project }, http) => {
      if (!input.artifact_file_path) {
        throw new MlflowError(
          'BAD_REQUEST',
          'Request must include the "artifact_file_path" query parameter.',
        );
      }
      const relative = parseArtifactPath(input.artifact_file_path);
      const model = await getLoggedModel(project.db, input.model_id);
      const root = servedArtifactPath(model.info.artifact_location, project.name);
      await sendArtifact(artifactStoreOf(project), joinArtifactPath(root, relative), http);
    },
  }),
];
