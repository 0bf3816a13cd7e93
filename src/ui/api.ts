// The UI's only way to the server: MLflow's public REST API (and trackd's), the same one every
// client uses, below the project the page was opened in (`/projects/<name>/` or the root).

/** `/projects/<name>` when the page lives below a project, '' at the root (project `default`). */
export const projectBase = (() => {
  const match = /^\/projects\/([^/]+)/.exec(window.location.pathname);
  return match ? `/projects/${match[1]}` : '';
})();

export const projectName = projectBase ? decodeURIComponent(projectBase.slice(10)) : 'default';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** MLflow's error envelope as the server sent it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const url = path.startsWith('/')
    ? `${projectBase}${path}`
    : `${projectBase}/api/2.0/mlflow/${path}`;
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) {
    throw new ApiError(
      res.status,
      String(json.error_code ?? 'INTERNAL_ERROR'),
      String(json.message ?? `${res.status} ${res.statusText}`),
    );
  }
  return json as T;
}

/** A GET with `query` added to whatever query string `path` already has. */
export function get<T>(path: string, query: Record<string, string> = {}): Promise<T> {
  const extra = new URLSearchParams(query).toString();
  const joiner = path.includes('?') ? '&' : '?';
  return call<T>('GET', extra ? `${path}${joiner}${extra}` : path);
}
/** A POST to MLflow's API (`runs/search`), or to any path below the project (`/api/trackd/v1/…`). */
export const post = <T>(path: string, body: unknown) => call<T>('POST', path, body);
/** A PATCH or DELETE (MLflow 3's REST-style paths, e.g. `/api/3.0/mlflow/traces/<id>/tags`). */
export const send = <T>(method: 'PATCH' | 'DELETE', path: string, body?: unknown) =>
  call<T>(method, path, body);

export interface KeyValue {
  key: string;
  value: string;
}

export interface Metric {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}

export interface Experiment {
  experiment_id: string;
  name: string;
  lifecycle_stage: string;
  last_update_time?: number;
  creation_time?: number;
}

export interface Run {
  info: {
    run_id: string;
    run_name?: string;
    experiment_id: string;
    status: string;
    start_time?: number;
    end_time?: number;
    lifecycle_stage: string;
    artifact_uri?: string;
  };
  data: { metrics?: Metric[]; params?: KeyValue[]; tags?: KeyValue[] };
  /** `model_inputs` only in runs/get's answer, not runs/search's (as MLflow). */
  inputs?: { dataset_inputs?: DatasetInput[]; model_inputs?: { model_id: string }[] };
  outputs?: { model_outputs?: { model_id: string; step: number }[] };
}

/** A dataset a run used (runs/log-inputs); its tag `mlflow.data.context` says what for. */
export interface DatasetInput {
  tags?: KeyValue[];
  dataset: {
    name: string;
    digest: string;
    source_type: string;
    source: string;
    schema?: string;
    profile?: string;
  };
}

/** MLflow 3's logged model (`logged-models/search`, `logged-models/<id>`). */
export interface LoggedModel {
  info: {
    model_id: string;
    experiment_id: string;
    name: string;
    creation_timestamp_ms: number;
    last_updated_timestamp_ms: number;
    artifact_uri: string;
    status: string;
    model_type?: string;
    /** "" when the model was created without one (MLflow's REST path stores it so). */
    source_run_id?: string;
    status_message?: string;
    tags?: KeyValue[];
  };
  data: {
    params?: KeyValue[];
    metrics?: (Metric & { run_id?: string; dataset_name?: string; dataset_digest?: string })[];
  };
}

/** A run's tag value, or undefined. */
export const tagOf = (run: Run, key: string) => run.data.tags?.find((t) => t.key === key)?.value;
