// What a project's staging folder (`<dataDir>/<project>/uploads/`) holds: the temporary files of
// uploads (`upload-*`) and multipart uploads (`mpu-<id>/` with `part-*` and `incoming-*` files).
import fs from 'node:fs';
import path from 'node:path';

export interface UploadFile {
  /** Relative to the uploads folder, e.g. `upload-<uuid>` or `mpu-<id>/incoming-<uuid>`. */
  name: string;
  bytes: number;
}

export interface UploadFolder {
  files: UploadFile[];
  /** `mpu-*` folders, empty or not. */
  multipartFolders: string[];
  bytes: number;
}

export function uploadsDir(dataDir: string, project = 'default'): string {
  return path.join(dataDir, project, 'uploads');
}

/** A file that vanished between listing and stat counts as absent. */
function sizeOf(file: string): number | undefined {
  try {
    return fs.statSync(file).size;
  } catch {
    return undefined;
  }
}

export function readUploadFolder(dataDir: string, project = 'default'): UploadFolder {
  const dir = uploadsDir(dataDir, project);
  const files: UploadFile[] = [];
  const multipartFolders: string[] = [];
  let entries: fs.Dirent[] = [];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    // No folder: nothing was ever staged.
  }
  for (const entry of entries) {
    if (entry.isDirectory()) {
      if (entry.name.startsWith('mpu-')) multipartFolders.push(entry.name);
      let inner: string[] = [];
      try {
        inner = fs.readdirSync(path.join(dir, entry.name));
      } catch {
        // Removed meanwhile.
      }
      for (const name of inner) {
        const bytes = sizeOf(path.join(dir, entry.name, name));
        if (bytes !== undefined) files.push({ name: `${entry.name}/${name}`, bytes });
      }
    } else {
      const bytes = sizeOf(path.join(dir, entry.name));
      if (bytes !== undefined) files.push({ name: entry.name, bytes });
    }
  }
  return { files, multipartFolders, bytes: files.reduce((sum, f) => sum + f.bytes, 0) };
}

/** Every file named `name` anywhere under `root` (to prove an artifact was never published). */
export function findFilesNamed(root: string, name: string): string[] {
  return fs
    .readdirSync(root, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name === name)
    .map((e) => path.join(e.parentPath, e.name));
}
