// get-history's answer for a whole history, as JSON pieces of about 64 KiB: the same text
// `{"metrics":[metricJson…]}` would give, written from the store's columns without making a
// million point objects or one string of the whole body.
import type { MetricHistoryColumns } from '../store/metric-history.js';

const PIECE_CHARS = 64 * 1024;

/** Protobuf's JSON for a double, as metricValueJson writes it. */
function doubleJson(value: number, isNan: number): string {
  if (isNan || Number.isNaN(value)) return '"NaN"';
  if (value === Infinity) return '"Infinity"';
  if (value === -Infinity) return '"-Infinity"';
  return JSON.stringify(value);
}

/** Points `from` … end of `history`; `{}` when there are none (MLflow omits the empty list). */
export function* metricHistoryJson(
  key: string,
  history: MetricHistoryColumns,
  from = 0,
): Generator<string> {
  if (from >= history.length) {
    yield '{}';
    return;
  }
  const keyJson = JSON.stringify(key);
  let piece = '{"metrics":[';
  for (let i = from; i < history.length; i++) {
    piece +=
      `${i > from ? ',' : ''}{"key":${keyJson},"value":${doubleJson(history.value[i], history.isNan[i])},` +
      `"timestamp":${JSON.stringify(history.timestamp[i])},"step":${JSON.stringify(history.step[i])}}`;
    if (piece.length >= PIECE_CHARS) {
      yield piece;
      piece = '';
    }
  }
  yield `${piece}]}`;
}
