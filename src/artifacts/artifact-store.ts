// What the HTTP side may ask of an artifact backend: streams in, streams out, listings, deletes and
// multipart uploads, all addressed by validated relative paths: a local folder or an S3 prefix.
import type { Readable } from 'node:stream';
import type { ArtifactPath } from './safe-path.js';

export interface ArtifactEntry {
  /** The entry's name inside the listed folder. */
  name: ArtifactPath;
  isDir: boolean;
  /** Size in bytes; absent for folders. */
  size?: number;
}

/** An inclusive byte range, already checked against the artifact's size. */
export interface ByteRange {
  start: number;
  end: number;
}

/** An open artifact: its size and age are fixed for as long as it stays open. */
export interface ArtifactReader {
  size: number;
  modified: Date;
  /** Streams the artifact (or one range of it) and closes the reader when the stream ends. */
  stream(range?: ByteRange): Readable;
  /** Closes the reader without streaming. */
  close(): Promise<void>;
}

/** A fully received body that is not visible yet. */
export interface StagedArtifact {
  size: number;
  /** Publishes the body at `path` in one step, replacing a file already there. */
  commit(path: ArtifactPath): Promise<void>;
  /** Throws the body away; safe to call after commit or more than once. */
  discard(): Promise<void>;
}

export interface PutOptions {
  /** The body's announced length; a body that ends short of it is rejected, not stored. */
  expectedSize?: number;
}

export interface MultipartPartTarget {
  partNumber: number;
  /** Where the part goes when the backend takes it directly (e.g. a presigned URL); absent when
   * the part is to be sent through this server's own part-upload endpoint. */
  url?: string;
  headers?: Record<string, string>;
}

export interface CompletedPart {
  partNumber: number;
  /** The ETag the part upload answered with; empty to skip the check. */
  etag?: string;
}

export interface ArtifactStore {
  /** Receives `body` completely, then publishes it at `path`; nothing is visible before that. */
  put(path: ArtifactPath, body: Readable, options?: PutOptions): Promise<{ size: number }>;
  /** Receives `body` completely without publishing it (e.g. several files published together). */
  stage(body: Readable, options?: PutOptions): Promise<StagedArtifact>;
  /** Throws unless a file could be published at `path` (checked again on commit). */
  checkWritable(path: ArtifactPath): Promise<void>;
  /** Opens a file; RESOURCE_DOES_NOT_EXIST when missing, INVALID_PARAMETER_VALUE for a folder. */
  open(path: ArtifactPath): Promise<ArtifactReader>;
  /** The folder's direct entries sorted by name; empty when `path` is missing or a file. */
  list(path: ArtifactPath): Promise<ArtifactEntry[]>;
  /** Removes a file or a folder tree; a missing path is not an error. */
  delete(path: ArtifactPath): Promise<void>;

  createMultipartUpload(
    path: ArtifactPath,
    numParts: number,
  ): Promise<{ uploadId: string; parts: MultipartPartTarget[] }>;
  /**
   * Receives one part of an upload this store manages itself; answers the part's ETag. A part that
   * ends short of `expectedSize` is refused (S3 also needs the length to stream a part through).
   */
  uploadPart(
    uploadId: string,
    partNumber: number,
    body: Readable,
    options?: PutOptions,
  ): Promise<{ etag: string }>;
  completeMultipartUpload(
    path: ArtifactPath,
    uploadId: string,
    parts: CompletedPart[],
  ): Promise<void>;
  abortMultipartUpload(path: ArtifactPath, uploadId: string): Promise<void>;
}
