// MLflow 3's logged models: an experiment's list (MLflow's `#/experiments/<id>/models`) and one
// model's page (`#/experiments/<id>/models/<model_id>`) with its params, tags, metrics, source run
// and artifacts.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Link } from 'wouter-preact';
import { ApiError, get, post, type LoggedModel } from '../api.js';
import { Artifacts, loggedModelArtifacts } from '../artifacts.js';
import { dateTime, modelStatus, number } from '../format.js';
import { Pairs, sortedPairs } from '../pairs.js';
import { modelHref, RunLink } from './run-relations.js';
import { ExperimentName } from '../experiment-name.js';
import { ExperimentTabs } from '../experiment-tabs.js';

const PAGE_SIZE = 100;

type ModelMetric = NonNullable<LoggedModel['data']['metrics']>[number];

/** Each key's latest value (highest step, then newest): a model may hold a key per step/dataset. */
function latestMetrics(model: LoggedModel): ModelMetric[] {
  const latest = new Map<string, ModelMetric>();
  for (const m of model.data.metrics ?? []) {
    const seen = latest.get(m.key);
    if (!seen || m.step > seen.step || (m.step === seen.step && m.timestamp > seen.timestamp)) {
      latest.set(m.key, m);
    }
  }
  return [...latest.values()].sort((a, b) => a.key.localeCompare(b.key));
}

function Crumbs({ experimentId, last }: { experimentId: string; last?: string }) {
  return (
    <nav class="crumbs">
      <Link href="/">Experiments</Link> ›{' '}
      <Link href={`/experiments/${experimentId}`}>
        <ExperimentName id={experimentId} />
      </Link>{' '}
      ›{' '}
      {last ? (
        <Link href={`/experiments/${experimentId}/models`}>Logged models</Link>
      ) : (
        'Logged models'
      )}
      {last && ` › ${last}`}
    </nav>
  );
}

export function LoggedModelsPage({ experimentId }: { experimentId: string }) {
  const [models, setModels] = useState<LoggedModel[]>();
  const [next, setNext] = useState<string>();
  const [error, setError] = useState<string>();
  const load = (pageToken?: string) =>
    post<{ models?: LoggedModel[]; next_page_token?: string }>('logged-models/search', {
      experiment_ids: [experimentId],
      max_results: PAGE_SIZE,
      ...(pageToken ? { page_token: pageToken } : {}),
    }).then(
      (res) => {
        setModels((shown) => [...(pageToken ? (shown ?? []) : []), ...(res.models ?? [])]);
        setNext(res.next_page_token);
      },
      (err: ApiError) => setError(err.message),
    );
  useEffect(() => {
    setModels(undefined);
    void load();
  }, [experimentId]);
  if (error) return <p class="error">{error}</p>;
  if (!models) return <p class="notice">Loading…</p>;
  return (
    <section>
      <Crumbs experimentId={experimentId} />
      <ExperimentTabs experimentId={experimentId} current="models" />
      <h1>Logged models</h1>
      {models.length === 0 ? (
        <p class="notice">No logged models in this experiment yet.</p>
      ) : (
        <div class="scroll">
          <table class="grid logged-models">
            <thead>
              <tr>
                <th>Name</th>
                <th>Model ID</th>
                <th>Status</th>
                <th>Source run</th>
                <th>Created</th>
                <th>Metrics</th>
              </tr>
            </thead>
            <tbody>
              {models.map(({ info, ...model }) => (
                <tr key={info.model_id} data-model-id={info.model_id}>
                  <td>
                    <Link href={modelHref(experimentId, info.model_id)}>{info.name}</Link>
                  </td>
                  <td>
                    <code>{info.model_id}</code>
                  </td>
                  <td>{modelStatus(info.status)}</td>
                  <td>
                    {info.source_run_id && (
                      <Link
                        class="source-run"
                        href={`/experiments/${experimentId}/runs/${info.source_run_id}`}
                      >
                        {info.source_run_id}
                      </Link>
                    )}
                  </td>
                  <td>{dateTime(info.creation_timestamp_ms)}</td>
                  <td class="metrics">
                    {latestMetrics({ info, ...model })
                      .map((m) => `${m.key}=${number(m.value)}`)
                      .join(', ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {next && (
        <button type="button" class="more" onClick={() => void load(next)}>
          More
        </button>
      )}
    </section>
  );
}

export function LoggedModelPage({
  experimentId,
  modelId,
}: {
  experimentId: string;
  modelId: string;
}) {
  const [model, setModel] = useState<LoggedModel>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    setModel(undefined);
    get<{ model: LoggedModel }>(`logged-models/${encodeURIComponent(modelId)}`).then(
      (res) => setModel(res.model),
      (err: ApiError) => setError(err.message),
    );
  }, [modelId]);
  if (error) return <p class="error">{error}</p>;
  if (!model) return <p class="notice">Loading…</p>;
  const { info, data } = model;
  const userTags = (info.tags ?? []).filter((t) => !t.key.startsWith('mlflow.'));
  return (
    <article>
      <Crumbs experimentId={experimentId} last={info.name} />
      <h1>{info.name}</h1>
      <Pairs
        title="Overview"
        rows={
          [
            ['Model ID', info.model_id],
            [
              'Status',
              modelStatus(info.status) + (info.status_message ? ` — ${info.status_message}` : ''),
            ],
            ['Model type', info.model_type ?? ''],
            [
              'Source run',
              info.source_run_id ? <RunLink runId={info.source_run_id} class="source-run" /> : '',
            ],
            ['Created', dateTime(info.creation_timestamp_ms)],
            ['Last update', dateTime(info.last_updated_timestamp_ms)],
            ['Artifacts', info.artifact_uri],
          ].filter(([, v]) => v !== '') as [string, ComponentChildren][]
        }
      />
      <Pairs title="Parameters" rows={sortedPairs(data.params)} />
      <section>
        <h2>
          Metrics <span class="count">{data.metrics?.length ?? 0}</span>
        </h2>
        {!data.metrics?.length ? (
          <p class="notice">None.</p>
        ) : (
          <table class="grid model-metrics">
            <thead>
              <tr>
                <th>Key</th>
                <th>Value</th>
                <th>Step</th>
                <th>Dataset</th>
                <th>Run</th>
              </tr>
            </thead>
            <tbody>
              {data.metrics.map((m, i) => (
                <tr key={i}>
                  <td>{m.key}</td>
                  <td class="num">{number(m.value)}</td>
                  <td class="num">{m.step}</td>
                  <td>{m.dataset_name ?? ''}</td>
                  <td>{m.run_id && <code>{m.run_id}</code>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <Pairs title="Tags" rows={sortedPairs(userTags)} />
      <Artifacts key={info.model_id} source={loggedModelArtifacts(info.model_id)} />
    </article>
  );
}
