// get-history's answer for a whole history, as JSON pieces of about 256 KiB: the same text
// `{"metrics":[metricJson…]}` would give, written from the store's columns straight into buffers,
// without making a million point objects, one string of the whole body or a string per point.
// Pure and self-contained, so that it also runs in the encoder's worker thread.
import type { MetricHistoryColumns } from '../../store/metric-history.js';

// Large pieces: each is one write to the socket.
const PIECE_BYTES = 256 * 1024;
const TIMESTAMP = Buffer.from(',"timestamp":');
const STEP = Buffer.from(',"step":');
const CLOSE = 0x7d; // }

/** Protobuf's JSON for a double, as metricValueJson writes it (ASCII only). */
function doubleJson(value: number, isNan: number): string {
  if (isNan || Number.isNaN(value)) return '"NaN"';
  if (value === Infinity) return '"Infinity"';
  if (value === -Infinity) return '"-Infinity"';
  // A finite number's JSON is its string form (both use the shortest round-trip digits).
  return `${value}`;
}

const digits = new Uint8Array(20);

/**
 * An int64 field's JSON, the text `${n}` gives. Timestamps do not fit V8's 31-bit integers, so
 * `${n}` takes the general shortest-digits path for them; for safe integers (every timestamp in
 * milliseconds) the decimal digits are written here instead, a third of the JSON time.
 */
function writeInteger(buffer: Buffer, at: number, n: number): number {
  if (!Number.isSafeInteger(n)) return at + buffer.write(`${n}`, at, 'latin1');
  let offset = at;
  if (n < 0) {
    buffer[offset++] = 0x2d; // -
    n = -n;
  }
  let count = 0;
  // Above 2^32 a double division; below it, 32-bit integer arithmetic.
  while (n >= 0x1_0000_0000) {
    const q = Math.floor(n / 10);
    digits[count++] = n - q * 10;
    n = q;
  }
  let u = n >>> 0;
  do {
    const q = (u / 10) >>> 0;
    digits[count++] = u - q * 10;
    u = q;
  } while (u > 0);
  while (count > 0) buffer[offset++] = 0x30 + digits[--count];
  return offset;
}

/** What a document of points starts with; a history without any point is `{}` instead. */
export const HISTORY_OPEN = '{"metrics":[';
export const HISTORY_CLOSE = ']}';
export const EMPTY_HISTORY = '{}';

/**
 * Points `from` … end of one page of a history, as consecutive pieces of the `metrics` array's
 * text: a comma before every point but the first of the whole answer (`continues` says whether
 * points came before this page).
 */
export function historyPageJson(
  key: string,
  page: MetricHistoryColumns,
  from: number,
  continues: boolean,
): Buffer[] {
  const pieces: Buffer[] = [];
  const open = Buffer.from(`,{"key":${JSON.stringify(key)},"value":`);
  // Room for one more point beyond the piece size: its fixed parts and three numbers' digits.
  const capacity = PIECE_BYTES + open.length + TIMESTAMP.length + STEP.length + 3 * 32;
  const { value, isNan, timestamp, step } = page;
  let piece = Buffer.allocUnsafe(capacity);
  let at = 0;
  for (let i = from; i < page.length; i++) {
    // (`set` copies a few bytes faster than `copy`.)
    const noComma = i === from && !continues ? 1 : 0;
    piece.set(noComma ? open.subarray(1) : open, at);
    at += open.length - noComma;
    at += piece.write(doubleJson(value[i], isNan[i]), at, 'latin1');
    piece.set(TIMESTAMP, at);
    at += TIMESTAMP.length;
    at = writeInteger(piece, at, timestamp[i]);
    piece.set(STEP, at);
    at += STEP.length;
    at = writeInteger(piece, at, step[i]);
    piece[at++] = CLOSE;
    if (at >= PIECE_BYTES) {
      pieces.push(piece.subarray(0, at));
      piece = Buffer.allocUnsafe(capacity);
      at = 0;
    }
  }
  if (at > 0) pieces.push(piece.subarray(0, at));
  return pieces;
}
