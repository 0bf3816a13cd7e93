// The runs table, windowed: rows have one fixed height, so only those in view (and a few either
// side) are in the DOM, between two spacer rows that keep the scroll height right; 100k loaded
// rows cost what 40 do. The keyboard moves a focused row (arrows, Page Up/Down, Home/End), Enter
// opens it, Space selects it, and the window scrolls to follow.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { Link } from 'wouter-preact';
import type { Run } from '../../api.js';
import { cellText, SELECT_WIDTH, sortName, type Column, type Layout } from './columns.js';

/** Must match `table.runs tbody tr` in styles.css. */
export const ROW_HEIGHT = 30;
/** Rows rendered beyond each edge of the view, so a quick scroll shows no blank. */
const OVERSCAN = 10;
/** When the window comes this close to the last loaded row, the next page is asked for. */
const PREFETCH_ROWS = 60;

interface Props {
  experimentId: string;
  rows: Run[];
  layout: Layout;
  order: string;
  selected: Set<string>;
  onSort(column: Column, descending: boolean): void;
  onToggle(runId: string): void;
  onOpen(run: Run): void;
  onNearEnd(): void;
  /** The rows on screen changed (first and last index), e.g. to keep them live. */
  onWindow(first: number, last: number): void;
}

const rowId = (run: Run) => `run-row-${run.info.run_id}`;

export function RunsGrid(props: Props) {
  const { rows, layout, order, selected } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const head = useRef<HTMLTableSectionElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [view, setView] = useState({ height: 600, head: ROW_HEIGHT });
  const [focus, setFocus] = useState(-1);

  // The table fills the window below it: its own scroll box, so the header and the pinned
  // columns stay in place (sticky) while both directions scroll.
  useLayoutEffect(() => {
    const measure = () => {
      const el = scroller.current;
      if (!el) return;
      const height = Math.max(240, window.innerHeight - el.getBoundingClientRect().top - 24);
      el.style.height = `${height}px`;
      setView({ height, head: head.current?.offsetHeight ?? ROW_HEIGHT });
    };
    measure();
    window.addEventListener('resize', measure);
    return () => window.removeEventListener('resize', measure);
  }, []);

  const inView = Math.ceil((view.height - view.head) / ROW_HEIGHT);
  const first = Math.floor(scrollTop / ROW_HEIGHT);
  const start = Math.max(0, first - OVERSCAN);
  const end = Math.min(rows.length, first + inView + OVERSCAN);

  const { onNearEnd, onWindow } = props;
  useEffect(() => {
    if (end + PREFETCH_ROWS >= rows.length) onNearEnd();
  }, [end, rows.length, onNearEnd]);
  useEffect(() => {
    onWindow(first, Math.min(rows.length, first + inView) - 1);
  }, [first, inView, rows.length, onWindow]);

  // A new search starts at the top.
  useEffect(() => {
    setFocus(-1);
    if (scroller.current) scroller.current.scrollTop = 0;
  }, [props.experimentId, order]);

  /** Moves the focus and scrolls just enough to show that row below the sticky header. */
  const moveFocus = (index: number) => {
    const el = scroller.current;
    if (!el || rows.length === 0) return;
    const i = Math.max(0, Math.min(rows.length - 1, index));
    setFocus(i);
    const top = i * ROW_HEIGHT;
    const bottom = top + ROW_HEIGHT + view.head - el.clientHeight;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (bottom > el.scrollTop) el.scrollTop = bottom;
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.target !== scroller.current) return; // a checkbox or link keeps its own keys
    const page = Math.max(1, inView - 1);
    const moves: Record<string, number> = {
      ArrowDown: focus + 1,
      ArrowUp: focus - 1,
      PageDown: focus + page,
      PageUp: focus - page,
      Home: 0,
      End: rows.length - 1,
    };
    if (e.key in moves) {
      e.preventDefault();
      moveFocus(focus < 0 && e.key !== 'End' ? first : moves[e.key]);
    } else if (focus >= 0 && focus < rows.length && (e.key === 'Enter' || e.key === ' ')) {
      e.preventDefault(); // Space would scroll the box
      if (e.key === 'Enter') props.onOpen(rows[focus]);
      else props.onToggle(rows[focus].info.run_id);
    }
  };

  const pinStyle = (index: number) =>
    index < layout.pinned ? { left: `${layout.lefts[index]}px` } : undefined;
  const pinClass = (index: number) =>
    index < layout.pinned ? (index === layout.pinned - 1 ? 'pin pin-edge' : 'pin') : '';

  const header = (c: Column, index: number) => {
    const name = sortName(c);
    const active = order.startsWith(`${name} `);
    const descending = active && order.endsWith('DESC');
    return (
      <th
        key={c.id}
        class={`${pinClass(index)} ${active ? 'sorted' : ''} kind-${c.kind}`}
        style={pinStyle(index)}
        title={c.id}
        aria-sort={active ? (descending ? 'descending' : 'ascending') : undefined}
      >
        {/* The best value on top first: a first click sorts descending. */}
        <button type="button" onClick={() => props.onSort(c, !descending)}>
          {c.label}
        </button>
        {active ? (descending ? ' ▼' : ' ▲') : ''}
      </th>
    );
  };

  const focusedRun = focus >= 0 ? rows[focus] : undefined;
  return (
    <div
      ref={scroller}
      class="runs-viewport"
      tabIndex={0}
      role="region"
      aria-label="Runs: arrow keys move, Enter opens a run, Space selects it"
      aria-activedescendant={focusedRun ? rowId(focusedRun) : undefined}
      onScroll={(e) => setScrollTop((e.currentTarget as HTMLDivElement).scrollTop)}
      onKeyDown={onKeyDown}
    >
      <table class="grid runs" style={{ width: `${layout.width}px` }} data-loaded={rows.length}>
        <colgroup>
          <col style={{ width: `${SELECT_WIDTH}px` }} />
          {layout.columns.map((c) => (
            <col key={c.id} style={{ width: `${c.width}px` }} />
          ))}
        </colgroup>
        <thead ref={head}>
          <tr>
            <th class="pin select" aria-label="Select" />
            {layout.columns.map(header)}
          </tr>
        </thead>
        <tbody>
          {start > 0 && (
            <tr class="spacer" aria-hidden style={{ height: `${start * ROW_HEIGHT}px` }} />
          )}
          {rows.slice(start, end).map((run, offset) => {
            const index = start + offset;
            const id = run.info.run_id;
            const classes = [
              index === focus ? 'focused' : '',
              selected.has(id) ? 'selected' : '',
              run.info.lifecycle_stage === 'deleted' ? 'deleted' : '',
            ];
            return (
              <tr
                key={id}
                id={rowId(run)}
                data-run-id={id}
                class={classes.join(' ').trim() || undefined}
                aria-selected={selected.has(id)}
                onMouseDown={() => setFocus(index)}
              >
                <td class="pin select">
                  <input
                    type="checkbox"
                    aria-label={`Select ${run.info.run_name || id}`}
                    checked={selected.has(id)}
                    onChange={() => props.onToggle(id)}
                  />
                </td>
                {layout.columns.map((c, i) => {
                  const text = cellText(run, c);
                  return (
                    <td
                      key={c.id}
                      class={`${pinClass(i)} ${c.kind === 'metrics' ? 'num' : ''}`}
                      style={pinStyle(i)}
                      title={text}
                    >
                      {c.id === 'attributes.run_name' ? (
                        <Link href={`/experiments/${props.experimentId}/runs/${id}`}>{text}</Link>
                      ) : (
                        text
                      )}
                    </td>
                  );
                })}
              </tr>
            );
          })}
          {end < rows.length && (
            <tr
              class="spacer"
              aria-hidden
              style={{ height: `${(rows.length - end) * ROW_HEIGHT}px` }}
            />
          )}
        </tbody>
      </table>
    </div>
  );
}
