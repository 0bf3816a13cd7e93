// Prompts (mlflow.genai) are registered models and versions marked with MLflow's prompt tag. A
// version request whose own tags mark it a prompt takes MLflow's source placeholder instead of a
// model source; every other version request keeps the strict rule of model-version-source.ts.
import { MlflowError } from '../errors.js';
import { IS_PROMPT_TAG_KEY } from '../search/registry-grammar.js';
import type { Db } from '../store/experiments.js';
import { getLoggedModel } from '../store/logged-models.js';
import { findRunRow } from '../store/run-rows.js';
import type { ResolvedSource, SourceRequest } from './model-version-source.js';

export const PROMPT_TEXT_TAG_KEY = 'mlflow.prompt.text';

/**
 * MLflow's `_PROMPT_SOURCE_PLACEHOLDERS`: what `register_prompt` sends (`dummy-source`) and what
 * `MlflowClient.create_prompt_version` sends through the store's default (`prompt-template`).
 */
export const PROMPT_SOURCE_PLACEHOLDERS: readonly string[] = ['dummy-source', 'prompt-template'];

/**
 * MLflow's `_is_prompt_request`: the version's own tags decide (the registered model's do not),
 * the last value of a repeated key wins, and only a true-valued tag (any letter case) counts.
 */
export function isPromptVersionRequest(tags: { key: string; value: string }[]): boolean {
  const value = tags.reduce<string>((v, t) => (t.key === IS_PROMPT_TAG_KEY ? t.value : v), 'false');
  return value.toLowerCase() === 'true';
}

/** MLflow's `has_prompt_tag`: the key's presence marks a registered model as a prompt. */
export function hasPromptTag(tags: { key: string }[]): boolean {
  return tags.some((t) => t.key === IS_PROMPT_TAG_KEY);
}

/**
 * A prompt version's source: exactly one of the placeholders, nothing to resolve. MLflow stores
 * run_id and model_id of a prompt request unchecked; here they must still name this project's run
 * or logged model, so a prompt cannot point into another project either.
 */
export async function resolvePromptVersionSource(
  db: Db,
  request: SourceRequest,
): Promise<ResolvedSource> {
  const { source } = request;
  if (!PROMPT_SOURCE_PLACEHOLDERS.includes(source)) {
    throw MlflowError.invalidParameter(
      `Invalid prompt source: '${source}'. Prompt sources must use an MLflow placeholder.`,
    );
  }
  if (request.runId && !(await findRunRow(db, request.runId))) {
    throw MlflowError.invalidParameter(
      `Invalid prompt run_id: '${request.runId}'. No such run in this project.`,
    );
  }
  if (request.modelId) {
    try {
      await getLoggedModel(db, request.modelId);
    } catch (err) {
      if (!(err instanceof MlflowError && err.code === 'RESOURCE_DOES_NOT_EXIST')) throw err;
      throw MlflowError.invalidParameter(
        `Invalid prompt model_id: '${request.modelId}'. No such logged model in this project.`,
      );
    }
  }
  return {
    source,
    storageLocation: source,
    // MLflow records the request's run_id as sent, so a prompt version echoes `run_id: ""`.
    runId: request.runId ?? '',
    modelId: request.modelId || null,
  };
}

/**
 * MLflow's `handle_resource_already_exist_error`: a name taken by the same kind of entity is
 * "already exists"; a model and a prompt may not share a name, and the message says so.
 */
export function nameTakenError(
  name: string,
  existingTags: { key: string }[],
  newTags: { key: string }[],
): MlflowError {
  const existing = hasPromptTag(existingTags) ? 'Prompt' : 'Registered Model';
  const wanted = hasPromptTag(newTags) ? 'Prompt' : 'Registered Model';
  if (existing !== wanted) {
    return new MlflowError(
      'RESOURCE_ALREADY_EXISTS',
      `Tried to create a ${wanted.toLowerCase()} with name '${name}', but the name is already ` +
        `taken by a ${existing.toLowerCase()}. MLflow does not allow creating a model and a ` +
        'prompt with the same name.',
    );
  }
  return new MlflowError('RESOURCE_ALREADY_EXISTS', `${wanted} (name=${name}) already exists.`);
}
