// get-history's answer for a whole history, as JSON pieces of about 256 KiB: the same text
// `{"metrics":[metricJson…]}` would give, written from the store's columns without making a
// million point objects or one string of the whole body.
import type { MetricHistoryColumns } from '../store/metric-history.js';

// Large pieces: each is one write to the socket.
const PIECE_CHARS = 256 * 1024;

/** Protobuf's JSON for a double, as metricValueJson writes it. */
function doubleJson(value: number, isNan: number): string {
  if (isNan || Number.isNaN(value)) return '"NaN"';
  if (value === Infinity) return '"Infinity"';
  if (value === -Infinity) return '"-Infinity"';
  // A finite number's JSON is its string form (both use the shortest round-trip digits).
  return `${value}`;
}

/** Points `from` … end of `history`; `{}` when there are none (MLflow omits the empty list). */
export function* metricHistoryJson(
  key: string,
  history: MetricHistoryColumns,
  from = 0,
): Generator<Buffer> {
  if (from >= history.length) {
    yield Buffer.from('{}');
    return;
  }
  const open = `{"key":${JSON.stringify(key)},"value":`;
  const { value, isNan, timestamp, step } = history;
  let piece = `{"metrics":[${open}${doubleJson(value[from], isNan[from])},"timestamp":${timestamp[from]},"step":${step[from]}}`;
  for (let i = from + 1; i < history.length; i++) {
    piece += `,${open}${doubleJson(value[i], isNan[i])},"timestamp":${timestamp[i]},"step":${step[i]}}`;
    if (piece.length >= PIECE_CHARS) {
      // Encoded once here; a string would be measured and then encoded again by the socket.
      yield Buffer.from(piece);
      piece = '';
    }
  }
  yield Buffer.from(`${piece}]}`);
}
