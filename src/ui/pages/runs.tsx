// An experiment's runs: one row a run, chosen params, metrics and tags as columns, filtered with
// MLflow's search grammar and sorted by the server, loaded a page at a time as the table scrolls.
// Filter, sort, columns, pins, the deleted-runs view and the selection live in the query string,
// so the view is a link.
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { Link, useLocation, useSearch } from 'wouter-preact';
import { useAccess } from '../access.js';
import type { Run } from '../api.js';
import { useLiveTick } from '../live.js';
import { ColumnChooser } from './runs/column-chooser.js';
import {
  DEFAULT_PINS,
  defaultIds,
  gatherKeys,
  layout,
  NO_KEYS,
  parseIds,
  sortName,
  type Keys,
} from './runs/columns.js';
import { PAGE_SIZE, useRunPages, type RunViewType } from './runs/run-pages.js';
import { RunsGrid } from './runs/runs-grid.js';
import { SelectionActions } from './runs/selection-actions.js';
import { ExperimentName } from '../experiment-name.js';
import { ExperimentTabs } from '../experiment-tabs.js';

const VIEWS: { value: RunViewType; label: string }[] = [
  { value: 'ACTIVE_ONLY', label: 'Active runs' },
  { value: 'DELETED_ONLY', label: 'Deleted runs' },
  { value: 'ALL', label: 'Active and deleted' },
];

const viewOf = (value: string | null): RunViewType =>
  VIEWS.find((v) => v.value === value)?.value ?? 'ACTIVE_ONLY';

export function RunsPage({ experimentId }: { experimentId: string }) {
  const search = new URLSearchParams(useSearch());
  const [, navigate] = useLocation();
  const filter = search.get('filter') ?? '';
  const order = search.get('order') ?? 'attributes.start_time DESC';
  const viewType = viewOf(search.get('view'));
  const selectedIds = (search.get('selected') ?? '').split(',').filter(Boolean);
  const selected = useMemo(() => new Set(selectedIds), [selectedIds.join(',')]);
  const cols = parseIds(search.get('cols'));
  const pins = parseIds(search.get('pin')) ?? DEFAULT_PINS;
  const [draft, setDraft] = useState(filter);
  const [keys, setKeys] = useState<Keys>(NO_KEYS);
  const access = useAccess();

  // Absent means default; an empty `cols`/`pin` is a choice of none, so it stays in the URL.
  const go = (changes: Record<string, string | undefined>) => {
    const state: Record<string, string | undefined> = {
      filter,
      order,
      view: viewType === 'ACTIVE_ONLY' ? undefined : viewType,
      selected: selectedIds.join(','),
      cols: cols?.join(','),
      pin: search.get('pin') ?? undefined,
      ...changes,
    };
    const next = new URLSearchParams();
    for (const [key, value] of Object.entries(state)) {
      if (value === undefined || (value === '' && key !== 'cols' && key !== 'pin')) continue;
      next.set(key, value);
    }
    navigate(`/experiments/${experimentId}?${next}`);
  };

  useEffect(() => setDraft(filter), [filter]);
  useEffect(() => setKeys(NO_KEYS), [experimentId]);
  const onPage = useCallback((runs: Run[]) => setKeys((k) => gatherKeys(k, runs)), []);
  const pages = useRunPages({ experimentId, filter, order, viewType }, onPage);

  // Live: the rows on screen are fetched again every few seconds while one of them is running.
  const [view, setView] = useState<[number, number]>([0, 0]);
  const onWindow = useCallback(
    (first: number, last: number) =>
      setView((v) => (v[0] === first && v[1] === last ? v : [first, last])),
    [],
  );
  const live = useMemo(
    () => pages.rows.slice(view[0], view[1] + 1).some((r) => r.info.status === 'RUNNING'),
    [pages.rows, view],
  );
  const tick = useLiveTick(live);
  const { refresh } = pages;
  useEffect(() => {
    if (tick > 0) refresh(Math.floor(view[0] / PAGE_SIZE), Math.floor(view[1] / PAGE_SIZE));
    // Only on the tick: the window moving is not a reason to fetch again.
  }, [tick]);

  const shown = cols ?? defaultIds(keys);
  const columns = useMemo(() => layout(shown, pins), [shown.join(','), pins.join(',')]);

  const toggle = (id: string) => {
    const next = new Set(selected);
    if (!next.delete(id)) next.add(id);
    go({ selected: [...next].join(',') });
  };

  return (
    <section class="runs-page">
      <nav class="crumbs">
        <Link href="/">Experiments</Link> › <ExperimentName id={experimentId} /> ·{' '}
        <Link
          href={`/experiments/${experimentId}/groups${filter ? `?${new URLSearchParams({ filter })}` : ''}`}
          class="groups-link"
        >
          Group and aggregate
        </Link>
      </nav>
      <ExperimentTabs experimentId={experimentId} current="runs" />
      <form
        class="filter"
        onSubmit={(e) => {
          e.preventDefault();
          go({ filter: draft.trim() });
        }}
      >
        <input
          name="filter"
          value={draft}
          placeholder="metrics.acc > 0.5 and params.opt = 'sa'"
          aria-label="Filter runs (MLflow search syntax)"
          onInput={(e) => setDraft((e.target as HTMLInputElement).value)}
        />
        <button type="submit">Search</button>
        <select
          name="view"
          aria-label="Which runs"
          value={viewType}
          onChange={(e) => {
            const value = (e.target as HTMLSelectElement).value;
            go({ view: value === 'ACTIVE_ONLY' ? undefined : value, selected: '' });
          }}
        >
          {VIEWS.map((v) => (
            <option key={v.value} value={v.value}>
              {v.label}
            </option>
          ))}
        </select>
        <ColumnChooser
          keys={keys}
          shown={shown}
          pins={pins}
          onChange={(nextShown, nextPins) =>
            go({ cols: nextShown.join(','), pin: nextPins.join(',') })
          }
          onReset={() => go({ cols: undefined, pin: undefined })}
        />
      </form>
      {pages.error ? (
        <p class="error" role="alert">
          {pages.error}
        </p>
      ) : pages.pageCount === 0 ? (
        <p class="notice">Loading…</p>
      ) : (
        <>
          <div class="table-bar">
            <p class="summary">
              {pages.rows.length} run{pages.rows.length === 1 ? '' : 's'}
              {pages.complete ? '' : ' loaded, more as you scroll'}
            </p>
            {selected.size > 0 && (
              <SelectionActions
                experimentId={experimentId}
                selected={selectedIds}
                rows={pages.rows}
                access={access}
                viewType={viewType}
                onChanged={(clear) => {
                  if (clear) go({ selected: '' });
                  pages.reload();
                }}
              />
            )}
          </div>
          <RunsGrid
            experimentId={experimentId}
            rows={pages.rows}
            layout={columns}
            order={order}
            selected={selected}
            onSort={(c, descending) =>
              go({ order: `${sortName(c)} ${descending ? 'DESC' : 'ASC'}` })
            }
            onToggle={toggle}
            onOpen={(run) => navigate(`/experiments/${experimentId}/runs/${run.info.run_id}`)}
            onNearEnd={pages.loadMore}
            onWindow={onWindow}
          />
        </>
      )}
    </section>
  );
}
