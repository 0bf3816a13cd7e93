// Runs side by side (MLflow's `#/compare-runs?runs=[…]` link works too): each metric's histories
// overlaid in one chart (x axis, smoothing and log scale as on the run page), the params in a
// table whose differing rows stand out, and a parallel-coordinates chart of the differing params
// against a metric chosen in the URL (`?metric=`).
import { useEffect, useMemo, useState } from 'preact/hooks';
import { Link, useLocation, useSearch } from 'wouter-preact';
import { ApiError, get, post, type Metric, type Run } from '../api.js';
import { ChartControls, ChartGrid } from '../chart-controls.js';
import type { Series } from '../chart.js';
import { chartSettingsOf, xOf } from '../chart-settings.js';
import { ParallelChart } from '../parallel.js';

// Points a run each chart asks the server for: what MLflow's own UI asks (its charts sample 320).
const POINTS_PER_RUN = 320;

/** Ids from `name=["a","b"]` (MLflow's form) or `name=a,b`. */
function idsOf(search: string, name: 'runs' | 'experiments'): string[] {
  const raw = new URLSearchParams(search).get(name) ?? '';
  try {
    const parsed: unknown = JSON.parse(raw);
    if (Array.isArray(parsed)) return parsed.map(String);
  } catch {
    // not JSON: a comma-separated list
  }
  return raw.split(',').filter(Boolean);
}

export const runIdsOf = (search: string) => idsOf(search, 'runs');

const quote = (id: string) => `'${id.replace(/'/g, "''")}'`;

/**
 * The runs, in the order given. Where the link names their experiments (MLflow's links do), one
 * runs/search finds them all; a run it does not find (or a link without experiments) is fetched
 * on its own.
 */
async function fetchRuns(ids: string[], experimentIds: string[]): Promise<Run[]> {
  const found = new Map<string, Run>();
  if (experimentIds.length > 0) {
    const res = await post<{ runs?: Run[] }>('runs/search', {
      experiment_ids: experimentIds,
      filter: `attributes.run_id IN (${ids.map(quote).join(', ')})`,
      run_view_type: 'ALL',
      max_results: ids.length,
    });
    for (const run of res.runs ?? []) found.set(run.info.run_id, run);
  }
  return Promise.all(
    ids.map(
      (id) => found.get(id) ?? get<{ run: Run }>('runs/get', { run_id: id }).then((r) => r.run),
    ),
  );
}

/** The differing params against the chosen metric's latest value, one line a run. */
function ParamsToMetric({ runs, paramKeys }: { runs: Run[]; paramKeys: string[] }) {
  const search = new URLSearchParams(useSearch());
  const [location, navigate] = useLocation();
  const metricKeys = [
    ...new Set(runs.flatMap((r) => (r.data.metrics ?? []).map((m) => m.key))),
  ].sort();
  const chosen = search.get('metric') ?? '';
  const metric = metricKeys.includes(chosen) ? chosen : metricKeys[0];
  if (!metric) return null;
  const paramOf = (r: Run, key: string) => r.data.params?.find((p) => p.key === key)?.value;
  const differing = paramKeys.filter((k) => new Set(runs.map((r) => paramOf(r, k))).size > 1);
  const choose = (key: string) => {
    search.set('metric', key);
    navigate(`${location}?${search}`, { replace: true });
  };
  return (
    <section>
      <h2>
        Parameters → metric{' '}
        <label class="option">
          metric{' '}
          <select
            name="metric"
            value={metric}
            onChange={(e) => choose((e.target as HTMLSelectElement).value)}
          >
            {metricKeys.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
      </h2>
      {differing.length === 0 ? (
        <p class="notice">The runs' params do not differ.</p>
      ) : (
        <div class="scroll">
          <ParallelChart
            metric={metric}
            params={differing}
            runs={runs.map((r) => ({
              id: r.info.run_id,
              label: r.info.run_name || r.info.run_id,
              params: Object.fromEntries(differing.map((k) => [k, paramOf(r, k)])),
              value: r.data.metrics?.find((m) => m.key === metric)?.value,
            }))}
          />
        </div>
      )}
    </section>
  );
}

export function ComparePage() {
  const ids = runIdsOf(useSearch());
  const experimentIds = idsOf(useSearch(), 'experiments');
  const [runs, setRuns] = useState<Run[]>();
  const [histories, setHistories] = useState<{ key: string; byRun: Map<string, Metric[]> }[]>([]);
  const settings = chartSettingsOf(new URLSearchParams(useSearch()));
  const [error, setError] = useState<string>();
  useEffect(() => {
    fetchRuns(ids, experimentIds).then(setRuns, (err: ApiError) => setError(err.message));
  }, [ids.join(), experimentIds.join()]);
  useEffect(() => {
    if (!runs) return;
    const keys = [...new Set(runs.flatMap((r) => (r.data.metrics ?? []).map((m) => m.key)))].sort();
    Promise.all(
      keys.map(async (key) => {
        const query = new URLSearchParams({ metric_key: key, max_results: String(POINTS_PER_RUN) });
        for (const r of runs) query.append('run_ids', r.info.run_id);
        const res = await get<{ metrics?: (Metric & { run_id: string })[] }>(
          `metrics/get-history-bulk-interval?${query}`,
        );
        const byRun = new Map<string, Metric[]>();
        for (const m of res.metrics ?? []) {
          if (!byRun.has(m.run_id)) byRun.set(m.run_id, []);
          byRun.get(m.run_id)!.push(m);
        }
        return { key, byRun };
      }),
    ).then(setHistories, () => setHistories([]));
  }, [runs]);
  // Re-plotted, not refetched, when the x axis changes; "relative" counts from each run's own
  // first point, so runs started at different times line up.
  const charts = useMemo(() => {
    const name = new Map(
      (runs ?? []).map((r) => [r.info.run_id, r.info.run_name || r.info.run_id]),
    );
    const first = new Map<string, number>();
    for (const h of histories) {
      for (const [id, metrics] of h.byRun) {
        for (const m of metrics) first.set(id, Math.min(first.get(id) ?? Infinity, m.timestamp));
      }
    }
    return histories.map(({ key, byRun }) => ({
      key,
      series: [...byRun].map(([id, metrics]): Series => ({
        label: name.get(id) ?? id,
        points: metrics
          .map((m): [number, number] => [xOf(m, settings.x, first.get(id)!), m.value])
          .sort((a, b) => a[0] - b[0]),
      })),
    }));
  }, [histories, settings.x]);
  if (error) return <p class="error">{error}</p>;
  if (!runs) return <p class="notice">Loading…</p>;
  const paramKeys = [
    ...new Set(runs.flatMap((r) => (r.data.params ?? []).map((p) => p.key))),
  ].sort();
  const paramOf = (r: Run, key: string) => r.data.params?.find((p) => p.key === key)?.value ?? '';
  return (
    <section>
      <h1>Comparing {runs.length} runs</h1>
      <div class="scroll">
        <table class="grid compare">
          <thead>
            <tr>
              <th>Parameter</th>
              {runs.map((r) => (
                <th key={r.info.run_id}>
                  <Link href={`/experiments/${r.info.experiment_id}/runs/${r.info.run_id}`}>
                    {r.info.run_name || r.info.run_id}
                  </Link>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {paramKeys.map((key) => {
              const values = runs.map((r) => paramOf(r, key));
              const differs = new Set(values).size > 1;
              return (
                <tr key={key} class={differs ? 'differs' : ''}>
                  <th>{key}</th>
                  {values.map((v, i) => (
                    <td key={i}>{v}</td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <ParamsToMetric runs={runs} paramKeys={paramKeys} />
      {charts.length > 0 && (
        <h2>
          Metrics <ChartControls settings={settings} />
        </h2>
      )}
      <ChartGrid charts={charts} settings={settings} />
    </section>
  );
}
