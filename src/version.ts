// The server's own version, read once from package.json (found from both src/ and dist/src/), and
// the MLflow version whose API it serves: `GET /version` answers that one, because MLflow's client
// switches on it (from 3.4 it sends spans over OTLP, below 3.4 it silently stops sending them).
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

/** The MLflow release whose REST API (and client behaviour) this server matches. */
export const MLFLOW_API_VERSION = '3.17.2';

/** Response header carrying trackd's own version on every answer. */
export const VERSION_HEADER = 'X-Trackd-Version';
