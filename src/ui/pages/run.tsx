// One run: overview (status, source, parent and child runs), description, params, metric charts,
// latest metrics, tags, datasets, logged models and artifacts. The page the official client
// links to.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Link } from 'wouter-preact';
import { ApiError, get, tagOf, type Run } from '../api.js';
import { Artifacts, runArtifacts } from '../artifacts.js';
import { dateTime, duration, number } from '../format.js';
import { useLiveTick } from '../live.js';
import { Markdown } from '../markdown.js';
import { Pairs, sortedPairs } from '../pairs.js';
import { RunCharts } from './run-charts.js';
import { ChildRuns, Datasets, PARENT_TAG, RunLink, RunModels } from './run-relations.js';
import { ExperimentName } from '../experiment-name.js';
import { lazy } from '../lazy.js';

// The traces section is in the trace pages' chunk; a run without traces shows nothing meanwhile.
const RunTraces = lazy(() => import('./traces/run-traces.js').then((m) => m.RunTraces), null);

/** `train.py · LOCAL · git 1a2b3c4`, from the tags MLflow's client sets. */
function source(run: Run): ComponentChildren {
  const name = tagOf(run, 'mlflow.source.name');
  const type = tagOf(run, 'mlflow.source.type');
  const commit = tagOf(run, 'mlflow.source.git.commit');
  if (!name && !type && !commit) return undefined;
  return (
    <span class="source">
      {[name, type].filter(Boolean).join(' · ')}
      {commit && (
        <>
          {name || type ? ' · ' : ''}git <code title={commit}>{commit.slice(0, 7)}</code>
        </>
      )}
    </span>
  );
}

function overview(run: Run): [string, ComponentChildren][] {
  const { info } = run;
  const parent = tagOf(run, PARENT_TAG);
  const user = tagOf(run, 'mlflow.user');
  const rows: [string, ComponentChildren][] = [
    ['Run ID', info.run_id],
    ['Status', info.status],
    ['Started', dateTime(info.start_time)],
    ['Duration', duration(info.start_time, info.end_time)],
    ['Source', source(run)],
    ['User', user],
    ['Parent run', parent && <RunLink runId={parent} class="parent-run" />],
    ['Lifecycle', info.lifecycle_stage],
    ['Artifacts', info.artifact_uri ?? ''],
  ];
  return rows.filter(([, v]) => v !== undefined && v !== '');
}

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
  const description = tagOf(run, 'mlflow.note.content');
  return (
    <article>
      <nav class="crumbs">
        <Link href="/">Experiments</Link> ›{' '}
        <Link href={`/experiments/${experimentId}`}>
          <ExperimentName id={experimentId} />
        </Link>{' '}
        · <Link href={`/experiments/${experimentId}/models`}>Logged models</Link>
      </nav>
      <h1>{info.run_name || info.run_id}</h1>
      <Pairs title="Overview" rows={overview(run)} />
      {description && (
        <section class="description">
          <h2>Description</h2>
          <Markdown text={description} />
        </section>
      )}
      <ChildRuns run={run} tick={tick} />
      <Pairs title="Parameters" rows={sortedPairs(data.params)} />
      <RunCharts
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
      <Pairs title="Tags" rows={sortedPairs(userTags)} />
      <Datasets inputs={run.inputs?.dataset_inputs ?? []} />
      <RunModels run={run} />
      <RunTraces experimentId={info.experiment_id} runId={info.run_id} />
      <Artifacts key={info.run_id} source={runArtifacts(info.run_id)} />
    </article>
  );
}
