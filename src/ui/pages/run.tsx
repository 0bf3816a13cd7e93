// One run: overview, params, latest metrics and tags. The page the official client links to.
import { useEffect, useState } from 'preact/hooks';
import { Link } from 'wouter-preact';
import { ApiError, get, type KeyValue, type Metric, type Run } from '../api.js';
import { Artifacts } from '../artifacts.js';
import { MetricChart, type Series } from '../chart.js';
import { dateTime, duration, number } from '../format.js';
import { useLiveTick } from '../live.js';

function Pairs({ title, rows }: { title: string; rows: [string, string][] }) {
  return (
    <section>
      <h2>
        {title} <span class="count">{rows.length}</span>
      </h2>
      {rows.length === 0 ? (
        <p class="notice">None.</p>
      ) : (
        <table class="pairs">
          <tbody>
            {rows.map(([k, v]) => (
              <tr key={k}>
                <th>{k}</th>
                <td>{v}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Points per chart the server samples a history down to (it keeps the first and last). */
const POINTS_PER_CHART = 1000;
const MAX_CHARTS = 24;

function Charts({ runId, keys, tick }: { runId: string; keys: string[]; tick: number }) {
  const [charts, setCharts] = useState<{ key: string; series: Series[] }[]>();
  const [logScale, setLogScale] = useState(false);
  useEffect(() => {
    if (tick === 0) setCharts(undefined);
    Promise.all(
      keys.slice(0, MAX_CHARTS).map(async (key) => {
        const res = await get<{ metrics?: Metric[] }>('metrics/get-history-bulk-interval', {
          run_ids: runId,
          metric_key: key,
          max_results: String(POINTS_PER_CHART),
        });
        const points = (res.metrics ?? [])
          .map((m): [number, number] => [m.step, m.value])
          .sort((a, b) => a[0] - b[0]);
        return { key, series: [{ label: key, points }] };
      }),
    ).then(setCharts, () => setCharts([]));
  }, [runId, keys.join('\0'), tick]);
  if (keys.length === 0) return null;
  return (
    <section>
      <h2>
        Charts{' '}
        <label class="option">
          <input
            type="checkbox"
            checked={logScale}
            onChange={(e) => setLogScale((e.target as HTMLInputElement).checked)}
          />{' '}
          log scale
        </label>
      </h2>
      {!charts ? (
        <p class="notice">Loading…</p>
      ) : (
        <div class="charts">
          {charts.map((c) => (
            <MetricChart key={c.key} title={c.key} series={c.series} logScale={logScale} />
          ))}
        </div>
      )}
    </section>
  );
}

const sorted = (pairs: KeyValue[] = []) =>
  pairs.map((p): [string, string] => [p.key, p.value]).sort((a, b) => a[0].localeCompare(b[0]));

export function RunPage({ experimentId, runId }: { experimentId: string; runId: string }) {
  const [run, setRun] = useState<Run | undefined>();
  const [error, setError] = useState<string>();
  const tick = useLiveTick(run?.info.status === 'RUNNING');
  useEffect(() => setRun(undefined), [runId]);
  useEffect(() => {
    get<{ run: Run }>('runs/get', { run_id: runId }).then(
      (res) => setRun(res.run),
      (err: ApiError) => setError(err.message),
    );
  }, [runId, tick]);
  if (error) return <p class="error">{error}</p>;
  if (!run) return <p class="notice">Loading…</p>;
  const { info, data } = run;
  const userTags = (data.tags ?? []).filter((t) => !t.key.startsWith('mlflow.'));
  return (
    <article>
      <nav class="crumbs">
        <Link href="/">Experiments</Link> ›{' '}
        <Link href={`/experiments/${experimentId}`}>Experiment {experimentId}</Link>
      </nav>
      <h1>{info.run_name || info.run_id}</h1>
      <Pairs
        title="Overview"
        rows={[
          ['Run ID', info.run_id],
          ['Status', info.status],
          ['Started', dateTime(info.start_time)],
          ['Duration', duration(info.start_time, info.end_time)],
          ['Lifecycle', info.lifecycle_stage],
          ['Artifacts', info.artifact_uri ?? ''],
        ]}
      />
      <Pairs title="Parameters" rows={sorted(data.params)} />
      <Charts
        runId={info.run_id}
        keys={(data.metrics ?? []).map((m) => m.key).sort()}
        tick={tick}
      />
      <Pairs
        title="Metrics"
        rows={(data.metrics ?? [])
          .map((m): [string, string] => [m.key, number(m.value)])
          .sort((a, b) => a[0].localeCompare(b[0]))}
      />
      <Pairs title="Tags" rows={sorted(userTags)} />
      <Artifacts runId={info.run_id} />
    </article>
  );
}
