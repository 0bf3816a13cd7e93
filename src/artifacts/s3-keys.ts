// Where things live in the artifact bucket: `s3://bucket/prefix` holds one folder per project,
// `<prefix>/<project>/<artifact path>`, and a reserved `<prefix>/.trackd-staging/<project>/` for
// bodies not published yet. Keys are only ever built from validated ArtifactPaths, so no request
// can name a key outside its project's folder (project names never start with a dot).
import { randomUUID } from 'node:crypto';
import { MlflowError } from '../errors.js';
import { parseArtifactPath, type ArtifactPath } from './safe-path.js';

/** Not a project name (those match /^[a-z0-9]/): uploads in progress, never listed. */
export const S3_STAGING_FOLDER = '.trackd-staging';
// S3's limit on a key's length in UTF-8 bytes.
const MAX_KEY_BYTES = 1024;

export interface S3Location {
  bucket: string;
  /** `''` or `a/b/`: always ends with a slash when set, so a project folder is prefix + name. */
  prefix: string;
}

/** Parses `s3://bucket[/prefix]`; the prefix follows the artifact path rules (no `..`). */
export function parseS3Uri(uri: string): S3Location {
  const match = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(uri);
  if (!match) throw new Error(`'${uri}' is not an s3://bucket[/prefix] URI`);
  const [, bucket, rawPrefix = ''] = match;
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new Error(`'${bucket}' is not a valid S3 bucket name`);
  }
  let prefix: string;
  try {
    prefix = parseArtifactPath(rawPrefix);
  } catch {
    throw new Error(`the prefix of '${uri}' is not a safe path`);
  }
  return { bucket, prefix: prefix === '' ? '' : `${prefix}/` };
}

export function describeLocation(location: S3Location): string {
  return `s3://${location.bucket}/${location.prefix}`;
}

/** A key as S3's CopySource wants it: bucket and key, each segment percent-encoded. */
export function copySource(bucket: string, key: string): string {
  return `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
}

/** The keys of one project. */
export class ProjectKeys {
  /** The project's folder, ending with `/`. */
  readonly root: string;
  /** The project's staging folder, ending with `/`. */
  readonly staging: string;

  constructor(location: S3Location, project: string) {
    // Project names are validated at the edge; checked again because a key depends on it.
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(project)) {
      throw new Error(`'${project}' is not a project name`);
    }
    this.root = `${location.prefix}${project}/`;
    this.staging = `${location.prefix}${S3_STAGING_FOLDER}/${project}/`;
  }

  private checked(key: string, p: ArtifactPath): string {
    if (Buffer.byteLength(key) > MAX_KEY_BYTES) {
      throw MlflowError.invalidParameter(
        `Invalid path: '${p}' is too long for the artifact store (S3 keys are at most ` +
          `${MAX_KEY_BYTES} bytes).`,
      );
    }
    return key;
  }

  /** The key of the file at `p` (`p` must not be the root). */
  file(p: ArtifactPath): string {
    if (p === '') throw MlflowError.invalidParameter('Invalid path: a file name is required.');
    return this.checked(this.root + p, p);
  }

  /** The prefix every key below the folder `p` starts with (the project's root for `''`). */
  folder(p: ArtifactPath): string {
    return p === '' ? this.root : this.checked(`${this.root}${p}/`, p);
  }

  /** A fresh key for a body received before it is published. */
  stagedUpload(): string {
    return `${this.staging}upload-${randomUUID()}`;
  }
}

/**
 * The entry name a listed key or common prefix stands for below `folder`, or undefined for what
 * no artifact path could name (a folder marker `x/`, empty or dot segments made by other tools).
 */
export function entryName(folder: string, keyOrPrefix: string): ArtifactPath | undefined {
  if (!keyOrPrefix.startsWith(folder)) return undefined;
  const name = keyOrPrefix.slice(folder.length).replace(/\/$/, '');
  if (name === '' || name === '.' || name === '..' || name.includes('/')) return undefined;
  return name as ArtifactPath;
}
