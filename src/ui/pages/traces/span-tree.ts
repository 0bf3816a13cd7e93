// A trace's spans as the rows of its tree: parents before their children, siblings by start time,
// each with its depth and its place on the trace's time line. A span whose parent is not among the
// spans (not exported yet, or dropped) is shown as a root rather than hidden.
import { parseJsonText, type Span } from './trace-shapes.js';

export interface SpanRow {
  span: Span;
  depth: number;
  /** Milliseconds from the trace's first span start. */
  offsetMs: number;
  /** Undefined while the span has not ended. */
  durationMs?: number;
  type: string;
  error: boolean;
  children: number;
}

export interface SpanTree {
  rows: SpanRow[];
  /** The first span's start, in ns since the epoch (a double: to the µs, which is enough here). */
  startNs: number;
  /** From the first start to the last end, in milliseconds (at least a tiny positive span). */
  totalMs: number;
}

export const spanType = (span: Span): string => {
  const type = parseJsonText(span.attributes?.['mlflow.spanType']);
  return typeof type === 'string' && type ? type : 'UNKNOWN';
};

export function spanTree(spans: Span[]): SpanTree {
  if (spans.length === 0) return { rows: [], startNs: 0, totalMs: 0 };
  const byId = new Map(spans.map((s) => [s.span_id, s]));
  const children = new Map<string, Span[]>();
  const roots: Span[] = [];
  for (const span of spans) {
    const parent = span.parent_span_id;
    if (parent && parent !== span.span_id && byId.has(parent)) {
      const list = children.get(parent) ?? [];
      list.push(span);
      children.set(parent, list);
    } else {
      roots.push(span);
    }
  }
  const byStart = (a: Span, b: Span) =>
    a.start_time_unix_nano - b.start_time_unix_nano || a.name.localeCompare(b.name);

  // A loop, not Math.min(...spans): a spread of a huge trace's spans overflows the stack.
  let first = Infinity;
  let last = -Infinity;
  for (const s of spans) {
    first = Math.min(first, s.start_time_unix_nano);
    last = Math.max(last, s.end_time_unix_nano ?? s.start_time_unix_nano);
  }
  const rows: SpanRow[] = [];
  const seen = new Set<string>();
  // Depth first without recursion: a deep agent loop must not overflow the stack.
  const walk = (root: Span) => {
    const stack: [Span, number][] = [[root, 0]];
    while (stack.length > 0) {
      const [span, depth] = stack.pop()!;
      if (seen.has(span.span_id)) continue;
      seen.add(span.span_id);
      const kids = (children.get(span.span_id) ?? []).sort(byStart);
      const end = span.end_time_unix_nano;
      rows.push({
        span,
        depth,
        offsetMs: (span.start_time_unix_nano - first) / 1e6,
        durationMs: end ? (end - span.start_time_unix_nano) / 1e6 : undefined,
        type: spanType(span),
        error: span.status?.code === 'STATUS_CODE_ERROR',
        children: kids.length,
      });
      for (let i = kids.length - 1; i >= 0; i--) stack.push([kids[i], depth + 1]);
    }
  };
  roots.sort(byStart).forEach(walk);
  // Spans in a parent cycle have no root to be reached from; they are shown all the same.
  spans.filter((s) => !seen.has(s.span_id)).forEach(walk);
  return { rows, startNs: first, totalMs: Math.max((last - first) / 1e6, 1e-6) };
}
