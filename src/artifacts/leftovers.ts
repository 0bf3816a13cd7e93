// Temporary upload files: the ones this process is writing right now, and the sweep of every other
// one. A body is received into `<project>/uploads/` before it is published by rename; a process
// killed mid-upload (kill -9, a power cut, a shutdown deadline) leaves its file there, and a
// multipart upload that is never completed leaves its parts. Nothing else would ever remove them.
import fs from 'node:fs';
import path from 'node:path';

/** A project's folder of upload files, beside its `artifacts/` (same filesystem, never listed). */
export const STAGING_FOLDER = 'uploads';

/** Files being written or held (staged, not yet published) by this process. */
export const liveUploadFiles = new Set<string>();

/** Removes whatever live files are left; for the last moment of a shutdown. */
export function removeLiveUploadFilesSync(): number {
  let removed = 0;
  for (const file of liveUploadFiles) {
    try {
      fs.rmSync(file, { force: true });
      removed++;
    } catch {
      // Best effort: the next start sweeps it.
    }
  }
  liveUploadFiles.clear();
  return removed;
}

export interface SweepOptions {
  /** Multipart uploads whose last part arrived longer ago than this are removed. */
  multipartMaxAgeMs: number;
  /** Files of finished or cut transfers younger than this are left (0 at start: none is live). */
  minAgeMs: number;
  /** Also remove the folders of deletions a crash interrupted (at start only). */
  deletedFolders?: { prefix: string };
}

export interface SweepResult {
  files: number;
  bytes: number;
}

async function ageOf(
  file: string,
  now: number,
): Promise<{ age: number; size: number } | undefined> {
  try {
    const stat = await fs.promises.stat(file);
    return { age: now - stat.mtimeMs, size: stat.isFile() ? stat.size : 0 };
  } catch {
    return undefined; // gone meanwhile
  }
}

async function totalSize(dir: string): Promise<number> {
  let bytes = 0;
  try {
    for (const entry of await fs.promises.readdir(dir, { withFileTypes: true, recursive: true })) {
      if (entry.isFile())
        bytes += (await ageOf(path.join(entry.parentPath, entry.name), 0))?.size ?? 0;
    }
  } catch {
    // gone meanwhile
  }
  return bytes;
}

/** Sweeps one project's upload folder. */
async function sweepUploads(
  dir: string,
  options: SweepOptions,
  result: SweepResult,
): Promise<void> {
  let entries: fs.Dirent[];
  try {
    entries = await fs.promises.readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  const now = Date.now();
  const remove = async (target: string, bytes: number) => {
    await fs.promises.rm(target, { recursive: true, force: true });
    result.files++;
    result.bytes += bytes;
  };
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && entry.name.startsWith('mpu-')) {
      // The folder's time moves with each part that arrives.
      const seen = await ageOf(full, now);
      if (seen && seen.age > options.multipartMaxAgeMs) {
        await remove(full, await totalSize(full));
        continue;
      }
      for (const part of await fs.promises.readdir(full).catch(() => [] as string[])) {
        if (part.startsWith('incoming-')) await sweepFile(path.join(full, part));
      }
    } else if (entry.isFile() && entry.name.startsWith('upload-')) {
      await sweepFile(full);
    }
  }

  async function sweepFile(file: string): Promise<void> {
    if (liveUploadFiles.has(file)) return;
    const seen = await ageOf(file, now);
    if (seen && seen.age >= options.minAgeMs) await remove(file, seen.size);
  }
}

/** Sweeps every project under the data root. */
export async function sweepLeftovers(dataDir: string, options: SweepOptions): Promise<SweepResult> {
  const result: SweepResult = { files: 0, bytes: 0 };
  let entries: fs.Dirent[];
  try {
    entries = await fs.promises.readdir(dataDir, { withFileTypes: true });
  } catch {
    return result;
  }
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const full = path.join(dataDir, entry.name);
    if (options.deletedFolders && entry.name.startsWith(options.deletedFolders.prefix)) {
      const bytes = await totalSize(full);
      await fs.promises.rm(full, { recursive: true, force: true });
      result.files++;
      result.bytes += bytes;
      continue;
    }
    await sweepUploads(path.join(full, STAGING_FOLDER), options, result);
  }
  return result;
}
