// The server's version, read once from package.json (found from both src/ and dist/src/).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

function findPackageJson(): string {
  for (const rel of ['../package.json', '../../package.json']) {
    const candidate = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(candidate)) return candidate;
  }
  throw new Error('package.json not found');
}

export const VERSION = (JSON.parse(readFileSync(findPackageJson(), 'utf8')) as { version: string })
  .version;
