// MLflow's JSON entities as the server writes them (protobuf's JSON mapping: int64 as numbers,
// enums as names, empty repeated fields omitted). Response schemas of the endpoint table are built
// from these, so the OpenAPI document and the serializers beside them (run-json.ts, …) share one description.
import { z } from 'zod';

/** A metric value: a number, or one of the strings protobuf JSON writes for non-finite doubles. */
export const metricValueSchema = z
  .union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])])
  .meta({ description: 'A double; NaN and ±Infinity are written as strings.' });

export const keyValueSchema = z.object({ key: z.string(), value: z.string() });

export const experimentSchema = z
  .object({
    experiment_id: z.string(),
    name: z.string(),
    artifact_location: z.string(),
    lifecycle_stage: z.enum(['active', 'deleted']),
    last_update_time: z.int(),
    creation_time: z.int(),
    tags: z.array(keyValueSchema).optional(),
    workspace: z.string().meta({ description: 'The project (MLflow workspace) it belongs to.' }),
  })
  .meta({ id: 'Experiment' });
export type ExperimentJson = z.infer<typeof experimentSchema>;

export const runStatusSchema = z.enum(['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED']);

export const runInfoSchema = z
  .object({
    run_uuid: z.string().meta({ description: 'Deprecated alias of run_id.' }),
    experiment_id: z.string(),
    run_name: z.string(),
    user_id: z.string(),
    status: runStatusSchema,
    start_time: z.int(),
    end_time: z.int().optional(),
    artifact_uri: z.string(),
    lifecycle_stage: z.enum(['active', 'deleted']),
    run_id: z.string(),
  })
  .meta({ id: 'RunInfo' });
export type RunInfoJson = z.infer<typeof runInfoSchema>;

export const metricSchema = z
  .object({ key: z.string(), value: metricValueSchema, timestamp: z.int(), step: z.int() })
  .meta({ id: 'Metric' });
export type MetricJson = z.infer<typeof metricSchema>;

export const datasetInputSchema = z
  .object({
    tags: z.array(keyValueSchema).optional(),
    dataset: z.object({
      name: z.string(),
      digest: z.string(),
      source_type: z.string(),
      source: z.string(),
      schema: z.string().optional(),
      profile: z.string().optional(),
    }),
  })
  .meta({ id: 'DatasetInput' });

export const runSchema = z
  .object({
    info: runInfoSchema,
    data: z.object({
      metrics: z.array(metricSchema).optional().meta({ description: 'Latest value of each.' }),
      params: z.array(keyValueSchema).optional(),
      tags: z.array(keyValueSchema).optional(),
    }),
    inputs: z.object({
      dataset_inputs: z.array(datasetInputSchema).optional(),
      model_inputs: z
        .array(z.object({ model_id: z.string() }))
        .optional()
        .meta({ description: 'Logged models the run used (get-run only, as MLflow).' }),
    }),
    outputs: z
      .object({
        model_outputs: z.array(z.object({ model_id: z.string(), step: z.int() })).optional(),
      })
      .optional(),
  })
  .meta({ id: 'Run' });
export type RunJson = z.infer<typeof runSchema>;

export const fileInfoSchema = z
  .object({
    path: z.string(),
    is_dir: z.boolean(),
    file_size: z.int().optional().meta({ description: 'Files only.' }),
  })
  .meta({ id: 'FileInfo' });

/** A listed file or folder: folders carry no size. */
export function fileInfoJson(f: { path: string; isDir: boolean; size?: number }) {
  return f.isDir
    ? { path: f.path, is_dir: true }
    : { path: f.path, is_dir: false, file_size: f.size ?? 0 };
}

export const datasetSummarySchema = z
  .object({
    experiment_id: z.string(),
    name: z.string(),
    digest: z.string(),
    context: z.string().optional().meta({ description: "The input's mlflow.data.context tag." }),
  })
  .meta({ id: 'DatasetSummary' });

export function datasetSummaryJson(s: {
  experiment_id: number;
  name: string;
  digest: string;
  context: string | null;
}): z.infer<typeof datasetSummarySchema> {
  return {
    experiment_id: String(s.experiment_id),
    name: s.name,
    digest: s.digest,
    ...(s.context !== null ? { context: s.context } : {}),
  };
}

/** The empty answer of most write endpoints. */
export const emptySchema = z.object({});
