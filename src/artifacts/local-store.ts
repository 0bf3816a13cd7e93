// The ArtifactStore over one local folder (a project's `artifacts/`), with its staging area in a
// sibling folder on the same filesystem so publishing is a rename.
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
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
import { LocalMultipartUploads } from './local-multipart.js';
import { Confinement } from './local-paths.js';
import { Staging } from './local-staging.js';
import type { ArtifactPath } from './safe-path.js';

const READ_CHUNK = 1024 * 1024;

async function entryOf(folder: string, dirent: fs.Dirent, confinement: Confinement, rel: string) {
  const name = dirent.name as ArtifactPath;
  let stat: fs.Stats;
  try {
    if (dirent.isSymbolicLink()) {
      // Only links that resolve inside the folder are listed; others do not exist for clients.
      const real = await confinement.existing(
        (rel === '' ? dirent.name : `${rel}/${dirent.name}`) as ArtifactPath,
      );
      if (real === undefined) return undefined;
      stat = await fs.promises.stat(real);
    } else {
      stat = await fs.promises.stat(path.join(folder, dirent.name));
    }
  } catch (err) {
    if (err instanceof MlflowError) return undefined;
    throw err;
  }
  if (stat.isDirectory()) return { name, isDir: true };
  if (stat.isFile()) return { name, isDir: false, size: stat.size };
  return undefined;
}

export class LocalArtifactStore implements ArtifactStore {
  private readonly confinement: Confinement;
  private readonly staging: Staging;
  private readonly multipart: LocalMultipartUploads;

  constructor(root: string, stagingDir: string) {
    this.confinement = new Confinement(root);
    this.staging = new Staging(stagingDir, this.confinement);
    this.multipart = new LocalMultipartUploads(this.staging);
  }

  async checkWritable(p: ArtifactPath): Promise<void> {
    await this.confinement.writeTarget(p, false);
  }

  stage(body: Readable, options?: PutOptions): Promise<StagedArtifact> {
    return this.staging.stage(body, options);
  }

  async put(p: ArtifactPath, body: Readable, options?: PutOptions): Promise<{ size: number }> {
    // Checked before the body is read, so a bad target fails fast instead of after gigabytes.
    await this.checkWritable(p);
    const staged = await this.staging.stage(body, options);
    try {
      await staged.commit(p);
    } finally {
      await staged.discard();
    }
    return { size: staged.size };
  }

  async open(p: ArtifactPath): Promise<ArtifactReader> {
    const missing = MlflowError.notFound(`No such artifact: '${p}'`);
    const real = await this.confinement.existing(p);
    if (real === undefined) throw missing;
    const stat = await fs.promises.stat(real);
    if (stat.isDirectory()) {
      throw MlflowError.invalidParameter(`Artifact path refers to a directory, not a file: '${p}'`);
    }
    // Sockets, FIFOs and devices are not artifacts (and opening a FIFO would block).
    if (!stat.isFile()) throw missing;
    const handle = await fs.promises.open(real, 'r');
    const opened = await handle.stat();
    let owned = false;
    return {
      size: opened.size,
      modified: opened.mtime,
      stream(range?: ByteRange): Readable {
        owned = true;
        return handle.createReadStream({
          start: range?.start,
          end: range?.end,
          highWaterMark: READ_CHUNK,
          autoClose: true,
        });
      },
      async close() {
        if (!owned) await handle.close();
      },
    };
  }

  async list(p: ArtifactPath): Promise<ArtifactEntry[]> {
    const real = await this.confinement.existing(p);
    if (real === undefined) return [];
    const stat = await fs.promises.stat(real);
    if (!stat.isDirectory()) return [];
    const dirents = await fs.promises.readdir(real, { withFileTypes: true });
    const entries = await Promise.all(dirents.map((d) => entryOf(real, d, this.confinement, p)));
    return entries
      .filter((e): e is ArtifactEntry => e !== undefined)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async delete(p: ArtifactPath): Promise<void> {
    if (p === '') {
      throw MlflowError.invalidParameter('Invalid path: the artifact root cannot be deleted.');
    }
    const slash = p.lastIndexOf('/');
    const parent = (slash < 0 ? '' : p.slice(0, slash)) as ArtifactPath;
    const folder = await this.confinement.existing(parent);
    if (folder === undefined || !(await fs.promises.stat(folder)).isDirectory()) return;
    // rm never follows links: a link is removed, not what it points to.
    await fs.promises.rm(path.join(folder, p.slice(slash + 1)), { recursive: true, force: true });
  }

  createMultipartUpload(
    p: ArtifactPath,
    numParts: number,
  ): Promise<{ uploadId: string; parts: MultipartPartTarget[] }> {
    return this.checkWritable(p).then(() => this.multipart.create(p, numParts));
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
