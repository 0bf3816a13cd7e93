// MLflow's JSON shapes for runs and metrics: field order, omitted empties and NaN/Infinity as
// protobuf's JSON mapping writes them.
import type { MetricPoint } from '../../store/metrics.js';
import type { Run } from '../../store/runs.js';
import type { RunsTable } from '../../store/schema.js';
import type { MetricJson, RunInfoJson, RunJson } from './entities.js';

/** Protobuf JSON writes non-finite doubles as strings. */
export function metricValueJson(value: number): MetricJson['value'] {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return value;
}

export function metricJson(m: MetricPoint): MetricJson {
  return { key: m.key, value: metricValueJson(m.value), timestamp: m.timestamp, step: m.step };
}

export function runInfoJson(info: RunsTable): RunInfoJson {
  return {
    run_uuid: info.run_uuid,
    experiment_id: String(info.experiment_id),
    run_name: info.name,
    user_id: info.user_id,
    status: info.status as RunInfoJson['status'],
    start_time: Number(info.start_time),
    ...(info.end_time !== null ? { end_time: Number(info.end_time) } : {}),
    artifact_uri: info.artifact_uri,
    lifecycle_stage: info.lifecycle_stage as RunInfoJson['lifecycle_stage'],
    run_id: info.run_uuid,
  };
}

/**
 * `outputs` is absent from create-run's answer; `inputs.model_inputs` only in get-run's (MLflow's
 * search-runs leaves model inputs out).
 */
export function runJson(
  run: Run,
  opts: { outputs: boolean; modelInputs?: boolean } = { outputs: true },
): RunJson {
  const modelInputs = opts.modelInputs !== false && run.modelInputs.length;
  return {
    info: runInfoJson(run.info),
    data: {
      ...(run.metrics.length ? { metrics: run.metrics.map(metricJson) } : {}),
      ...(run.params.length ? { params: run.params } : {}),
      ...(run.tags.length ? { tags: run.tags } : {}),
    },
    inputs: {
      ...(run.datasetInputs.length ? { dataset_inputs: run.datasetInputs } : {}),
      ...(modelInputs ? { model_inputs: run.modelInputs } : {}),
    },
    ...(opts.outputs
      ? { outputs: run.modelOutputs.length ? { model_outputs: run.modelOutputs } : {} }
      : {}),
  };
}

/** A run in a search answer: MLflow's search leaves model inputs out. */
export function searchedRunJson(run: Run): RunJson {
  return runJson(run, { outputs: true, modelInputs: false });
}
