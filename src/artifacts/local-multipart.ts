// Multipart uploads over local part files: each upload is a folder in the staging area holding its
// target path and one file per received part (named by part number and MD5, the part's ETag).
// Completing concatenates the listed parts into a staged file and publishes it like any upload.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { MlflowError } from '../errors.js';
import type { CompletedPart, MultipartPartTarget, PutOptions } from './artifact-store.js';
import { fsCode } from './local-paths.js';
import { liveUploadFiles } from './leftovers.js';
import { receiveInto, type Staging } from './local-staging.js';
import type { ArtifactPath } from './safe-path.js';

export const MAX_PARTS = 10000;
const UPLOAD_ID = /^[0-9a-f]{32}$/;
const MANIFEST = 'upload.json';

function partPrefix(partNumber: number): string {
  return `part-${String(partNumber).padStart(5, '0')}-`;
}

export function checkNumParts(numParts: number): void {
  if (!Number.isInteger(numParts) || numParts < 1 || numParts > MAX_PARTS) {
    throw MlflowError.invalidParameter(
      `Invalid value ${numParts} for num_parts: it must be between 1 and ${MAX_PARTS}.`,
    );
  }
}

export function checkPartNumber(partNumber: number): void {
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PARTS) {
    throw MlflowError.invalidParameter(
      `Invalid part number ${partNumber}: part numbers run from 1 to ${MAX_PARTS}.`,
    );
  }
}

export function unquoteEtag(etag: string): string {
  return etag
    .trim()
    .replace(/^W\//, '')
    .replace(/^"(.*)"$/, '$1');
}

export class LocalMultipartUploads {
  constructor(private readonly staging: Staging) {}

  private folder(uploadId: string): string {
    return path.join(this.staging.dir, `mpu-${uploadId}`);
  }

  /** The upload's target path; RESOURCE_DOES_NOT_EXIST for unknown (or malformed) ids. */
  private async target(uploadId: string): Promise<string> {
    const missing = MlflowError.notFound(`Multipart upload '${uploadId}' does not exist.`);
    if (!UPLOAD_ID.test(uploadId)) throw missing;
    try {
      const manifest = JSON.parse(
        await fs.promises.readFile(path.join(this.folder(uploadId), MANIFEST), 'utf8'),
      ) as { path: string };
      return manifest.path;
    } catch (err) {
      if (fsCode(err) === 'ENOENT') throw missing;
      throw err;
    }
  }

  private async targetMatching(uploadId: string, p: ArtifactPath): Promise<void> {
    const target = await this.target(uploadId);
    if (target !== p) {
      throw MlflowError.invalidParameter(
        `Multipart upload '${uploadId}' uploads to '${target}', not to '${p}'.`,
      );
    }
  }

  async create(
    p: ArtifactPath,
    numParts: number,
  ): Promise<{ uploadId: string; parts: MultipartPartTarget[] }> {
    checkNumParts(numParts);
    const uploadId = randomBytes(16).toString('hex');
    const folder = this.folder(uploadId);
    await fs.promises.mkdir(folder, { recursive: true });
    await fs.promises.writeFile(path.join(folder, MANIFEST), JSON.stringify({ path: p }));
    const parts = Array.from({ length: numParts }, (_, i) => ({ partNumber: i + 1 }));
    return { uploadId, parts };
  }

  async uploadPart(
    uploadId: string,
    partNumber: number,
    body: Readable,
    options: PutOptions = {},
  ): Promise<{ etag: string }> {
    checkPartNumber(partNumber);
    await this.target(uploadId);
    const folder = this.folder(uploadId);
    const hash = createHash('md5');
    const tap = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        done(null, chunk);
      },
    });
    const incoming = path.join(folder, `incoming-${randomUUID()}`);
    const prefix = partPrefix(partNumber);
    let md5: string;
    liveUploadFiles.add(incoming);
    try {
      await receiveInto(incoming, body, { ...options, tap });
      md5 = hash.digest('hex');
      await fs.promises.rename(incoming, path.join(folder, `${prefix}${md5}`));
    } catch (err) {
      await fs.promises.rm(incoming, { force: true });
      // An abort removed the upload while this part was arriving.
      if (fsCode(err) === 'ENOENT') await this.target(uploadId);
      throw err;
    } finally {
      liveUploadFiles.delete(incoming);
    }
    // A part sent again replaces the earlier one, as in S3.
    for (const name of await fs.promises.readdir(folder)) {
      if (name.startsWith(prefix) && name !== `${prefix}${md5}`) {
        await fs.promises.rm(path.join(folder, name), { force: true });
      }
    }
    return { etag: `"${md5}"` };
  }

  async complete(p: ArtifactPath, uploadId: string, parts: CompletedPart[]): Promise<void> {
    await this.targetMatching(uploadId, p);
    if (parts.length === 0) {
      throw MlflowError.invalidParameter('A multipart upload needs at least one part to complete.');
    }
    const folder = this.folder(uploadId);
    const names = await fs.promises.readdir(folder);
    const files: string[] = [];
    let previous = 0;
    for (const part of parts) {
      checkPartNumber(part.partNumber);
      if (part.partNumber <= previous) {
        throw MlflowError.invalidParameter('Parts must be listed in ascending part-number order.');
      }
      previous = part.partNumber;
      const prefix = partPrefix(part.partNumber);
      const etag = part.etag ? unquoteEtag(part.etag) : undefined;
      const name = names.find((n) => n.startsWith(prefix) && (!etag || n === `${prefix}${etag}`));
      if (name === undefined) {
        throw MlflowError.invalidParameter(
          `Part ${part.partNumber} of multipart upload '${uploadId}' was not uploaded` +
            (etag ? ` with ETag "${etag}".` : '.'),
        );
      }
      files.push(path.join(folder, name));
    }
    const joined = Readable.from(
      (async function* () {
        for (const file of files) yield* fs.createReadStream(file, { highWaterMark: 1 << 20 });
      })(),
    );
    const staged = await this.staging.stage(joined);
    try {
      await staged.commit(p);
    } finally {
      await staged.discard();
    }
    await fs.promises.rm(folder, { recursive: true, force: true });
  }

  async abort(p: ArtifactPath, uploadId: string): Promise<void> {
    await this.targetMatching(uploadId, p);
    await fs.promises.rm(this.folder(uploadId), { recursive: true, force: true });
  }
}
