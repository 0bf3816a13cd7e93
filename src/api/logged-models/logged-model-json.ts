// MLflow's JSON for logged models (LoggedModel = info + data), as zod schemas for the endpoint
// table and OpenAPI, and the function that writes a stored model in that shape: empty lists omitted,
// status by enum name. Model metric values are always finite (stored as MLflow stores them).
import { z } from 'zod';
import { LOGGED_MODEL_STATUS, statusName, type LoggedModel } from '../../store/logged-models.js';

const keyValueJson = z.object({ key: z.string(), value: z.string() });

const statusEnum = z.enum(Object.keys(LOGGED_MODEL_STATUS) as [keyof typeof LOGGED_MODEL_STATUS]);

export const loggedModelMetricJson = z.object({
  key: z.string(),
  value: z.number(),
  timestamp: z.number().int(),
  step: z.number().int(),
  dataset_name: z.string().optional(),
  dataset_digest: z.string().optional(),
  model_id: z.string(),
  run_id: z.string(),
});

export const loggedModelJsonSchema = z.object({
  info: z.object({
    model_id: z.string(),
    experiment_id: z.string(),
    name: z.string(),
    creation_timestamp_ms: z.number().int(),
    last_updated_timestamp_ms: z.number().int(),
    artifact_uri: z.string(),
    status: statusEnum,
    model_type: z.string().optional(),
    source_run_id: z.string().optional(),
    status_message: z.string().optional(),
    tags: z.array(keyValueJson).optional(),
  }),
  data: z.object({
    params: z.array(keyValueJson).optional(),
    metrics: z.array(loggedModelMetricJson).optional(),
  }),
});

export type LoggedModelJson = z.infer<typeof loggedModelJsonSchema>;

/** `{"model": LoggedModel}`: the answer of create, get and finalize. */
export const loggedModelResponse = z.object({ model: loggedModelJsonSchema });

export function loggedModelJson(model: LoggedModel): LoggedModelJson {
  const { info } = model;
  return {
    info: {
      model_id: info.model_id,
      experiment_id: String(info.experiment_id),
      name: info.name,
      creation_timestamp_ms: Number(info.creation_timestamp_ms),
      last_updated_timestamp_ms: Number(info.last_updated_timestamp_ms),
      artifact_uri: info.artifact_location,
      status: statusName(Number(info.status)),
      ...(info.model_type !== null ? { model_type: info.model_type } : {}),
      ...(info.source_run_id !== null ? { source_run_id: info.source_run_id } : {}),
      ...(info.status_message !== null ? { status_message: info.status_message } : {}),
      ...(model.tags.length ? { tags: model.tags } : {}),
    },
    data: {
      ...(model.params.length ? { params: model.params } : {}),
      ...(model.metrics.length
        ? {
            metrics: model.metrics.map((m) => ({
              key: m.key,
              value: m.value,
              timestamp: m.timestamp,
              step: m.step,
              ...(m.dataset_name ? { dataset_name: m.dataset_name } : {}),
              ...(m.dataset_digest ? { dataset_digest: m.dataset_digest } : {}),
              model_id: m.model_id,
              run_id: m.run_id,
            })),
          }
        : {}),
    },
  };
}
