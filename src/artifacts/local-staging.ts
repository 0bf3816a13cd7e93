// Receives bodies into a staging folder beside the artifact folder (same filesystem), so that a
// rename publishes them whole. A body that fails or ends early is deleted before the error returns.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MlflowError } from '../errors.js';
import type { PutOptions, StagedArtifact } from './artifact-store.js';
import { liveUploadFiles } from './leftovers.js';
import { BODY_CHUNK, detachable, shortBody } from './request-body.js';
import { fsCode, type Confinement } from './local-paths.js';
import type { ArtifactPath } from './safe-path.js';

/** Streams `body` into a new file at `file` (which must not exist); returns the bytes written. */
export async function receiveInto(
  file: string,
  body: Readable,
  options: PutOptions & { tap?: Transform } = {},
): Promise<number> {
  // `flush` fsyncs before close: an upload we answered 200 for survives a power cut.
  const out = fs.createWriteStream(file, { flags: 'wx', flush: true, highWaterMark: BODY_CHUNK });
  try {
    const source = detachable(body);
    if (options.tap) await pipeline(source, options.tap, out);
    else await pipeline(source, out);
    if (options.expectedSize !== undefined && out.bytesWritten !== options.expectedSize) {
      throw shortBody(out.bytesWritten, options.expectedSize);
    }
    return out.bytesWritten;
  } catch (err) {
    body.unpipe();
    out.destroy();
    await fs.promises.rm(file, { force: true });
    throw err;
  }
}

export class Staging {
  constructor(
    readonly dir: string,
    private readonly confinement: Confinement,
  ) {}

  async stage(body: Readable, options: PutOptions = {}): Promise<StagedArtifact> {
    await fs.promises.mkdir(this.dir, { recursive: true });
    const file = path.join(this.dir, `upload-${randomUUID()}`);
    liveUploadFiles.add(file);
    let size: number;
    try {
      size = await receiveInto(file, body, options);
    } catch (err) {
      liveUploadFiles.delete(file);
      throw err;
    }
    const confinement = this.confinement;
    let settled = false;
    return {
      size,
      async commit(target: ArtifactPath) {
        if (settled) throw new Error('staged artifact already committed or discarded');
        const destination = await confinement.writeTarget(target, true);
        try {
          await fs.promises.rename(file, destination);
        } catch (err) {
          const code = fsCode(err);
          if (
            code === 'EISDIR' ||
            code === 'ENOTEMPTY' ||
            code === 'EEXIST' ||
            code === 'ENOTDIR'
          ) {
            throw MlflowError.invalidParameter(
              `Invalid path: '${target}' is a folder; a file cannot replace it.`,
            );
          }
          throw err;
        }
        settled = true;
        liveUploadFiles.delete(file);
      },
      async discard() {
        if (settled) return;
        settled = true;
        await fs.promises.rm(file, { force: true });
        liveUploadFiles.delete(file);
      },
    };
  }
}
