// One run: overview, params, latest metrics and tags. The page the official client links to.
import { useEffect, useState } from 'preact/hooks';
import { Link } from 'wouter-preact';
import { ApiError, get, type KeyValue, type Run } from '../api.js';
import { dateTime, duration, number } from '../format.js';

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

const sorted = (pairs: KeyValue[] = []) =>
  pairs.map((p): [string, string] => [p.key, p.value]).sort((a, b) => a[0].localeCompare(b[0]));

export function RunPage({ experimentId, runId }: { experimentId: string; runId: string }) {
  const [run, setRun] = useState<Run | undefined>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    setRun(undefined);
    get<{ run: Run }>('runs/get', { run_id: runId }).then(
      (res) => setRun(res.run),
      (err: ApiError) => setError(err.message),
    );
  }, [runId]);
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
      <Pairs
        title="Metrics"
        rows={(data.metrics ?? [])
          .map((m): [string, string] => [m.key, number(m.value)])
          .sort((a, b) => a[0].localeCompare(b[0]))}
      />
      <Pairs title="Tags" rows={sorted(userTags)} />
    </article>
  );
}
