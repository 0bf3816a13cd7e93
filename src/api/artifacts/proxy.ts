// MLflow's artifact proxy (`mlflow server --serve-artifacts`): /2.0/mlflow-artifacts/artifacts
// upload, download, list and delete, with paths relative to the project's artifact folder, the
// destination every `mlflow-artifacts:/<experiment>/<run>/artifacts` URI of the project resolves to.
import { z } from 'zod';
import { artifactStoreOf } from '../../artifacts/project-artifacts.js';
import { projectScoped } from '../../artifacts/artifact-uri.js';
import { ARTIFACT_ROOT, parseArtifactPath, type ArtifactPath } from '../../artifacts/safe-path.js';
import { MlflowError } from '../../errors.js';
import { sendJson } from '../../http/responses.js';
import { DOWNLOAD_STATUSES, sendArtifact } from '../../http/artifact-download.js';
import { emptySchema, fileInfoSchema } from '../wire/entities.js';
import { endpoint, streamEndpoint } from '../../http/endpoint.js';

export const ARTIFACTS = '/2.0/mlflow-artifacts/artifacts';
export const TAG = 'Artifacts';

/** A request's artifact path inside the project (MLflow's `workspaces/<name>/` prefix allowed). */
export function proxyPath(raw: string, project: string): ArtifactPath {
  return projectScoped(parseArtifactPath(raw), project);
}

export function requireFilePath(p: ArtifactPath): ArtifactPath {
  if (p === '') throw MlflowError.invalidParameter('Invalid path: a file name is required.');
  return p;
}

const artifactPathParam = z.object({ artifact_path: z.string() });

/** The request's Content-Length, when it sent one. */
export function announcedLength(header: string | undefined): number | undefined {
  return header !== undefined && /^\d+$/.test(header) ? Number(header) : undefined;
}

export const artifactProxyEndpoints = [
  streamEndpoint({
    kind: 'stream',
    method: 'PUT',
    paths: [`${ARTIFACTS}/*artifact_path`],
    access: 'edit',
    tag: TAG,
    summary: 'Upload an artifact (the raw request body) to a path in the project',
    request: artifactPathParam,
    response: emptySchema,
    handler: async (input, { project }, { req, res }) => {
      const target = requireFilePath(proxyPath(input.artifact_path, project.name));
      await artifactStoreOf(project).put(target, req, {
        expectedSize: announcedLength(req.get('content-length')),
      });
      sendJson(res, 200, {});
    },
  }),
  streamEndpoint({
    kind: 'stream',
    method: 'GET',
    paths: [`${ARTIFACTS}/*artifact_path`],
    access: 'read',
    tag: TAG,
    summary: 'Download an artifact (Range requests supported)',
    request: artifactPathParam,
    statuses: { other: DOWNLOAD_STATUSES },
    handler: async (input, { project }, http) => {
      const target = proxyPath(input.artifact_path, project.name);
      await sendArtifact(artifactStoreOf(project), target, http);
    },
  }),
  endpoint({
    method: 'GET',
    paths: [ARTIFACTS],
    access: 'read',
    tag: TAG,
    summary: "List a folder's direct entries (names, sizes of files)",
    request: z.object({ path: z.string().optional() }),
    response: z.object({ files: z.array(fileInfoSchema).optional() }),
    handler: async (input, { project }) => {
      const folder = input.path === undefined ? ARTIFACT_ROOT : proxyPath(input.path, project.name);
      const entries = await artifactStoreOf(project).list(folder);
      if (entries.length === 0) return {};
      return {
        files: entries.map((e) =>
          e.isDir
            ? { path: e.name, is_dir: true }
            : { path: e.name, is_dir: false, file_size: e.size },
        ),
      };
    },
  }),
  endpoint({
    method: 'DELETE',
    paths: [`${ARTIFACTS}/*artifact_path`],
    access: 'manage',
    tag: TAG,
    summary: 'Delete an artifact file or folder (a missing path is not an error)',
    request: artifactPathParam,
    response: emptySchema,
    handler: async (input, { project }) => {
      await artifactStoreOf(project).delete(proxyPath(input.artifact_path, project.name));
      return {};
    },
  }),
];
