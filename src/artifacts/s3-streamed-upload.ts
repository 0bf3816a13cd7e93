// A body of known length streamed into S3 as it arrives, never a part of it held whole: one
// PutObject for a small body, else a multipart upload whose parts are consecutive slices of the
// body, each sent with its exact ContentLength while the bytes come in. (lib-storage's Upload
// buffers every part before sending it: 4 parts of 8 MiB in flight plus the garbage they leave,
// which put a 5 GiB upload at 250+ MiB of RSS.)
import {
  AbortMultipartUploadCommand,
  type ChecksumAlgorithm,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';
import { PassThrough, Readable } from 'node:stream';
import { BODY_CHUNK, shortBody } from './request-body.js';

/** Where a streamed upload goes, and the checksum its multipart parts carry (if any). */
export interface StreamTarget {
  client: S3Client;
  bucket: string;
  key: string;
  checksumAlgorithm?: ChecksumAlgorithm;
}

/**
 * `source`'s bytes through a stream that never fails. The SDK pipes a streamed body into its
 * request without listening for the body's errors (its aws-chunked wrapper is destroyed with the
 * error, and nobody listens there: an uncaught exception that ends the process), so a body that
 * breaks off must not fail what the SDK holds; whoever sends watches `source` and aborts instead.
 */
function shielded(source: Readable): Readable {
  const out = new PassThrough({ highWaterMark: BODY_CHUNK });
  source.on('error', () => undefined);
  source.pipe(out);
  return out;
}

/**
 * Hands out the bytes of `body` as consecutive streams of given lengths. A slice reads from the
 * body only while it is being read itself, so the body's backpressure reaches the client.
 */
class BodySlicer {
  private readonly chunks: AsyncIterator<Buffer>;
  private rest: Buffer | undefined;
  private taken = 0;

  constructor(
    body: Readable,
    private readonly total: number,
  ) {
    this.chunks = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  private async next(): Promise<Buffer> {
    if (this.rest) {
      const rest = this.rest;
      this.rest = undefined;
      return rest;
    }
    const read = await this.chunks.next();
    if (read.done) throw shortBody(this.taken, this.total);
    return read.value;
  }

  /** The next `length` bytes as a stream; `read` settles once all of them were handed on. */
  slice(length: number): { stream: Readable; read: Promise<void> } {
    let settle!: { resolve: () => void; reject: (err: unknown) => void };
    const read = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    const take = async function* (this: BodySlicer) {
      try {
        for (let left = length; left > 0;) {
          let chunk = await this.next();
          if (chunk.length > left) {
            this.rest = chunk.subarray(left);
            chunk = chunk.subarray(0, left);
          }
          left -= chunk.length;
          this.taken += chunk.length;
          yield chunk;
        }
        settle.resolve();
      } catch (err) {
        settle.reject(err);
        throw err;
      }
    }.call(this);
    // A failure reaches the upload through `read`, which aborts the part's request.
    return { stream: shielded(Readable.from(take, { objectMode: false })), read };
  }
}

/** How many parts a body of `size` bytes takes at `partSize` bytes each. */
function partCount(size: number, partSize: number): number {
  return Math.max(1, Math.ceil(size / partSize));
}

/**
 * The first failure of an upload: it aborts every S3 request still running (a request whose body
 * broke off would otherwise wait for bytes that never come) and is what the upload throws.
 */
class Failure {
  readonly controller = new AbortController();
  error: unknown;
  /** Rejects with the first failure; raced against the parts' progress. */
  readonly happened: Promise<never>;
  private reject!: (err: unknown) => void;

  constructor() {
    this.happened = new Promise<never>((_, reject) => (this.reject = reject));
    this.happened.catch(() => undefined);
  }

  readonly fail = (err: unknown): void => {
    if (this.error !== undefined) return;
    this.error = err ?? new Error('upload failed');
    this.controller.abort();
    this.reject(this.error);
  };
}

/**
 * Sends one request whose streamed body is `body`: aborted when the body fails, and then failing
 * with the body's error (its length or an early end), not with the abort.
 */
export async function sendStreamed<T>(
  body: Readable,
  send: (body: Readable, options: { abortSignal: AbortSignal }) => Promise<T>,
): Promise<T> {
  const failure = new Failure();
  body.once('error', failure.fail);
  try {
    const sent = send(shielded(body), { abortSignal: failure.controller.signal });
    sent.catch(failure.fail);
    return await Promise.race([sent, failure.happened]);
  } catch (err) {
    throw failure.error ?? err;
  } finally {
    body.off('error', failure.fail);
  }
}

/**
 * Streams exactly `size` bytes of `body` to the target; the object appears only once every byte
 * arrived (a multipart upload is aborted on any failure). Answers the object's ETag.
 */
export async function uploadStreamed(
  target: StreamTarget,
  body: Readable,
  size: number,
  partSize: number,
): Promise<string> {
  const { client, bucket: Bucket, key: Key } = target;
  if (size <= partSize) {
    const out = await sendStreamed(body, (Body, options) =>
      client.send(new PutObjectCommand({ Bucket, Key, Body, ContentLength: size }), options),
    );
    return out.ETag ?? '';
  }
  const failure = new Failure();
  body.once('error', failure.fail);
  try {
    return await uploadParts(target, new BodySlicer(body, size), size, partSize, failure);
  } catch (err) {
    throw failure.error ?? err;
  } finally {
    body.off('error', failure.fail);
  }
}

async function uploadParts(
  target: StreamTarget,
  slicer: BodySlicer,
  size: number,
  partSize: number,
  failure: Failure,
): Promise<string> {
  const { client, bucket: Bucket, key: Key } = target;
  const signal = { abortSignal: failure.controller.signal };
  // Not aborted with the rest: S3 may have made the upload when the answer is cut off, and then
  // nobody would know its id to abort it.
  const created = await client.send(
    new CreateMultipartUploadCommand({
      Bucket,
      Key,
      ChecksumAlgorithm: target.checksumAlgorithm,
    }),
  );
  const UploadId = created.UploadId as string;
  const sent: Promise<CompletedPart>[] = [];
  try {
    if (failure.error !== undefined) throw failure.error;
    const count = partCount(size, partSize);
    for (let index = 0; index < count; index++) {
      const length = Math.min(partSize, size - index * partSize);
      const { stream, read } = slicer.slice(length);
      read.catch(failure.fail);
      const PartNumber = index + 1;
      const send = client
        .send(
          new UploadPartCommand({
            Bucket,
            Key,
            UploadId,
            PartNumber,
            Body: stream,
            ContentLength: length,
          }),
          signal,
        )
        .then((out) => ({ PartNumber, ETag: out.ETag, ChecksumCRC32: out.ChecksumCRC32 }));
      send.catch(failure.fail);
      sent.push(send);
      // The next part starts as soon as this one's bytes are handed on, while S3 still answers.
      await Promise.race([read, failure.happened]);
    }
    const parts = await Promise.race([Promise.all(sent), failure.happened]);
    const out = await client.send(
      new CompleteMultipartUploadCommand({
        Bucket,
        Key,
        UploadId,
        MultipartUpload: { Parts: parts },
      }),
      signal,
    );
    return out.ETag ?? '';
  } catch (err) {
    failure.fail(err);
    await Promise.allSettled(sent);
    await client
      .send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId }))
      .catch(() => undefined);
    throw err;
  }
}
