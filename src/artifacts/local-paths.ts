// Maps artifact paths to files below one root folder, and proves with realpath that whatever exists
// of a path stays inside that folder: a symlink planted in it cannot lead a request out.
import fs from 'node:fs/promises';
import path from 'node:path';
import { MlflowError } from '../errors.js';
import type { ArtifactPath } from './safe-path.js';

export function fsCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

function escapes(p: string): MlflowError {
  return MlflowError.invalidParameter(
    `Invalid path: '${p}' resolves to a location outside the artifact folder.`,
  );
}

export class Confinement {
  constructor(readonly root: string) {}

  private async realRoot(): Promise<string | undefined> {
    try {
      return await fs.realpath(this.root);
    } catch (err) {
      if (fsCode(err) === 'ENOENT') return undefined;
      throw err;
    }
  }

  /** The real location of an existing entry, or undefined when it does not exist. */
  async existing(p: ArtifactPath): Promise<string | undefined> {
    const realRoot = await this.realRoot();
    if (realRoot === undefined) return undefined;
    let real: string;
    try {
      real = await fs.realpath(path.join(realRoot, p));
    } catch (err) {
      const code = fsCode(err);
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      if (code === 'ELOOP') throw escapes(p);
      throw err;
    }
    if (!isInside(realRoot, real)) throw escapes(p);
    return real;
  }

  /**
   * Where a file published at `p` lands: the real folder that will hold it plus its name. With
   * `create`, missing folders are made, below the deepest existing one and never through a link.
   */
  async writeTarget(p: ArtifactPath, create: boolean): Promise<string> {
    if (p === '') throw MlflowError.invalidParameter('Invalid path: a file name is required.');
    if (create) await fs.mkdir(this.root, { recursive: true });
    const realRoot = await this.realRoot();
    if (realRoot === undefined) return path.join(this.root, p);
    const segments = p.split('/');
    const name = segments.pop() as string;
    for (let depth = segments.length; depth >= 0; depth--) {
      const existingPart = segments.slice(0, depth).join('/') as ArtifactPath;
      const real = await this.existing(existingPart);
      if (real === undefined) continue;
      const stat = await fs.stat(real);
      if (!stat.isDirectory()) {
        throw MlflowError.invalidParameter(
          `Invalid path: '${existingPart}' is a file, so '${p}' cannot be created.`,
        );
      }
      const folder = path.join(real, ...segments.slice(depth));
      if (create && depth < segments.length) {
        try {
          await fs.mkdir(folder, { recursive: true });
        } catch (err) {
          // EEXIST/ENOTDIR: a file is in the way; ENOENT: a dangling link (never followed).
          if (['EEXIST', 'ENOTDIR', 'ENOENT'].includes(fsCode(err) ?? '')) {
            throw MlflowError.invalidParameter(
              `Invalid path: '${p}' conflicts with an existing entry.`,
            );
          }
          throw err;
        }
      }
      return path.join(folder, name);
    }
    // Unreachable: the root itself exists, so depth 0 always resolves.
    throw escapes(p);
  }
}
