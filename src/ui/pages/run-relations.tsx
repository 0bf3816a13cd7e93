// What a run is linked to: its parent and child runs (tag `mlflow.parentRunId`), the datasets it
// used, and the logged models it used and produced (MLflow 3), each a link to its own page.
import { useEffect, useState } from 'preact/hooks';
import { Link } from 'wouter-preact';
import { get, post, type DatasetInput, type LoggedModel, type Run } from '../api.js';
import { dateTime, modelStatus } from '../format.js';
import { DataTable } from '../data-table.js';

export const PARENT_TAG = 'mlflow.parentRunId';
const CHILDREN_SHOWN = 100;

export const runHref = (experimentId: string, runId: string) =>
  `/experiments/${experimentId}/runs/${runId}`;
export const modelHref = (experimentId: string, modelId: string) =>
  `/experiments/${experimentId}/models/${modelId}`;

/** A link to a run (parent, source), named as the run is once it has been read: its page lives
 * below its own experiment, which the linking side may not know. */
export function RunLink({ runId, class: className }: { runId: string; class: string }) {
  const [run, setRun] = useState<Run['info']>();
  useEffect(() => {
    get<{ run: Run }>('runs/get', { run_id: runId }).then(
      (res) => setRun(res.run.info),
      () => setRun(undefined),
    );
  }, [runId]);
  // A run that cannot be read (deleted for good, never existed) is still shown by its id.
  if (!run) return <span class={className}>{runId}</span>;
  return (
    <Link class={className} href={runHref(run.experiment_id, runId)}>
      {run.run_name || runId}
    </Link>
  );
}

/** `tick` refetches: an active parent gains children while its page is open. */
export function ChildRuns({ run, tick }: { run: Run; tick: number }) {
  const [children, setChildren] = useState<Run[]>();
  const [more, setMore] = useState(false);
  const { run_id: runId, experiment_id: experimentId } = run.info;
  useEffect(() => {
    post<{ runs?: Run[]; next_page_token?: string }>('runs/search', {
      experiment_ids: [experimentId],
      filter: `tags.${PARENT_TAG} = '${runId}'`,
      max_results: CHILDREN_SHOWN,
      order_by: ['attributes.start_time ASC'],
    }).then(
      (res) => {
        setChildren(res.runs ?? []);
        setMore(!!res.next_page_token);
      },
      () => setChildren([]),
    );
  }, [runId, experimentId, tick]);
  if (!children?.length) return null;
  return (
    <section>
      <h2>
        Child runs{' '}
        <span class="count">
          {children.length}
          {more ? '+' : ''}
        </span>
      </h2>
      <ul class="links child-runs">
        {children.map((c) => (
          <li key={c.info.run_id}>
            <Link href={runHref(c.info.experiment_id, c.info.run_id)}>
              {c.info.run_name || c.info.run_id}
            </Link>{' '}
            <span class="count">
              {c.info.status} · {dateTime(c.info.start_time)}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function Datasets({ inputs }: { inputs: DatasetInput[] }) {
  if (inputs.length === 0) return null;
  return (
    <section class="datasets">
      <h2>
        Datasets <span class="count">{inputs.length}</span>
      </h2>
      <DataTable
        head={['Name', 'Digest', 'Source type', 'Context']}
        rows={inputs.map((d) => [
          <span title={d.dataset.source}>{d.dataset.name}</span>,
          <code>{d.dataset.digest}</code>,
          d.dataset.source_type,
          d.tags?.find((t) => t.key === 'mlflow.data.context')?.value ?? '',
        ])}
      />
    </section>
  );
}

/** The logged models a run used (inputs) and produced (outputs), read once each for name and
 * experiment (a model's page lives below its own experiment). */
export function RunModels({ run }: { run: Run }) {
  const used = run.inputs?.model_inputs ?? [];
  const produced = run.outputs?.model_outputs ?? [];
  const ids = [...new Set([...used, ...produced].map((m) => m.model_id))];
  const [models, setModels] = useState<Record<string, LoggedModel['info']>>({});
  useEffect(() => {
    Promise.all(
      ids.map((id) =>
        get<{ model: LoggedModel }>(`logged-models/${encodeURIComponent(id)}`).then(
          (res) => res.model.info,
          () => undefined,
        ),
      ),
    ).then((infos) =>
      setModels(Object.fromEntries(infos.flatMap((i) => (i ? [[i.model_id, i]] : [])))),
    );
  }, [ids.join()]);
  if (ids.length === 0) return null;
  const link = (id: string) => {
    const info = models[id];
    if (!info) return <code>{id}</code>;
    return (
      <Link class="model-link" href={modelHref(info.experiment_id, id)}>
        {id}
      </Link>
    );
  };
  const row = (direction: string, id: string, step?: number) => [
    direction,
    models[id]?.name ?? '',
    link(id),
    modelStatus(models[id]?.status),
    step === undefined ? '' : String(step),
  ];
  return (
    <section class="run-models">
      <h2>
        Logged models <span class="count">{ids.length}</span>
      </h2>
      <DataTable
        head={['', 'Name', 'Model ID', 'Status', 'Step']}
        rows={[
          ...used.map((m) => row('input', m.model_id)),
          ...produced.map((m) => row('output', m.model_id, m.step)),
        ]}
      />
    </section>
  );
}
