// MLflow's multipart-upload endpoints (/2.0/mlflow-artifacts/mpu/create|complete|abort). MLflow's
// server answers 501 for a local artifact store; ours implements them over local part files, and
// hands out part URLs on our own extension prefix (the client PUTs each part there, as it would to
// a presigned S3 URL). /server-info keeps advertising them off, so the official client only uses
// them when told to (MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD=true).
import { z } from 'zod';
import { artifactStoreOf } from '../../artifacts/project-artifacts.js';
import { joinArtifactPath, parseFileName, type ArtifactPath } from '../../artifacts/safe-path.js';
import { sendJson } from '../../http/responses.js';
import { announcedLength, proxyPath, TAG } from './proxy.js';
import { emptySchema } from '../wire/entities.js';
import { endpoint, streamEndpoint } from '../../http/endpoint.js';
import { int64, requiredString } from '../wire/fields.js';

const MPU = '/2.0/mlflow-artifacts/mpu';
export const PART_UPLOAD = '/trackd/v1/mpu/:upload_id/parts/:part_number';

/**
 * The file a multipart upload writes: the folder from the URL plus the base name of the client's
 * local file (`path` in the body), as MLflow's S3 store names it. A Windows client's `C:\x\f.bin`
 * counts as `f.bin`.
 */
function uploadTarget(urlPath: string, localFile: string, project: string): ArtifactPath {
  const name = localFile.split(/[/\\]/).pop() ?? '';
  return joinArtifactPath(proxyPath(urlPath, project), parseFileName(name));
}

const part = z.object({
  part_number: int64(),
  etag: z.string().optional(),
  url: z.string().optional(),
});

export const artifactMultipartEndpoints = [
  endpoint({
    method: 'POST',
    paths: [`${MPU}/create/*artifact_path`],
    access: 'edit',
    tag: TAG,
    summary: 'Start a multipart upload; answers one upload URL per part',
    request: z.object({
      artifact_path: z.string(),
      path: requiredString(),
      num_parts: int64().optional(),
    }),
    response: z.object({
      upload_id: z.string(),
      credentials: z.array(
        z.object({
          url: z.string(),
          part_number: z.int(),
          headers: z.record(z.string(), z.string()).optional(),
        }),
      ),
    }),
    handler: async (input, { project, projectUrl }) => {
      const target = uploadTarget(input.artifact_path, input.path, project.name);
      const { uploadId, parts } = await artifactStoreOf(project).createMultipartUpload(
        target,
        input.num_parts ?? 1,
      );
      return {
        upload_id: uploadId,
        credentials: parts.map((p) => ({
          url:
            p.url ??
            `${projectUrl}/api${PART_UPLOAD.replace(':upload_id', uploadId).replace(
              ':part_number',
              String(p.partNumber),
            )}`,
          part_number: p.partNumber,
          ...(p.headers && Object.keys(p.headers).length ? { headers: p.headers } : {}),
        })),
      };
    },
  }),
  endpoint({
    method: 'POST',
    paths: [`${MPU}/complete/*artifact_path`],
    access: 'edit',
    tag: TAG,
    summary: 'Complete a multipart upload: join the listed parts and publish the file',
    request: z.object({
      artifact_path: z.string(),
      path: requiredString(),
      upload_id: z.string().optional(),
      parts: z.array(part).min(1),
    }),
    response: emptySchema,
    handler: async (input, { project }) => {
      const target = uploadTarget(input.artifact_path, input.path, project.name);
      await artifactStoreOf(project).completeMultipartUpload(
        target,
        input.upload_id ?? '',
        input.parts.map((p) => ({ partNumber: p.part_number, etag: p.etag })),
      );
      return {};
    },
  }),
  endpoint({
    method: 'POST',
    paths: [`${MPU}/abort/*artifact_path`],
    access: 'edit',
    tag: TAG,
    summary: 'Abort a multipart upload and drop its parts',
    request: z.object({
      artifact_path: z.string(),
      path: requiredString(),
      upload_id: z.string().optional(),
    }),
    response: emptySchema,
    handler: async (input, { project }) => {
      const target = uploadTarget(input.artifact_path, input.path, project.name);
      await artifactStoreOf(project).abortMultipartUpload(target, input.upload_id ?? '');
      return {};
    },
  }),
  streamEndpoint({
    kind: 'stream',
    method: 'PUT',
    paths: [PART_UPLOAD],
    prefixes: ['/api'],
    access: 'edit',
    tag: TAG,
    summary: 'Upload one part (the raw request body) of a multipart upload; answers its ETag',
    request: z.object({ upload_id: z.string(), part_number: int64() }),
    response: emptySchema,
    handler: async (input, { project }, { req, res }) => {
      const { etag } = await artifactStoreOf(project).uploadPart(
        input.upload_id,
        input.part_number,
        req,
        { expectedSize: announcedLength(req.get('content-length')) },
      );
      res.set('ETag', etag);
      sendJson(res, 200, {});
    },
  }),
];
