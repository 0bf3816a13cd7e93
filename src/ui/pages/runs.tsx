// An experiment's runs: one row a run, params and metrics as columns, filtered with MLflow's
// search grammar and sorted by the server (runs/search), a page of 100 at a time. Filter and
// sort live in the query string, so the view is a link.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { Link, useLocation, useSearch } from 'wouter-preact';
import { ApiError, post, type Run } from '../api.js';
import { dateTime, number } from '../format.js';
import { useLiveTick } from '../live.js';

const PAGE_SIZE = 100;

interface Page {
  runs: Run[];
  next?: string;
}

/** MLflow's order_by term for a column: `metrics.`acc` DESC`. */
function orderTerm(column: string, descending: boolean): string {
  return `${column} ${descending ? 'DESC' : 'ASC'}`;
}

const quoted = (kind: 'metrics' | 'params', key: string) => `${kind}.\`${key}\``;

export function RunsPage({ experimentId }: { experimentId: string }) {
  const search = new URLSearchParams(useSearch());
  const [, navigate] = useLocation();
  const filter = search.get('filter') ?? '';
  const order = search.get('order') ?? 'attributes.start_time DESC';
  const selected = new Set((search.get('selected') ?? '').split(',').filter(Boolean));
  const [draft, setDraft] = useState(filter);
  const [tokens, setTokens] = useState<(string | undefined)[]>([undefined]);
  const [page, setPage] = useState<Page | undefined>();
  const [error, setError] = useState<string>();

  const go = (changes: Record<string, string>) => {
    const next = new URLSearchParams({
      filter,
      order,
      selected: [...selected].join(','),
      ...changes,
    });
    for (const key of ['filter', 'selected']) if (!next.get(key)) next.delete(key);
    navigate(`/experiments/${experimentId}?${next}`);
  };

  useEffect(() => setDraft(filter), [filter]);
  useEffect(() => setTokens([undefined]), [experimentId, filter, order]);
  const token = tokens[tokens.length - 1];
  const tick = useLiveTick(!!page?.runs.some((r) => r.info.status === 'RUNNING'));
  useEffect(() => setPage(undefined), [experimentId, filter, order, token]);
  useEffect(() => {
    setError(undefined);
    post<{ runs?: Run[]; next_page_token?: string }>('runs/search', {
      experiment_ids: [experimentId],
      filter,
      order_by: [order],
      max_results: PAGE_SIZE,
      ...(token ? { page_token: token } : {}),
    }).then(
      (res) => setPage({ runs: res.runs ?? [], next: res.next_page_token }),
      (err: ApiError) => setError(err.message),
    );
  }, [experimentId, filter, order, token, tick]);

  const columns = useMemo(() => {
    const metrics = new Set<string>();
    const params = new Set<string>();
    for (const run of page?.runs ?? []) {
      for (const m of run.data.metrics ?? []) metrics.add(m.key);
      for (const p of run.data.params ?? []) params.add(p.key);
    }
    return { metrics: [...metrics].sort(), params: [...params].sort() };
  }, [page]);

  const toggle = (id: string) => {
    const next = new Set(selected);
    if (!next.delete(id)) next.add(id);
    go({ selected: [...next].join(',') });
  };

  const sortable = (label: string, column: string) => {
    const active = order.startsWith(`${column} `);
    const descending = active && order.endsWith('DESC');
    return (
      <th
        class={active ? 'sorted' : ''}
        aria-sort={active ? (descending ? 'descending' : 'ascending') : undefined}
      >
        <button type="button" onClick={() => go({ order: orderTerm(column, !descending) })}>
          {label}
          {active ? (descending ? ' ▼' : ' ▲') : ''}
        </button>
      </th>
    );
  };

  return (
    <section>
      <nav class="crumbs">
        <Link href="/">Experiments</Link> › Experiment {experimentId} ·{' '}
        <Link
          href={`/experiments/${experimentId}/groups${filter ? `?${new URLSearchParams({ filter })}` : ''}`}
          class="groups-link"
        >
          Group and aggregate
        </Link>
      </nav>
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
      </form>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : !page ? (
        <p class="notice">Loading…</p>
      ) : (
        <>
          <p class="summary">
            {page.runs.length} run{page.runs.length === 1 ? '' : 's'}
            {page.next || tokens.length > 1 ? ` on page ${tokens.length}` : ''}
            {selected.size > 0 && (
              <>
                {' · '}
                {selected.size} selected{' '}
                <Link
                  href={`/compare-runs?runs=${encodeURIComponent(JSON.stringify([...selected]))}`}
                  class="compare-link"
                >
                  Compare
                </Link>
              </>
            )}
          </p>
          <div class="scroll">
            <table class="grid runs">
              <thead>
                <tr>
                  <th aria-label="Select" />
                  {sortable('Run', 'attributes.run_name')}
                  {sortable('Started', 'attributes.start_time')}
                  <th>Status</th>
                  {columns.metrics.map((k) => sortable(k, quoted('metrics', k)))}
                  {columns.params.map((k) => sortable(k, quoted('params', k)))}
                </tr>
              </thead>
              <tbody>
                {page.runs.map((run) => {
                  const metrics = new Map((run.data.metrics ?? []).map((m) => [m.key, m.value]));
                  const params = new Map((run.data.params ?? []).map((p) => [p.key, p.value]));
                  return (
                    <tr key={run.info.run_id} data-run-id={run.info.run_id}>
                      <td>
                        <input
                          type="checkbox"
                          aria-label={`Select ${run.info.run_name || run.info.run_id}`}
                          checked={selected.has(run.info.run_id)}
                          onChange={() => toggle(run.info.run_id)}
                        />
                      </td>
                      <td>
                        <Link href={`/experiments/${experimentId}/runs/${run.info.run_id}`}>
                          {run.info.run_name || run.info.run_id}
                        </Link>
                      </td>
                      <td>{dateTime(run.info.start_time)}</td>
                      <td>{run.info.status}</td>
                      {columns.metrics.map((k) => (
                        <td class="num" key={k}>
                          {number(metrics.get(k))}
                        </td>
                      ))}
                      {columns.params.map((k) => (
                        <td key={k}>{params.get(k) ?? ''}</td>
                      ))}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <nav class="pager">
            <button
              type="button"
              disabled={tokens.length === 1}
              onClick={() => setTokens(tokens.slice(0, -1))}
            >
              Previous
            </button>
            <button
              type="button"
              disabled={!page.next}
              onClick={() => setTokens([...tokens, page.next])}
            >
              Next
            </button>
          </nav>
        </>
      )}
    </section>
  );
}
