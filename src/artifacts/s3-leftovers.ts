// What interrupted uploads leave in the artifact bucket, and removing a whole project from it.
// Staged bodies (`.trackd-staging/<project>/upload-*`), staged multipart parts and S3 multipart
// uploads are removed once idle for the multipart age. Not sooner, unlike local upload files: several
// servers may share the bucket, and a staged body another one holds (a form still arriving) looks
// exactly like one a dead process left. This process's own held bodies are never removed.
// MinIO lists no multipart uploads by prefix (it expires idle ones itself, after 24 h by default);
// on AWS, a lifecycle rule with AbortIncompleteMultipartUpload is the backstop.
import {
  AbortMultipartUploadCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  type MultipartUpload,
} from '@aws-sdk/client-s3';
import type { SweepOptions, SweepResult } from './leftovers.js';
import type { S3Bucket } from './s3-bucket.js';
import { ProjectKeys, S3_STAGING_FOLDER } from './s3-keys.js';

async function* multipartUploads(
  bucket: S3Bucket,
  prefix: string,
): AsyncGenerator<MultipartUpload> {
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  do {
    const page = await bucket.client.send(
      new ListMultipartUploadsCommand({
        Bucket: bucket.bucket,
        Prefix: prefix,
        KeyMarker: keyMarker,
        UploadIdMarker: uploadIdMarker,
      }),
    );
    yield* page.Uploads ?? [];
    keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    uploadIdMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
  } while (keyMarker);
}

/** When the upload last moved: its newest part, else its start. */
async function lastActivity(bucket: S3Bucket, upload: MultipartUpload): Promise<number> {
  let newest = upload.Initiated?.getTime() ?? 0;
  let marker: string | undefined;
  do {
    const page = await bucket.client.send(
      new ListPartsCommand({
        Bucket: bucket.bucket,
        Key: upload.Key,
        UploadId: upload.UploadId,
        PartNumberMarker: marker,
      }),
    );
    for (const part of page.Parts ?? []) {
      newest = Math.max(newest, part.LastModified?.getTime() ?? 0);
    }
    marker = page.IsTruncated ? page.NextPartNumberMarker : undefined;
  } while (marker);
  return newest;
}

/** Aborts the multipart uploads below `prefix` idle for longer than `maxAgeMs` (0: all). */
async function abortUploads(
  bucket: S3Bucket,
  prefix: string,
  maxAgeMs: number,
  result: SweepResult,
): Promise<void> {
  const now = Date.now();
  let uploads: MultipartUpload[];
  try {
    uploads = [];
    for await (const upload of multipartUploads(bucket, prefix)) uploads.push(upload);
  } catch {
    return; // Not every S3-compatible server lists uploads; such servers expire them themselves.
  }
  for (const upload of uploads) {
    if (!upload.Key || !upload.UploadId) continue;
    if ((upload.Initiated?.getTime() ?? 0) > now - maxAgeMs) continue;
    try {
      if (maxAgeMs > 0 && (await lastActivity(bucket, upload)) > now - maxAgeMs) continue;
      await bucket.client.send(
        new AbortMultipartUploadCommand({
          Bucket: bucket.bucket,
          Key: upload.Key,
          UploadId: upload.UploadId,
        }),
      );
      result.files++;
    } catch {
      // Completed or aborted meanwhile.
    }
  }
}

export async function sweepS3Leftovers(
  bucket: S3Bucket,
  options: SweepOptions,
): Promise<SweepResult> {
  const result: SweepResult = { files: 0, bytes: 0 };
  const now = Date.now();
  const maxAgeMs = Math.max(options.minAgeMs, options.multipartMaxAgeMs);
  const staging = `${bucket.location.prefix}${S3_STAGING_FOLDER}/`;
  const expired: string[] = [];
  // Multipart folders age with their newest part, as local ones do with their folder's time.
  const partFolders = new Map<string, { newest: number; keys: string[]; bytes: number }>();
  for await (const object of bucket.objects(staging)) {
    const key = object.Key;
    if (!key) continue;
    const modified = object.LastModified?.getTime() ?? 0;
    const folder = /^[^/]+\/mpu-[0-9a-f]+\//.exec(key.slice(staging.length))?.[0];
    if (folder) {
      const entry = partFolders.get(folder) ?? { newest: 0, keys: [], bytes: 0 };
      entry.newest = Math.max(entry.newest, modified);
      entry.keys.push(key);
      entry.bytes += object.Size ?? 0;
      partFolders.set(folder, entry);
    } else if (!bucket.liveKeys.has(key) && now - modified >= maxAgeMs) {
      expired.push(key);
      result.files++;
      result.bytes += object.Size ?? 0;
    }
  }
  for (const entry of partFolders.values()) {
    if (now - entry.newest > options.multipartMaxAgeMs) {
      expired.push(...entry.keys);
      result.files += entry.keys.length;
      result.bytes += entry.bytes;
    }
  }
  await bucket.deleteKeys(expired);
  await abortUploads(bucket, bucket.location.prefix, options.multipartMaxAgeMs, result);
  return result;
}

/** Deletes every artifact, staged body and multipart upload of a project; true if any existed. */
export async function removeS3Project(bucket: S3Bucket, project: string): Promise<boolean> {
  const keys = new ProjectKeys(bucket.location, project);
  const result: SweepResult = { files: 0, bytes: 0 };
  await abortUploads(bucket, keys.root, 0, result);
  const artifacts = await bucket.deletePrefix(keys.root);
  const staged = await bucket.deletePrefix(keys.staging);
  return result.files + artifacts.keys + staged.keys > 0;
}
