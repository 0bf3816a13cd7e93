// The model registry: registered models (MLflow's `#/models`), and a model's versions with their
// stages, aliases, tags and links to the runs they came from and the logged models they register
// (`#/models/<name>`).
import { useEffect, useState } from 'preact/hooks';
import { Link } from 'wouter-preact';
import { ApiError, get, type KeyValue, type LoggedModel } from '../api.js';
import { dateTime } from '../format.js';
import { Markdown } from '../markdown.js';

interface ModelVersion {
  name: string;
  version: string;
  current_stage?: string;
  status?: string;
  source?: string;
  run_id?: string;
  aliases?: string[];
  tags?: KeyValue[];
  creation_timestamp?: number;
  description?: string;
  /** MLflow 3: the logged model this version registers. */
  model_id?: string;
}

interface RegisteredModel {
  name: string;
  description?: string;
  creation_timestamp?: number;
  last_updated_timestamp?: number;
  latest_versions?: ModelVersion[];
  aliases?: { alias: string; version: string }[];
  tags?: KeyValue[];
}

export function ModelsPage() {
  const [models, setModels] = useState<RegisteredModel[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    get<{ registered_models?: RegisteredModel[] }>('registered-models/search', {
      max_results: '1000',
    }).then(
      (res) => setModels(res.registered_models ?? []),
      (err: ApiError) => setError(err.message),
    );
  }, []);
  if (error) return <p class="error">{error}</p>;
  if (!models) return <p class="notice">Loading…</p>;
  return (
    <section>
      <h1>Registered models</h1>
      {models.length === 0 ? (
        <p class="notice">No registered models in this project yet.</p>
      ) : (
        <table class="grid models">
          <thead>
            <tr>
              <th>Name</th>
              <th>Latest version</th>
              <th>Aliases</th>
              <th>Last update</th>
            </tr>
          </thead>
          <tbody>
            {models.map((m) => {
              const latest = (m.latest_versions ?? []).reduce(
                (best, v) => Math.max(best, Number(v.version)),
                0,
              );
              return (
                <tr key={m.name}>
                  <td>
                    <Link href={`/models/${encodeURIComponent(m.name)}`}>{m.name}</Link>
                  </td>
                  <td>{latest ? `Version ${latest}` : ''}</td>
                  <td>{(m.aliases ?? []).map((a) => `@${a.alias} → ${a.version}`).join(', ')}</td>
                  <td>{dateTime(m.last_updated_timestamp)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function ModelPage({ name }: { name: string }) {
  const [model, setModel] = useState<RegisteredModel>();
  const [versions, setVersions] = useState<ModelVersion[]>();
  const [runExperiments, setRunExperiments] = useState<Record<string, string>>({});
  const [modelExperiments, setModelExperiments] = useState<Record<string, string>>({});
  const [error, setError] = useState<string>();
  useEffect(() => {
    Promise.all([
      get<{ registered_model: RegisteredModel }>('registered-models/get', { name }),
      get<{ model_versions?: ModelVersion[] }>('model-versions/search', {
        filter: `name = '${name.replace(/'/g, "\\'")}'`,
        max_results: '1000',
      }),
    ]).then(
      ([m, v]) => {
        setModel(m.registered_model);
        const list = (v.model_versions ?? []).sort((a, b) => Number(b.version) - Number(a.version));
        setVersions(list);
        // A run link needs the run's experiment: ask for each source run once.
        const runIds = [...new Set(list.flatMap((x) => (x.run_id ? [x.run_id] : [])))];
        Promise.all(
          runIds.map((id) =>
            get<{ run: { info: { experiment_id: string } } }>('runs/get', { run_id: id }).then(
              (r) => [id, r.run.info.experiment_id] as const,
              () => undefined,
            ),
          ),
        ).then((pairs) =>
          setRunExperiments(Object.fromEntries(pairs.filter((p) => !!p) as [string, string][])),
        );
        // So does a logged model's page: ask for each logged model once.
        const modelIds = [...new Set(list.flatMap((x) => (x.model_id ? [x.model_id] : [])))];
        Promise.all(
          modelIds.map((id) =>
            get<{ model: LoggedModel }>(`logged-models/${encodeURIComponent(id)}`).then(
              (r) => [id, r.model.info.experiment_id] as const,
              () => undefined,
            ),
          ),
        ).then((pairs) =>
          setModelExperiments(Object.fromEntries(pairs.filter((p) => !!p) as [string, string][])),
        );
      },
      (err: ApiError) => setError(err.message),
    );
  }, [name]);
  if (error) return <p class="error">{error}</p>;
  if (!model || !versions) return <p class="notice">Loading…</p>;
  const aliasesOf = (v: ModelVersion) =>
    (model.aliases ?? []).filter((a) => a.version === v.version).map((a) => `@${a.alias}`);
  return (
    <section>
      <nav class="crumbs">
        <Link href="/models">Registered models</Link> › {model.name}
      </nav>
      <h1>{model.name}</h1>
      {model.description && (
        <div class="description">
          <Markdown text={model.description} />
        </div>
      )}
      <table class="grid versions">
        <thead>
          <tr>
            <th>Version</th>
            <th>Stage</th>
            <th>Aliases</th>
            <th>Created</th>
            <th>Source run</th>
            <th>Logged model</th>
            <th>Tags</th>
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr key={v.version} data-version={v.version}>
              <td>Version {v.version}</td>
              <td>{v.current_stage ?? ''}</td>
              <td>{aliasesOf(v).join(', ')}</td>
              <td>{dateTime(v.creation_timestamp)}</td>
              <td>
                {v.run_id && runExperiments[v.run_id] ? (
                  <Link
                    class="source-run"
                    href={`/experiments/${runExperiments[v.run_id]}/runs/${v.run_id}`}
                  >
                    {v.run_id}
                  </Link>
                ) : (
                  (v.run_id ?? v.source ?? '')
                )}
              </td>
              <td>
                {v.model_id && modelExperiments[v.model_id] ? (
                  <Link
                    class="logged-model"
                    href={`/experiments/${modelExperiments[v.model_id]}/models/${v.model_id}`}
                  >
                    {v.model_id}
                  </Link>
                ) : (
                  (v.model_id ?? '')
                )}
              </td>
              <td>{(v.tags ?? []).map((t) => `${t.key}=${t.value}`).join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
