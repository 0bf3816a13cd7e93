// The model registry's JSON entities as MLflow's server writes them: versions as strings, int64
// timestamps as numbers, empty repeated fields and unset optional fields left out. The zod schemas
// describe the same shapes for the endpoint table (and so the OpenAPI document).
import { z } from 'zod';
import type { ModelVersion } from '../../store/model-versions.js';
import type { RegisteredModel } from '../../store/registered-models.js';
import { keyValueSchema } from './entities.js';

export const modelVersionSchema = z
  .object({
    name: z.string(),
    version: z.string(),
    creation_timestamp: z.int(),
    last_updated_timestamp: z.int().optional(),
    user_id: z.string().optional(),
    current_stage: z.enum(['None', 'Staging', 'Production', 'Archived']),
    description: z.string().optional(),
    source: z.string().optional(),
    run_id: z.string().optional(),
    status: z.enum(['PENDING_REGISTRATION', 'FAILED_REGISTRATION', 'READY']),
    status_message: z.string().optional(),
    tags: z.array(keyValueSchema).optional(),
    run_link: z.string().optional(),
    aliases: z.array(z.string()).optional(),
    model_id: z
      .string()
      .optional()
      .meta({ description: 'The logged model (MLflow 3) the version was registered from.' }),
  })
  .meta({ id: 'ModelVersion' });
export type ModelVersionJson = z.infer<typeof modelVersionSchema>;

export const registeredModelSchema = z
  .object({
    name: z.string(),
    creation_timestamp: z.int(),
    last_updated_timestamp: z.int().optional(),
    description: z.string().optional(),
    latest_versions: z
      .array(modelVersionSchema)
      .optional()
      .meta({ description: 'The highest version in each stage.' }),
    tags: z.array(keyValueSchema).optional(),
    aliases: z.array(z.object({ alias: z.string(), version: z.string() })).optional(),
  })
  .meta({ id: 'RegisteredModel' });
export type RegisteredModelJson = z.infer<typeof registeredModelSchema>;

const present = <T>(value: T | null | undefined): value is T =>
  value !== null && value !== undefined;

/**
 * `withAliases: false` where MLflow leaves a version's aliases out: in search results and in a
 * registered model's `latest_versions` (its store fills them in only for single-version answers).
 */
export function modelVersionJson(mv: ModelVersion, withAliases = true): ModelVersionJson {
  return {
    name: mv.name,
    version: String(mv.version),
    creation_timestamp: Number(mv.creation_time),
    ...(present(mv.last_updated_time)
      ? { last_updated_timestamp: Number(mv.last_updated_time) }
      : {}),
    ...(present(mv.user_id) ? { user_id: mv.user_id } : {}),
    current_stage: mv.current_stage as ModelVersionJson['current_stage'],
    ...(present(mv.description) ? { description: mv.description } : {}),
    ...(present(mv.source) ? { source: mv.source } : {}),
    ...(present(mv.run_id) ? { run_id: mv.run_id } : {}),
    status: mv.status as ModelVersionJson['status'],
    ...(mv.status_message ? { status_message: mv.status_message } : {}),
    ...(mv.tags.length ? { tags: mv.tags } : {}),
    ...(present(mv.run_link) ? { run_link: mv.run_link } : {}),
    ...(withAliases && mv.aliases.length ? { aliases: mv.aliases } : {}),
    ...(mv.model_id ? { model_id: mv.model_id } : {}),
  };
}

export function registeredModelJson(
  rm: RegisteredModel,
  latestVersions: ModelVersion[],
): RegisteredModelJson {
  return {
    name: rm.name,
    creation_timestamp: Number(rm.creation_time),
    // MLflow writes these two only when they are truthy.
    ...(rm.last_updated_time ? { last_updated_timestamp: Number(rm.last_updated_time) } : {}),
    ...(rm.description ? { description: rm.description } : {}),
    ...(latestVersions.length
      ? { latest_versions: latestVersions.map((mv) => modelVersionJson(mv, false)) }
      : {}),
    ...(rm.tags.length ? { tags: rm.tags } : {}),
    ...(rm.aliases.length
      ? { aliases: rm.aliases.map((a) => ({ alias: a.alias, version: String(a.version) })) }
      : {}),
  };
}
