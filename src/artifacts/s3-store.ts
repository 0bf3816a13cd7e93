// The ArtifactStore over one project's folder in an S3 bucket. It keeps the local store's rules
// where S3 alone would not: a file never replaces a folder nor sits below a file, folders are the
// common prefixes of a `/`-delimited listing, and uploads appear whole or not at all.
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MlflowError } from '../errors.js';
import type {
  ArtifactEntry,
  ArtifactReader,
  ArtifactStore,
  ByteRange,
  CompletedPart,
  MultipartPartTarget,
  PutOptions,
  StagedArtifact,
} from './artifact-store.js';
import { BODY_CHUNK } from './request-body.js';
import type { S3Bucket } from './s3-bucket.js';
import { entryName, ProjectKeys } from './s3-keys.js';
import { S3MultipartUploads } from './s3-multipart.js';
import type { ArtifactPath } from './safe-path.js';

function byName(a: ArtifactEntry, b: ArtifactEntry): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function isFolder(p: ArtifactPath): MlflowError {
  return MlflowError.invalidParameter(`Artifact path refers to a directory, not a file: '${p}'`);
}

export class S3ArtifactStore implements ArtifactStore {
  readonly keys: ProjectKeys;
  private readonly multipart: S3MultipartUploads;

  constructor(
    private readonly bucket: S3Bucket,
    project: string,
  ) {
    this.keys = new ProjectKeys(bucket.location, project);
    this.multipart = new S3MultipartUploads(bucket, this.keys, (p) => this.checkWritable(p));
  }

  async checkWritable(p: ArtifactPath): Promise<void> {
    const key = this.keys.file(p);
    const segments = p.split('/');
    // Every folder on the way must not be a file: S3 would store `a/b` below a file `a`, a local
    // folder could not, and a listing would then show `a` twice.
    const ancestors = segments.slice(0, -1).map((_, i) => segments.slice(0, i + 1).join('/'));
    const heads = await Promise.all(
      ancestors.map((a) => this.bucket.head(this.keys.file(a as ArtifactPath))),
    );
    const file = heads.findIndex((h) => h !== undefined);
    if (file >= 0) {
      throw MlflowError.invalidParameter(
        `Invalid path: '${ancestors[file]}' is a file, so '${p}' cannot be created.`,
      );
    }
    if (await this.bucket.hasKeysUnder(`${key}/`)) {
      throw MlflowError.invalidParameter(
        `Invalid path: '${p}' is a folder; a file cannot replace it.`,
      );
    }
  }

  async put(p: ArtifactPath, body: Readable, options?: PutOptions): Promise<{ size: number }> {
    // Checked before the body is read, so a bad target fails fast instead of after gigabytes.
    await this.checkWritable(p);
    const { size } = await this.bucket.upload(this.keys.file(p), body, options);
    return { size };
  }

  async stage(body: Readable, options?: PutOptions): Promise<StagedArtifact> {
    const staged = this.keys.stagedUpload();
    const { bucket, keys } = this;
    bucket.liveKeys.add(staged);
    let size: number;
    try {
      ({ size } = await bucket.upload(staged, body, options));
    } catch (err) {
      bucket.liveKeys.delete(staged);
      throw err;
    }
    let settled = false;
    const release = async () => {
      try {
        await bucket.deleteKeys([staged]);
      } finally {
        bucket.liveKeys.delete(staged);
      }
    };
    return {
      size,
      commit: async (target: ArtifactPath) => {
        if (settled) throw new Error('staged artifact already committed or discarded');
        await this.checkWritable(target);
        await bucket.copy(staged, keys.file(target), size);
        settled = true;
        // A staged copy left by a failed delete is swept later; the artifact is published.
        await release().catch(() => undefined);
      },
      discard: async () => {
        if (settled) return;
        settled = true;
        await release();
      },
    };
  }

  async open(p: ArtifactPath): Promise<ArtifactReader> {
    if (p === '') throw isFolder(p);
    const key = this.keys.file(p);
    const head = await this.bucket.head(key);
    if (head === undefined) {
      if (await this.bucket.hasKeysUnder(`${key}/`)) throw isFolder(p);
      throw MlflowError.notFound(`No such artifact: '${p}'`);
    }
    const bucket = this.bucket;
    return {
      size: head.size,
      modified: head.modified,
      stream(range?: ByteRange): Readable {
        const out = new PassThrough({ highWaterMark: BODY_CHUNK });
        const abort = new AbortController();
        // A download cut by its client stops the S3 request too (not one that has finished).
        out.once('close', () => {
          if (!out.readableEnded) abort.abort();
        });
        // If-Match: a file replaced since it was opened fails the stream instead of mixing
        // versions under the size and validators already sent.
        bucket.get(key, range, head.etag, abort.signal).then(
          (body) => pipeline(body, out).catch(() => undefined),
          (err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))),
        );
        return out;
      },
      async close() {
        // Nothing is held until stream() is called.
      },
    };
  }

  async list(p: ArtifactPath): Promise<ArtifactEntry[]> {
    const folder = this.keys.folder(p);
    const entries: ArtifactEntry[] = [];
    for await (const page of this.bucket.pages(folder, '/')) {
      for (const common of page.CommonPrefixes ?? []) {
        const name = common.Prefix && entryName(folder, common.Prefix);
        if (name) entries.push({ name, isDir: true });
      }
      for (const object of page.Contents ?? []) {
        const name = object.Key && entryName(folder, object.Key);
        if (name) entries.push({ name, isDir: false, size: object.Size ?? 0 });
      }
    }
    return entries.sort(byName);
  }

  async delete(p: ArtifactPath): Promise<void> {
    if (p === '') {
      throw MlflowError.invalidParameter('Invalid path: the artifact root cannot be deleted.');
    }
    const key = this.keys.file(p);
    await this.bucket.deletePrefix(`${key}/`);
    await this.bucket.deleteKeys([key]);
  }

  createMultipartUpload(
    p: ArtifactPath,
    numParts: number,
  ): Promise<{ uploadId: string; parts: MultipartPartTarget[] }> {
    return this.multipart.create(p, numParts);
  }

  uploadPart(
    uploadId: string,
    partNumber: number,
    body: Readable,
    options?: PutOptions,
  ): Promise<{ etag: string }> {
    return this.multipart.uploadPart(uploadId, partNumber, body, options);
  }

  completeMultipartUpload(
    p: ArtifactPath,
    uploadId: string,
    parts: CompletedPart[],
  ): Promise<void> {
    return this.multipart.complete(p, uploadId, parts);
  }

  abortMultipartUpload(p: ArtifactPath, uploadId: string): Promise<void> {
    return this.multipart.abort(p, uploadId);
  }
}
