// The whole-history document made page by page: the same JSON as one list of every point, offsets
// that skip whole pages, and the store's read closed however the stream ends.
import { describe, expect, it } from 'vitest';
import { metricHistoryDocument } from '../../src/api/tracking/metric-history-stream.js';
import type { MetricHistoryColumns, MetricHistoryPages } from '../../src/store/metric-history.js';

function page(first: number, length: number): MetricHistoryColumns {
  const steps = Array.from({ length }, (_, i) => first + i);
  return {
    length,
    value: Float64Array.from(steps, (s) => (s === 4 ? 0 : s / 4)),
    timestamp: Float64Array.from(steps, (s) => 1_700_000_000_000 + s),
    step: Float64Array.from(steps),
    isNan: Uint8Array.from(steps, (s) => (s === 4 ? 1 : 0)),
  };
}

/** By default pages of 3, 3 and 2 points (steps 0…7; step 4 is NaN); records whether closed. */
function pages(
  list = [page(0, 3), page(3, 3), page(6, 2)],
): MetricHistoryPages & { closed: boolean } {
  const source = {
    closed: false,
    next: () => list.shift(),
    close: () => {
      source.closed = true;
    },
  };
  return source;
}

async function text(offset: number, source = pages()): Promise<string> {
  let out = '';
  for await (const piece of metricHistoryDocument('loss', source, offset)) out += piece.toString();
  expect(source.closed).toBe(true);
  return out;
}

const point = (step: number) => ({
  key: 'loss',
  value: step === 4 ? 'NaN' : step / 4,
  timestamp: 1_700_000_000_000 + step,
  step,
});

describe('metricHistoryDocument', () => {
  it('joins the pages into one list of every point', async () => {
    expect(JSON.parse(await text(0))).toEqual({
      metrics: [0, 1, 2, 3, 4, 5, 6, 7].map(point),
    });
  });

  it('starts at the offset, across page boundaries', async () => {
    expect(JSON.parse(await text(4))).toEqual({ metrics: [4, 5, 6, 7].map(point) });
    expect(JSON.parse(await text(6))).toEqual({ metrics: [6, 7].map(point) });
  });

  it('answers {} when the offset passes the last point, as MLflow omits an empty list', async () => {
    expect(await text(8)).toBe('{}');
    expect(await text(0, pages([]))).toBe('{}');
  });

  it('closes the read when the client stops taking pieces', async () => {
    const source = pages();
    const stream = metricHistoryDocument('loss', source, 0);
    expect((await stream.next()).value).toBe('{"metrics":[');
    await stream.return(undefined);
    expect(source.closed).toBe(true);
  });
});
