// Run-relative artifact access: the tracking API's artifacts/list and the download routes MLflow's
// web pages use (/get-artifact, /model-versions/get-artifact), all confined to the project.
import { z } from 'zod';
import { servedArtifactPath } from '../../artifacts/artifact-uri.js';
import { artifactStoreOf } from '../../artifacts/project-artifacts.js';
import {
  joinArtifactPath,
  parseArtifactPath,
  type ArtifactPath,
} from '../../artifacts/safe-path.js';
import { modelVersionArtifactRoot } from '../../services/model-version-artifacts.js';
import type { ProjectContext } from '../../store/projects.js';
import { getRunRow } from '../../store/run-rows.js';
import { DOWNLOAD_STATUSES, sendArtifact } from '../../http/artifact-download.js';
import { TAG } from './proxy.js';
import { fileInfoJson, fileInfoSchema } from '../wire/entities.js';
import { listRunArtifacts } from '../../services/run-artifact-listing.js';
import { endpoint, streamEndpoint } from '../../http/endpoint.js';
import { requiredString } from '../wire/fields.js';
import { missingParameter } from '../../http/request-validation.js';

/** Where the run's artifacts live inside the project's artifact folder. */
export async function runArtifactRoot(
  project: ProjectContext,
  runId: string,
): Promise<ArtifactPath> {
  const run = await getRunRow(project.db, runId);
  return servedArtifactPath(run.artifact_uri, project.name);
}

function required(field: string, value: string | undefined): string {
  if (!value) {
    throw missingParameter(field);
  }
  return value;
}

export const runArtifactEndpoints = [
  endpoint({
    method: 'GET',
    paths: ['/2.0/mlflow/artifacts/list'],
    access: 'read',
    tag: TAG,
    summary: "List a run's artifacts in one folder (paths relative to the run's artifact root)",
    request: z.object({
      run_id: requiredString(),
      run_uuid: z.string().optional(),
      path: z.string().optional(),
      page_token: z.string().optional(),
    }),
    response: z.object({ root_uri: z.string(), files: z.array(fileInfoSchema).optional() }),
    handler: async (input, { project }) => {
      // MLflow's server lists a folder in one page and ignores page_token; so do we.
      const listing = await listRunArtifacts(project, input.run_id, input.path);
      return {
        root_uri: listing.rootUri,
        ...(listing.files.length ? { files: listing.files.map(fileInfoJson) } : {}),
      };
    },
  }),
  streamEndpoint({
    kind: 'stream',
    method: 'GET',
    paths: ['/get-artifact'],
    prefixes: [''],
    access: 'read',
    tag: TAG,
    summary: "Download one of a run's artifacts (the web UI's route)",
    request: z.object({
      path: z.string().optional(),
      run_id: z.string().optional(),
      run_uuid: z.string().optional(),
    }),
    statuses: { other: DOWNLOAD_STATUSES },
    handler: async (input, { project }, http) => {
      const relative = parseArtifactPath(required('path', input.path));
      const runId = required('run_id', input.run_id || input.run_uuid);
      const root = await runArtifactRoot(project, runId);
      await sendArtifact(artifactStoreOf(project), joinArtifactPath(root, relative), http);
    },
  }),
  streamEndpoint({
    kind: 'stream',
    method: 'GET',
    paths: ['/model-versions/get-artifact'],
    prefixes: [''],
    access: 'read',
    tag: TAG,
    summary: "Download one of a registered model version's artifacts (the web UI's route)",
    request: z.object({
      path: z.string().optional(),
      name: z.string().optional(),
      version: z.string().optional(),
    }),
    statuses: { other: DOWNLOAD_STATUSES },
    handler: async (input, { project }, http) => {
      const relative = parseArtifactPath(required('path', input.path));
      const root = await modelVersionArtifactRoot(
        project,
        required('name', input.name),
        required('version', input.version),
      );
      await sendArtifact(artifactStoreOf(project), joinArtifactPath(root, relative), http);
    },
  }),
];
