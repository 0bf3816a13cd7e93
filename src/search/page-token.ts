// Opaque page tokens as MLflow makes them: base64 of a JSON object holding the next offset.
import { MlflowError } from '../http/errors.js';

export function createPageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset }).replace(':', ': ')).toString('base64');
}

/** The offset a token points at; no token means the first page. */
export function parsePageToken(token: string | undefined): number {
  if (!token) return 0;
  let decoded: string;
  try {
    if (!/^[A-Za-z0-9+/=_-]+$/.test(token)) throw new Error('not base64');
    decoded = Buffer.from(token, 'base64').toString('utf8');
  } catch {
    throw MlflowError.invalidParameter(`Invalid page token, could not base64-decode`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoded);
  } catch {
    throw MlflowError.invalidParameter(`Invalid page token, decoded value=${decoded}`);
  }
  const offset = (parsed as { offset?: unknown })?.offset;
  if (offset === undefined) {
    throw MlflowError.invalidParameter(
      `Invalid page token, parsed value=${JSON.stringify(parsed)}`,
    );
  }
  if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) {
    throw MlflowError.invalidParameter(`Invalid page token, offset must be a non-negative integer`);
  }
  return offset;
}
