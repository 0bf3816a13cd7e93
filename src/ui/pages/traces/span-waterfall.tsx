// The span tree beside its time line: one row a span, indented under its parent, a bar from its
// start to its end on the trace's scale, its duration at the right. Arrow keys move the selection.
import { useEffect, useRef } from 'preact/hooks';
import type { SpanTree } from './span-tree.js';
import { elapsed, hexId } from './trace-format.js';

/** A bar never thinner than this (percent of the line), so a microsecond span is still seen. */
const MIN_WIDTH = 0.4;

export function SpanWaterfall(props: {
  tree: SpanTree;
  selected: string;
  onSelect(spanId: string): void;
}) {
  const { tree, selected, onSelect } = props;
  const list = useRef<HTMLOListElement>(null);
  const focusNext = useRef(false);
  const index = tree.rows.findIndex((r) => r.span.span_id === selected);

  // After an arrow key, the keyboard focus follows the selection.
  useEffect(() => {
    if (!focusNext.current) return;
    focusNext.current = false;
    list.current?.querySelector<HTMLElement>('[aria-selected=true]')?.focus();
  }, [selected]);

  const onKeyDown = (e: KeyboardEvent) => {
    const step = e.key === 'ArrowDown' ? 1 : e.key === 'ArrowUp' ? -1 : 0;
    const next = tree.rows[index + step];
    if (!step || !next) return;
    e.preventDefault();
    focusNext.current = true;
    onSelect(next.span.span_id);
  };

  return (
    <div class="waterfall">
      <div class="waterfall-head" aria-hidden>
        <span>Span</span>
        <span class="scale">
          <span>0</span>
          <span>{elapsed(tree.totalMs)}</span>
        </span>
        <span>Duration</span>
      </div>
      <ol role="tree" aria-label="Spans" class="span-tree" ref={list} onKeyDown={onKeyDown}>
        {tree.rows.map((row) => {
          const id = row.span.span_id;
          const isSelected = id === selected;
          const left = (row.offsetMs / tree.totalMs) * 100;
          const width = ((row.durationMs ?? tree.totalMs - row.offsetMs) / tree.totalMs) * 100;
          return (
            <li
              key={id}
              role="treeitem"
              aria-level={row.depth + 1}
              aria-selected={isSelected}
              tabIndex={isSelected ? 0 : -1}
              data-span-id={hexId(id)}
              data-depth={row.depth}
              class={`span-row${isSelected ? ' selected' : ''}${row.error ? ' error' : ''}`}
              onClick={() => onSelect(id)}
            >
              <span class="span-label" style={{ paddingLeft: `${0.3 + row.depth * 1.1}rem` }}>
                <span class={`chip span-type type-${row.type.toLowerCase()}`}>{row.type}</span>
                <span class="span-name" title={row.span.name}>
                  {row.span.name}
                </span>
              </span>
              <span class="timeline">
                <span
                  class={`bar${row.durationMs === undefined ? ' open' : ''}`}
                  style={{
                    left: `${Math.min(left, 100 - MIN_WIDTH)}%`,
                    width: `${Math.max(width, MIN_WIDTH)}%`,
                  }}
                />
              </span>
              <span class="span-duration">
                {row.durationMs === undefined ? '…' : elapsed(row.durationMs)}
              </span>
            </li>
          );
        })}
      </ol>
    </div>
  );
}
