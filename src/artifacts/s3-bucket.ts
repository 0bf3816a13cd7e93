// The S3 operations the artifact backend is built from, over one bucket: streamed uploads (never
// more than a few parts in memory), heads, listings, batched deletes and server-side copies (multipart
// copies beyond S3's 5 GiB CopyObject limit). Credentials and region come from the AWS SDK's
// default chains (environment, shared config, instance roles).
import {
  AbortMultipartUploadCommand,
  ChecksumAlgorithm,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  UploadPartCopyCommand,
  type CompletedPart as S3CompletedPart,
  type ListObjectsV2CommandOutput,
  type _Object,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Readable, Transform } from 'node:stream';
import { MlflowError } from '../errors.js';
import type { ByteRange, PutOptions } from './artifact-store.js';
import { ByteCounter, detachable } from './request-body.js';
import { copySource, type S3Location } from './s3-keys.js';
import { uploadStreamed } from './s3-streamed-upload.js';

export const MIB = 1024 * 1024;
export const GIB = 1024 * MIB;
/** S3's smallest part (all but the last), largest part, largest object and most parts. */
export const MIN_PART_SIZE = 5 * MIB;
export const MAX_PART_SIZE = 5 * GIB;
export const MAX_OBJECT_SIZE = 5 * 1024 * GIB;
export const MAX_PARTS = 10_000;
// A body of known length is streamed part by part, nothing buffered (s3-streamed-upload.ts): one
// PutObject up to STREAM_PART_SIZE, else parts of that size (larger when 10,000 would not hold it).
const STREAM_PART_SIZE = 16 * MIB;
// A body of unknown length goes through lib-storage, at most UPLOAD_QUEUE parts held in memory per
// upload; 8 MiB parts allow 78 GiB.
const UPLOAD_PART_SIZE = 8 * MIB;
const UPLOAD_QUEUE = 4;
const COPY_PART_SIZE = 512 * MIB;
const COPY_CONCURRENCY = 4;
const DELETE_BATCH = 1000;

export interface S3Settings {
  /** An S3-compatible server (MinIO…); unset: AWS's own endpoint for the region. */
  endpointUrl?: string;
  forcePathStyle?: boolean;
  /** Unset: the SDK's region chain (AWS_REGION, shared config), else us-east-1 as boto3 does. */
  region?: string;
}

/** Limits that tests lower to reach the multipart-copy path without 5 GiB of data. */
export interface CopyLimits {
  maxSingleCopy: number;
  copyPartSize: number;
}

export function createS3Client(settings: S3Settings): S3Client {
  const chain = new S3Client({});
  const region =
    settings.region ??
    (async () => {
      try {
        return await chain.config.region();
      } catch {
        return 'us-east-1';
      }
    });
  // Downloads to slow clients hold a connection each for as long as they run; the SDK's default
  // of 50 would make every other artifact request wait behind them.
  const agent = { keepAlive: true, maxSockets: 512 };
  return new S3Client({
    region,
    endpoint: settings.endpointUrl,
    forcePathStyle: settings.forcePathStyle,
    requestHandler: { httpAgent: agent, httpsAgent: agent, connectionTimeout: 10_000 },
  });
}

/** The S3 error code (`NoSuchKey`, `NoSuchUpload`…) or HTTP status behind an SDK error. */
export function s3ErrorCode(err: unknown): string | undefined {
  const e = err as { Code?: string; name?: string } | undefined;
  return e?.Code ?? e?.name;
}

export function s3Status(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata
    ?.httpStatusCode;
}

export function isNotFound(err: unknown): boolean {
  const code = s3ErrorCode(err);
  return code === 'NotFound' || code === 'NoSuchKey' || s3Status(err) === 404;
}

export interface ObjectHead {
  size: number;
  modified: Date;
  etag: string;
}

export interface UploadOptions extends PutOptions {
  /** Bodies longer than this fail (S3's part limit for multipart parts). */
  maxSize?: number;
  tap?: Transform;
}

export class S3Bucket {
  readonly bucket: string;
  /** Staged keys this process holds; the sweeper leaves them alone. */
  readonly liveKeys = new Set<string>();

  constructor(
    readonly client: S3Client,
    readonly location: S3Location,
    readonly copyLimits: CopyLimits = {
      maxSingleCopy: MAX_PART_SIZE,
      copyPartSize: COPY_PART_SIZE,
    },
  ) {
    this.bucket = location.bucket;
  }

  /** Whether new multipart uploads must name a checksum algorithm (the SDK then adds one per part). */
  async checksumAlgorithm(): Promise<ChecksumAlgorithm | undefined> {
    const mode = await this.client.config.requestChecksumCalculation();
    return mode === 'WHEN_SUPPORTED' ? ChecksumAlgorithm.CRC32 : undefined;
  }

  async head(key: string): Promise<ObjectHead | undefined> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        size: out.ContentLength ?? 0,
        modified: out.LastModified ?? new Date(0),
        etag: out.ETag ?? '',
      };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** True when at least one key starts with `prefix`. */
  async hasKeysUnder(prefix: string): Promise<boolean> {
    const out = await this.client.send(
      new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, MaxKeys: 1 }),
    );
    return (out.KeyCount ?? out.Contents?.length ?? 0) > 0;
  }

  /** Every page of a listing (with `delimiter`, common prefixes stand for folders). */
  async *pages(prefix: string, delimiter?: string): AsyncGenerator<ListObjectsV2CommandOutput> {
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix,
          Delimiter: delimiter,
          ContinuationToken: token,
        }),
      );
      yield page;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  /** Every object below `prefix`. */
  async *objects(prefix: string): AsyncGenerator<_Object> {
    for await (const page of this.pages(prefix)) yield* page.Contents ?? [];
  }

  /** Streams an object or one range of it; `etag` pins the version that was opened. */
  async get(
    key: string,
    range?: ByteRange,
    etag?: string,
    signal?: AbortSignal,
  ): Promise<Readable> {
    const out = await this.client.send(
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Range: range ? `bytes=${range.start}-${range.end}` : undefined,
        IfMatch: etag || undefined,
      }),
      { abortSignal: signal },
    );
    return out.Body as Readable;
  }

  /** Deletes keys in batches of 1000; a missing key is not an error. */
  async deleteKeys(keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      const batch = keys.slice(i, i + DELETE_BATCH);
      const out = await this.client.send(
        new DeleteObjectsCommand({
          Bucket: this.bucket,
          Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
        }),
      );
      const failed = out.Errors?.[0];
      if (failed) {
        throw new Error(`S3 could not delete '${failed.Key}': ${failed.Code} ${failed.Message}`);
      }
    }
  }

  /** Deletes every key below `prefix`, page by page; answers how many there were. */
  async deletePrefix(prefix: string): Promise<{ keys: number; bytes: number }> {
    let keys = 0;
    let bytes = 0;
    // Listed again from the start after each batch: the deleted keys are gone from the listing,
    // and no continuation token has to outlive the keys it points past.
    for (;;) {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, MaxKeys: DELETE_BATCH }),
      );
      const contents = (page.Contents ?? []).filter((o) => o.Key !== undefined);
      if (contents.length === 0) return { keys, bytes };
      await this.deleteKeys(contents.map((o) => o.Key as string));
      keys += contents.length;
      bytes += contents.reduce((sum, o) => sum + (o.Size ?? 0), 0);
      if (!page.IsTruncated) return { keys, bytes };
    }
  }

  /**
   * Streams `body` to `key`: part by part as it arrives when its length is known, else through
   * lib-storage's Upload (a few parts in memory). The object appears only when the body ended
   * cleanly at its announced length; anything else aborts the upload and nothing is published.
   */
  async upload(
    key: string,
    body: Readable,
    options: UploadOptions = {},
  ): Promise<{ size: number; etag: string }> {
    const { expectedSize } = options;
    if (expectedSize !== undefined && expectedSize > MAX_OBJECT_SIZE) {
      throw MlflowError.invalidParameter(
        `The body of ${expectedSize} bytes is larger than the artifact store's limit of 5 TiB.`,
      );
    }
    const partSize = Math.max(UPLOAD_PART_SIZE, Math.ceil((expectedSize ?? 0) / MAX_PARTS));
    const counter = new ByteCounter(
      expectedSize,
      Math.min(options.maxSize ?? Infinity, partSize * MAX_PARTS),
      (size) =>
        MlflowError.invalidParameter(
          `The body is larger than the artifact store accepts here (${size} bytes` +
            (expectedSize === undefined ? ' without a Content-Length' : '') +
            ').',
        ),
    );
    // Asked before the body flows: a short body could otherwise fail before anyone listens.
    const checksumAlgorithm =
      expectedSize === undefined ? undefined : await this.checksumAlgorithm();
    const source = detachable(body);
    const forward = (err: Error) => counter.destroy(err);
    source.once('error', forward);
    if (options.tap) {
      const tap = options.tap;
      tap.once('error', forward);
      source.pipe(tap).pipe(counter);
    } else {
      source.pipe(counter);
    }
    try {
      if (expectedSize !== undefined) {
        const target = {
          client: this.client,
          bucket: this.bucket,
          key,
          checksumAlgorithm,
        };
        const streamPart = Math.max(STREAM_PART_SIZE, Math.ceil(expectedSize / MAX_PARTS));
        const etag = await uploadStreamed(target, counter, expectedSize, streamPart);
        return { size: counter.bytes, etag };
      }
      return await this.uploadBuffered(key, counter, partSize);
    } catch (err) {
      body.unpipe();
      source.destroy();
      counter.destroy();
      throw err;
    }
  }

  /** A body of unknown length: lib-storage's Upload, a few parts buffered (S3 needs lengths). */
  private async uploadBuffered(
    key: string,
    counter: ByteCounter,
    partSize: number,
  ): Promise<{ size: number; etag: string }> {
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: counter },
      partSize,
      queueSize: UPLOAD_QUEUE,
      leavePartsOnError: false,
    });
    const out = await upload.done();
    return { size: counter.bytes, etag: out.ETag ?? '' };
  }

  /** Copies `source` (of `size` bytes) to `target` inside the bucket, replacing it. */
  async copy(source: string, target: string, size: number): Promise<void> {
    if (size <= this.copyLimits.maxSingleCopy) {
      await this.client.send(
        new CopyObjectCommand({
          Bucket: this.bucket,
          Key: target,
          CopySource: copySource(this.bucket, source),
        }),
      );
      return;
    }
    // CopyObject stops at 5 GiB: larger objects are copied range by range into a multipart upload.
    const partSize = Math.max(this.copyLimits.copyPartSize, Math.ceil(size / MAX_PARTS));
    const created = await this.client.send(
      // No checksum algorithm: copied parts carry none (the SDK adds none to a bodiless request).
      new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: target }),
    );
    const uploadId = created.UploadId as string;
    try {
      const count = Math.ceil(size / partSize);
      const parts: S3CompletedPart[] = new Array<S3CompletedPart>(count);
      let next = 0;
      const worker = async () => {
        while (next < count) {
          const index = next++;
          const start = index * partSize;
          const end = Math.min(size, start + partSize) - 1;
          const out = await this.client.send(
            new UploadPartCopyCommand({
              Bucket: this.bucket,
              Key: target,
              UploadId: uploadId,
              PartNumber: index + 1,
              CopySource: copySource(this.bucket, source),
              CopySourceRange: `bytes=${start}-${end}`,
            }),
          );
          parts[index] = { PartNumber: index + 1, ETag: out.CopyPartResult?.ETag };
        }
      };
      await Promise.all(Array.from({ length: Math.min(COPY_CONCURRENCY, count) }, worker));
      await this.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.bucket,
          Key: target,
          UploadId: uploadId,
          MultipartUpload: { Parts: parts },
        }),
      );
    } catch (err) {
      await this.client
        .send(
          new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: target, UploadId: uploadId }),
        )
        .catch(() => undefined);
      throw err;
    }
  }
}
