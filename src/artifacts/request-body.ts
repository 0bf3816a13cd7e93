// How a backend reads an upload's body: through a stream of its own (so a failed write ends only
// that stream, not the request), counted against the length the client announced.
import { PassThrough, Transform, type Readable } from 'node:stream';
import { MlflowError } from '../errors.js';

// Larger than the 64 KiB default: fewer calls per gigabyte, still a bounded amount in flight.
export const BODY_CHUNK = 1024 * 1024;

/**
 * `body` seen through a stream of its own, so that a failed write (a full disk, a refused S3
 * request) ends only that stream: the request itself stays open for the answer, and what is left
 * of it can be drained. A body that breaks off still fails the copy.
 */
export function detachable(body: Readable): Readable {
  const own = new PassThrough({ highWaterMark: BODY_CHUNK });
  const broken = (err?: Error) => own.destroy(err ?? new Error('request body ended early'));
  // A request can be gone before its handler gets here (a client that hung up while the request
  // waited for its project): its 'close' has already been emitted and would never come again.
  if ((body.destroyed || body.closed) && !body.readableEnded) {
    broken();
    return own;
  }
  body.once('error', broken);
  body.once('close', () => {
    if (!body.readableEnded) broken();
  });
  body.pipe(own);
  return own;
}

export function shortBody(received: number, expected: number): MlflowError {
  return MlflowError.invalidParameter(
    `The request body ended after ${received} of ${expected} bytes.`,
  );
}

/**
 * Passes bytes through and counts them. The stream fails (and so does whatever it feeds) when the
 * body goes past `expectedSize` or `maxSize`, or ends short of `expectedSize`: a consumer that
 * publishes only after a clean end (an S3 upload) then never publishes a wrong length.
 */
export class ByteCounter extends Transform {
  bytes = 0;

  constructor(
    private readonly expectedSize?: number,
    private readonly maxSize?: number,
    private readonly tooLarge: (size: number) => Error = (size) =>
      MlflowError.invalidParameter(`The request body is larger than ${size} bytes.`),
  ) {
    super({ highWaterMark: BODY_CHUNK });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error) => void) {
    this.bytes += chunk.length;
    if (this.expectedSize !== undefined && this.bytes > this.expectedSize) {
      done(
        MlflowError.invalidParameter(
          `The request body is longer than the ${this.expectedSize} bytes it announced.`,
        ),
      );
      return;
    }
    if (this.maxSize !== undefined && this.bytes > this.maxSize) {
      done(this.tooLarge(this.maxSize));
      return;
    }
    this.push(chunk);
    done();
  }

  override _flush(done: (err?: Error) => void) {
    if (this.expectedSize !== undefined && this.bytes !== this.expectedSize) {
      done(shortBody(this.bytes, this.expectedSize));
      return;
    }
    done();
  }
}
