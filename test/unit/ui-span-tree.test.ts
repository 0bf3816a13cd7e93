// The trace view's span tree (src/ui/pages/traces/span-tree.ts): the order and depth its rows are
// drawn in, and where each sits on the trace's time line, for well-formed and damaged traces.
import { describe, expect, it } from 'vitest';
import { spanTree } from '../../src/ui/pages/traces/span-tree.js';
import type { Span } from '../../src/ui/pages/traces/trace-shapes.js';

const T0 = 1_700_000_000_000 * 1e6;

function span(
  id: string,
  parent: string | null,
  fromMs: number,
  toMs: number | null,
  extra: Partial<Span> = {},
): Span {
  return {
    trace_id: 'dHI=',
    span_id: id,
    parent_span_id: parent,
    name: id,
    start_time_unix_nano: T0 + fromMs * 1e6,
    end_time_unix_nano: toMs === null ? null : T0 + toMs * 1e6,
    ...extra,
  };
}

const shape = (spans: Span[]) => spanTree(spans).rows.map((r) => [r.span.name, r.depth]);

describe('spanTree', () => {
  it('puts each span under its parent, siblings by start time, whatever order they came in', () => {
    expect(
      shape([
        span('late-child', 'root', 50, 60),
        span('grandchild', 'early-child', 12, 18),
        span('root', null, 0, 100),
        span('early-child', 'root', 10, 20),
      ]),
    ).toEqual([
      ['root', 0],
      ['early-child', 1],
      ['grandchild', 2],
      ['late-child', 1],
    ]);
  });

  it('places each span on the time line from the first start to the last end', () => {
    const tree = spanTree([span('root', null, 0, 80), span('child', 'root', 20, 100)]);
    expect(tree.totalMs).toBeCloseTo(100, 3);
    expect(tree.startNs).toBe(T0);
    const child = tree.rows[1];
    expect(child.offsetMs).toBeCloseTo(20, 3);
    expect(child.durationMs).toBeCloseTo(80, 3);
  });

  it('reads the span type and error status MLflow writes', () => {
    const [row] = spanTree([
      span('tool', null, 0, 1, {
        attributes: { 'mlflow.spanType': '"TOOL"' },
        status: { code: 'STATUS_CODE_ERROR', message: 'ValueError: x' },
      }),
    ]).rows;
    expect(row.type).toBe('TOOL');
    expect(row.error).toBe(true);
    expect(spanTree([span('plain', null, 0, 1)]).rows[0].type).toBe('UNKNOWN');
  });

  it('shows a span whose parent is missing as a root, and a span not yet ended without a duration', () => {
    const tree = spanTree([span('root', null, 0, 10), span('orphan', 'gone', 5, null)]);
    expect(tree.rows.map((r) => [r.span.name, r.depth])).toEqual([
      ['root', 0],
      ['orphan', 0],
    ]);
    expect(tree.rows[1].durationMs).toBeUndefined();
  });

  it('shows every span of a parent cycle once instead of losing or repeating them', () => {
    expect(shape([span('root', null, 0, 10), span('a', 'b', 1, 2), span('b', 'a', 3, 4)])).toEqual([
      ['root', 0],
      ['a', 0],
      ['b', 1],
    ]);
  });

  it('walks a very deep, very large trace without overflowing the stack', () => {
    const n = 200_000;
    const spans = Array.from({ length: n }, (_, i) =>
      span(`s${i}`, i === 0 ? null : `s${i - 1}`, i, n),
    );
    const rows = spanTree(spans).rows;
    expect(rows).toHaveLength(n);
    expect(rows[n - 1].depth).toBe(n - 1);
  });
});
