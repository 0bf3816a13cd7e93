// MLflow's presigned-URL requests (`artifacts/presigned-upload-url` for a run's or a logged model's
// artifact, `artifacts/presigned-download-url` for a run's). MLflow answers them with a URL only
// where artifacts live in cloud storage its server can sign for; artifacts it proxies itself
// (`mlflow-artifacts:`, as here by default) are refused with INVALID_PARAMETER_VALUE, and any other
// store with NOT_IMPLEMENTED. trackd signs for no storage yet, so it answers exactly those refusals,
// after MLflow's own checks in MLflow's order: the request contract is served (server-info says
// so, as MLflow's does), the capability is not claimed.
import { z } from 'zod';
import { parseArtifactPath } from '../../artifacts/safe-path.js';
import { MlflowError } from '../../errors.js';
import { endpoint } from '../../http/endpoint.js';
import { getLoggedModel } from '../../store/logged-models.js';
import { getRunRow } from '../../store/run-rows.js';
import { int64, requiredString } from '../wire/fields.js';
import { TAG } from './proxy.js';

const PROXIED_SCHEMES = ['http', 'https', 'mlflow-artifacts'];
// Cloud providers cap a signed URL's life at 7 days; MLflow refuses longer ones up front.
const MAX_EXPIRATION_SECONDS = 604_800;
const DEFAULT_DOWNLOAD_EXPIRATION_SECONDS = 300;

/** The URI's scheme as Python's urlparse reads it (lower case; '' for a plain path). */
function uriScheme(uri: string): string {
  return /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(uri)?.[1].toLowerCase() ?? '';
}

/** MLflow's refusals, by where the artifacts live: proxied by the server, or anywhere else. */
const REFUSALS = {
  upload: {
    proxied: (scheme: string) =>
      `Presigned upload is not supported for proxied artifact storage (artifact URI scheme: ` +
      `${scheme}). This endpoint requires a direct cloud storage artifact URI.`,
    other: 'Presigned upload is not supported for the current artifact repository',
  },
  download: {
    proxied: (scheme: string) =>
      `Presigned download is not supported for runs with proxied artifact storage (artifact URI ` +
      `scheme: ${scheme}). This endpoint requires a run with a direct cloud storage artifact URI.`,
    other: 'Presigned download is not supported for the current artifact repository',
  },
};

function refuse(direction: keyof typeof REFUSALS, artifactUri: string): never {
  const scheme = uriScheme(artifactUri);
  if (PROXIED_SCHEMES.includes(scheme)) {
    throw MlflowError.invalidParameter(REFUSALS[direction].proxied(scheme));
  }
  throw new MlflowError('NOT_IMPLEMENTED', REFUSALS[direction].other);
}

const presignedResponse = z.object({
  presigned_url: z.string().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  file_size: z.number().optional(),
});

export const presignedUrlEndpoints = [
  endpoint({
    method: 'POST',
    paths: ['/2.0/mlflow/artifacts/presigned-upload-url'],
    access: 'edit',
    tag: TAG,
    summary:
      "A presigned URL for uploading one of a run's or logged model's artifacts straight to cloud storage (refused: no storage here is signed for)",
    request: z.object({
      run_id: z.string().optional(),
      model_id: z.string().optional(),
      path: requiredString(),
      expiration: int64().optional(),
    }),
    response: presignedResponse,
    statuses: { other: { 501: 'The artifact store cannot sign upload URLs' } },
    handler: async (input, { project }) => {
      if (Boolean(input.run_id) === Boolean(input.model_id)) {
        throw MlflowError.invalidParameter('Exactly one of run_id and model_id must be provided.');
      }
      parseArtifactPath(input.path);
      const artifactUri = input.run_id
        ? (await getRunRow(project.db, input.run_id)).artifact_uri
        : (await getLoggedModel(project.db, input.model_id!)).info.artifact_location;
      refuse('upload', artifactUri);
    },
  }),
  endpoint({
    method: 'POST',
    paths: ['/2.0/mlflow/artifacts/presigned-download-url'],
    access: 'read',
    tag: TAG,
    summary:
      "A presigned URL for downloading one of a run's artifacts straight from cloud storage (refused: no storage here is signed for)",
    request: z.object({
      run_id: requiredString(),
      path: requiredString(),
      expiration: int64().optional(),
    }),
    response: presignedResponse,
    statuses: { other: { 501: 'The artifact store cannot sign download URLs' } },
    handler: async (input, { project }) => {
      parseArtifactPath(input.path);
      const expiration = input.expiration ?? DEFAULT_DOWNLOAD_EXPIRATION_SECONDS;
      if (!(expiration >= 1 && expiration <= MAX_EXPIRATION_SECONDS)) {
        throw MlflowError.invalidParameter(
          `expiration must be between 1 and ${MAX_EXPIRATION_SECONDS} seconds (got ${expiration}).`,
        );
      }
      const run = await getRunRow(project.db, input.run_id);
      refuse('download', run.artifact_uri);
    },
  }),
];
