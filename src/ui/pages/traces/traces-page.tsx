// An experiment's traces (MLflow's `#/experiments/<id>/traces`): filtered with MLflow's trace search
// grammar, sorted by time or execution time, paged with the server's page tokens; a trace opens
// over the list as MLflow's does (`?selectedEvaluationId=<trace_id>`), or as a page of its own
// (`#/experiments/<id>/traces/<trace_id>`). All view state is in the query string.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { Link, useLocation, useSearch } from 'wouter-preact';
import { ApiError } from '../../api.js';
import { ExperimentName } from '../../experiment-name.js';
import { ExperimentTabs } from '../../experiment-tabs.js';
import { searchTraces, type TracePage } from './trace-api.js';
import { SORTABLE, TraceTable, type SortKey } from './trace-table.js';
import { TraceView } from './trace-view.js';
import './traces.css';

const SIZES = [10, 25, 50, 100];
const DEFAULT_SIZE = 25;
const DEFAULT_ORDER = 'timestamp_ms DESC';
/** The query parameter MLflow's UI opens a trace with. */
const SELECTED = 'selectedEvaluationId';

/** `timestamp_ms DESC` or `execution_time_ms ASC`; anything else is the default order. */
function orderOf(value: string | null): string {
  const [key, direction = 'DESC'] = (value ?? '').split(' ');
  return key in SORTABLE && ['ASC', 'DESC'].includes(direction)
    ? `${key} ${direction}`
    : DEFAULT_ORDER;
}

function sizeOf(value: string | null): number {
  const n = Number(value);
  return SIZES.includes(n) ? n : DEFAULT_SIZE;
}

/** A modal panel over the list: Escape and the close button leave it (and the URL loses it). */
function TraceDrawer(props: { onClose(): void; children: ComponentChildren }) {
  const ref = useRef<HTMLDialogElement>(null);
  const onClose = useRef(props.onClose);
  onClose.current = props.onClose;
  useEffect(() => {
    const dialog = ref.current!;
    let mounted = true;
    const closed = () => mounted && onClose.current();
    dialog.addEventListener('close', closed);
    if (!dialog.open) dialog.showModal();
    return () => {
      // Unmounted by navigation (back, a link): the URL has already changed, nothing to undo.
      mounted = false;
      dialog.removeEventListener('close', closed);
      dialog.close();
    };
  }, []);
  return (
    <dialog ref={ref} class="trace-drawer" aria-label="Trace">
      <button type="button" class="close" aria-label="Close trace" onClick={() => props.onClose()}>
        ✕
      </button>
      {props.children}
    </dialog>
  );
}

export function TracesPage({ experimentId }: { experimentId: string }) {
  const search = new URLSearchParams(useSearch());
  const [, navigate] = useLocation();
  const filter = search.get('filter') ?? '';
  const order = orderOf(search.get('order'));
  const size = sizeOf(search.get('size'));
  const tokens = (search.get('pages') ?? '').split(',').filter(Boolean);
  const selected = search.get(SELECTED) ?? undefined;
  const span = search.get('span') ?? undefined;
  const [draft, setDraft] = useState(filter);
  const [page, setPage] = useState<TracePage>();
  const [error, setError] = useState<string>();
  const [reload, setReload] = useState(0);

  // Absent means default, so a plain link and the view it shows have one URL.
  const go = (changes: Record<string, string | undefined>, replace = false) => {
    const state: Record<string, string | undefined> = {
      filter,
      order: order === DEFAULT_ORDER ? undefined : order,
      size: size === DEFAULT_SIZE ? undefined : String(size),
      pages: tokens.join(','),
      [SELECTED]: selected,
      span,
      ...changes,
    };
    const next = new URLSearchParams();
    for (const [key, value] of Object.entries(state)) if (value) next.set(key, value);
    navigate(`/experiments/${experimentId}/traces?${next}`, { replace });
  };
  /** The list's own changes start again from the first page. */
  const goList = (changes: Record<string, string | undefined>) => go({ pages: '', ...changes });

  useEffect(() => setDraft(filter), [filter]);
  const token = tokens[tokens.length - 1];
  useEffect(() => {
    let live = true;
    setError(undefined);
    searchTraces({ experimentId, filter, orderBy: order, maxResults: size, pageToken: token }).then(
      (res) => live && setPage(res),
      (err: unknown) => {
        if (!live) return;
        setPage(undefined);
        setError(err instanceof ApiError ? err.message : String(err));
      },
    );
    return () => {
      live = false;
    };
  }, [experimentId, filter, order, size, token, reload]);

  const traces = page?.traces ?? [];
  const hrefOf = (traceId: string) => {
    const next = new URLSearchParams(search);
    next.set(SELECTED, traceId);
    next.delete('span');
    return `/experiments/${experimentId}/traces?${next}`;
  };

  return (
    <section class="traces-page">
      <nav class="crumbs">
        <Link href="/">Experiments</Link> › <ExperimentName id={experimentId} />
      </nav>
      <ExperimentTabs experimentId={experimentId} current="traces" />
      <form
        class="filter"
        onSubmit={(e) => {
          e.preventDefault();
          goList({ filter: draft.trim() });
        }}
      >
        <input
          name="filter"
          value={draft}
          placeholder="tags.env = 'prod' AND attributes.status = 'ERROR'"
          aria-label="Filter traces (MLflow trace search syntax)"
          onInput={(e) => setDraft((e.target as HTMLInputElement).value)}
        />
        <button type="submit">Search</button>
        <select
          name="size"
          aria-label="Traces a page"
          value={String(size)}
          onChange={(e) => {
            const value = (e.target as HTMLSelectElement).value;
            goList({ size: value === String(DEFAULT_SIZE) ? undefined : value });
          }}
        >
          {SIZES.map((n) => (
            <option key={n} value={String(n)}>
              {n} a page
            </option>
          ))}
        </select>
      </form>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : !page ? (
        <p class="notice">Loading…</p>
      ) : (
        <>
          <div class="table-bar">
            <p class="summary">
              Page {tokens.length + 1}: {traces.length} trace{traces.length === 1 ? '' : 's'}
            </p>
            <div class="pager">
              <button
                type="button"
                name="previous"
                disabled={tokens.length === 0}
                onClick={() => go({ pages: tokens.slice(0, -1).join(',') })}
              >
                ‹ Previous
              </button>
              <button
                type="button"
                name="next"
                disabled={!page.next_page_token}
                onClick={() => go({ pages: [...tokens, page.next_page_token!].join(',') })}
              >
                Next ›
              </button>
            </div>
          </div>
          {traces.length === 0 ? (
            <p class="notice">
              {filter || tokens.length
                ? 'No traces match.'
                : 'No traces in this experiment yet: traces logged with mlflow.trace or an autolog integration appear here.'}
            </p>
          ) : (
            <TraceTable
              experimentId={experimentId}
              traces={traces}
              hrefOf={(info) => hrefOf(info.trace_id)}
              selected={selected}
              sorting={{
                order,
                onSort: (key: SortKey, descending) =>
                  goList({ order: `${key} ${descending ? 'DESC' : 'ASC'}` }),
              }}
            />
          )}
        </>
      )}
      {selected && (
        <TraceDrawer key={selected} onClose={() => go({ [SELECTED]: undefined, span: undefined })}>
          <TraceView
            traceId={selected}
            experimentId={experimentId}
            span={span}
            // Choosing a span is no step to go back through.
            onSpan={(id) => go({ span: id }, true)}
            onChanged={() => setReload((n) => n + 1)}
          />
          <p class="trace-page-link">
            <Link href={`/experiments/${experimentId}/traces/${encodeURIComponent(selected)}?`}>
              Open as a page
            </Link>
          </p>
        </TraceDrawer>
      )}
    </section>
  );
}

/** A trace on a page of its own (MLflow's `#/experiments/<id>/traces/<trace_id>`). */
export function TracePage({ experimentId, traceId }: { experimentId: string; traceId: string }) {
  const search = new URLSearchParams(useSearch());
  const [, navigate] = useLocation();
  const base = `/experiments/${experimentId}/traces`;
  return (
    <section class="trace-page">
      <nav class="crumbs">
        <Link href="/">Experiments</Link> ›{' '}
        <Link href={`/experiments/${experimentId}?`}>
          <ExperimentName id={experimentId} />
        </Link>{' '}
        › <Link href={`${base}?`}>Traces</Link> › {traceId}
      </nav>
      <TraceView
        traceId={traceId}
        experimentId={experimentId}
        span={search.get('span') ?? undefined}
        onSpan={(id) =>
          navigate(`${base}/${encodeURIComponent(traceId)}?${new URLSearchParams({ span: id })}`, {
            replace: true,
          })
        }
        standalone
      />
    </section>
  );
}
