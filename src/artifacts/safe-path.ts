// Turns artifact paths taken from requests into safe relative paths. Every artifact endpoint passes
// its paths through here before a store sees them; MLflow's validate_path_is_safe is the floor.
import { MlflowError } from '../errors.js';

declare const safe: unique symbol;

/**
 * A normalized relative artifact path: `/`-separated segments, none empty, `.` or `..`, no control
 * characters, backslashes, `#` or `?`. `''` is the root. Only this module creates one.
 */
export type ArtifactPath = string & { readonly [safe]: true };

export const ARTIFACT_ROOT = '' as ArtifactPath;

// MLflow decodes until the text stops changing, giving up after ten rounds.
const MAX_DECODE_ROUNDS = 10;
// Linux's NAME_MAX; longer names fail in the filesystem anyway, with a less helpful error.
const MAX_SEGMENT_BYTES = 255;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * MLflow answers every unsafe path with exactly `Invalid path` (its own tests compare the message
 * whole), so the reason each call site names stays in the code, not in the answer.
 */
function invalid(_reason: string): MlflowError {
  return MlflowError.invalidParameter('Invalid path');
}

/** One round of Python's urllib.parse.unquote, but malformed UTF-8 is an error, not U+FFFD. */
function unquote(text: string): string {
  return text.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
    try {
      return utf8.decode(Buffer.from(run.replace(/%/g, ''), 'hex'));
    } catch {
      throw invalid('malformed percent-encoding');
    }
  });
}

/** Decodes repeatedly, so double- and triple-encoded `..` are seen for what they are. */
function fullyDecode(raw: string): string {
  let text = raw;
  for (let round = 0; round < MAX_DECODE_ROUNDS; round++) {
    const next = unquote(text);
    if (next === text) return text;
    text = next;
  }
  throw invalid('too many levels of percent-encoding');
}

/**
 * Validates a path as it arrives in a URL or query string (percent-encoded or not) and normalizes
 * it: empty and `.` segments are dropped, so `a//./b/` becomes `a/b`.
 */
export function parseArtifactPath(raw: string): ArtifactPath {
  const text = fullyDecode(raw);
  // U+FFFD is what a query-string parser makes of bytes that are not UTF-8 (`%c0%ae`, an overlong
  // '.'); such a path was malformed before it reached us.
  if (text.includes('\uFFFD')) throw invalid('malformed percent-encoding');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(text)) throw invalid('control characters are not allowed');
  if (text.includes('#') || text.includes('?')) throw invalid("'#' and '?' are not allowed");
  if (text.includes('\\')) throw invalid('backslashes are not allowed');
  if (text.startsWith('/')) throw invalid('absolute paths are not allowed');
  if (/^[A-Za-z]:/.test(text)) throw invalid('drive letters are not allowed');
  if (/^file:/i.test(text)) throw invalid('file URIs are not allowed');
  const segments = text.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) throw invalid("'..' segments are not allowed");
  if (segments.some((s) => Buffer.byteLength(s) > MAX_SEGMENT_BYTES)) {
    throw invalid(`a path segment is longer than ${MAX_SEGMENT_BYTES} bytes`);
  }
  return segments.join('/') as ArtifactPath;
}

/** A single file name (no `/`), validated by the same rules; the empty name is rejected. */
export function parseFileName(raw: string): ArtifactPath {
  const name = parseArtifactPath(raw);
  if (name === '' || name.includes('/')) throw invalid(`'${raw}' is not a file name`);
  return name;
}

export function joinArtifactPath(...parts: ArtifactPath[]): ArtifactPath {
  return parts.filter((p) => p !== '').join('/') as ArtifactPath;
}

/** `p` relative to `base` when `p` lies at or below it, else undefined. */
export function relativeArtifactPath(
  base: ArtifactPath,
  p: ArtifactPath,
): ArtifactPath | undefined {
  if (base === '') return p;
  if (p === base) return ARTIFACT_ROOT;
  return p.startsWith(`${base}/`) ? (p.slice(base.length + 1) as ArtifactPath) : undefined;
}
