// Opaque page tokens as MLflow makes them: base64 of `{"offset": N}`. Decoding follows Python's
// lenient base64 and MLflow's checks, so a token either side accepts works on the other, and a bad
// token gets MLflow's message.
import { MlflowError } from '../errors.js';
import { pyBytes, pyRepr, type PyValue } from './python-repr.js';

export function createPageToken(offset: number): string {
  return Buffer.from(`{"offset": ${offset}}`).toString('base64');
}

const BASE64_ALPHABET = /[A-Za-z0-9+/]/;

/**
 * Python's non-validating `base64.b64decode`: characters outside the alphabet are skipped, a
 * complete padding ends the data, and a group left incomplete without padding is an error.
 */
function decodeBase64Leniently(token: string): Buffer | undefined {
  let data = '';
  let pads = 0;
  for (const char of token) {
    if (BASE64_ALPHABET.test(char)) {
      // Data after an incomplete padding just continues the data.
      pads = 0;
      data += char;
    } else if (char === '=') {
      const position = data.length % 4;
      if (position < 2) continue;
      pads++;
      if (position + pads >= 4) break;
    }
  }
  const position = data.length % 4;
  if (position === 1 || (position > 1 && position + pads < 4)) return undefined;
  return Buffer.from(data, 'base64');
}

/** Python's `int()` of a JSON value, or undefined where Python would raise. */
function pythonInt(value: PyValue): number | undefined {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : undefined;
  if (typeof value === 'string' && /^\s*[+-]?\d+(_\d+)*\s*$/.test(value)) {
    return Number(value.replace(/_/g, ''));
  }
  return undefined;
}

/**
 * The offset a token points at; no token means the first page. MLflow accepts negative offsets
 * (SQLite then starts at the first row); we return them as 0 so callers can slice safely.
 */
export function parsePageToken(token: string | undefined): number {
  if (!token) return 0;
  const bytes = decodeBase64Leniently(token);
  if (!bytes) throw MlflowError.invalidParameter('Invalid page token, could not base64-decode');
  let parsed: PyValue;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as PyValue;
  } catch {
    throw MlflowError.invalidParameter(`Invalid page token, decoded value=${pyBytes(bytes)}`);
  }
  const isObject = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
  const offset = isObject ? (parsed as Record<string, PyValue>).offset : undefined;
  const falsy =
    offset === undefined ||
    offset === null ||
    offset === 0 ||
    offset === '' ||
    offset === false ||
    (Array.isArray(offset) && offset.length === 0) ||
    (typeof offset === 'object' && offset !== null && Object.keys(offset).length === 0);
  if (falsy) {
    throw MlflowError.invalidParameter(`Invalid page token, parsed value=${pyRepr(parsed)}`);
  }
  const value = pythonInt(offset);
  if (value === undefined) {
    const shown = typeof offset === 'string' ? offset : pyRepr(offset);
    throw MlflowError.invalidParameter(`Invalid page token, not stringable ${shown}`);
  }
  if (!Number.isSafeInteger(value)) {
    // MLflow lets the database fail on such offsets (a 500); a forged token is a client mistake.
    throw MlflowError.invalidParameter(
      `Invalid page token, offset ${String(offset)} is out of range`,
    );
  }
  return Math.max(0, value);
}
