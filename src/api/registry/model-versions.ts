// MLflow's model-version API family: create (from a source inside the project), get, update,
// delete, search, download URI, stage transitions and tags.
import { z } from 'zod';
import { MlflowError } from '../../errors.js';
import { resolveModelVersionSource } from '../../services/model-version-source.js';
import {
  canonicalStage,
  parseVersion,
  validateDescription,
  validateModelName,
  validateModelVersionTag,
  validateTagKey,
} from '../../services/registry-validation.js';
import {
  isPromptVersionRequest,
  resolvePromptVersionSource,
} from '../../services/prompt-versions.js';
import { searchModelVersions } from '../../services/search-pages.js';
import { ACTIVE_STAGES } from '../../store/model-version-stages.js';
import { MODEL_VERSIONS_MAX_RESULTS } from '../../search/registry-search.js';
import { recordModelVersionOnLoggedModel } from '../../store/logged-model-versions.js';
import {
  createModelVersion,
  deleteModelVersion,
  deleteModelVersionTag,
  getModelVersion,
  setModelVersionTag,
  transitionModelVersionStage,
  updateModelVersionDescription,
  type VersionKey,
} from '../../store/model-versions.js';
import * as webhookPayloads from '../../webhooks/payloads.js';
import { emptySchema } from '../wire/entities.js';
import { endpoint } from '../../http/endpoint.js';
import { requiredString } from '../wire/fields.js';
import {
  checkedRegistryTags,
  registryMaxResults,
  registrySearchRequest,
  registryTagSchema,
} from './registry-requests.js';
import { modelVersionJson, modelVersionSchema } from '../wire/registry-json.js';

const V2 = '/2.0/mlflow/model-versions';
const TAG = 'Model registry';

const modelVersionResponse = z.object({ model_version: modelVersionSchema });
const versionRef = { name: requiredString(), version: requiredString() };

function versionKey(input: { name: string; version: string }): VersionKey {
  return { name: validateModelName(input.name), version: parseVersion(input.version) };
}

export const modelVersionEndpoints = [
  endpoint({
    method: 'POST',
    paths: [`${V2}/create`],
    access: 'edit',
    tag: TAG,
    summary:
      "Register a new version from a source inside the project (a run's or logged model's); " +
      "a prompt's version (tagged mlflow.prompt.is_prompt=true) takes MLflow's placeholder source",
    request: z.object({
      name: requiredString(),
      source: requiredString(),
      run_id: z.string().optional(),
      tags: z.array(registryTagSchema).optional(),
      run_link: z.string().optional(),
      description: z.string().optional(),
      model_id: z.string().optional(),
    }),
    response: modelVersionResponse,
    handler: async (input, { project, webhooks }) => {
      const name = validateModelName(input.name);
      const tags = checkedRegistryTags(input.tags, validateModelVersionTag);
      validateDescription(input.description);
      const request = { source: input.source, runId: input.run_id, modelId: input.model_id };
      // As in MLflow, the version's own tags decide whether it is a prompt's.
      const prompt = isPromptVersionRequest(tags);
      const resolved = prompt
        ? await resolvePromptVersionSource(project.db, request)
        : await resolveModelVersionSource(project.db, project.name, request);
      const version = await createModelVersion(project.db, {
        name,
        source: resolved.source,
        storageLocation: resolved.storageLocation,
        runId: resolved.runId,
        runLink: input.run_link ?? '',
        description: input.description ?? '',
        modelId: resolved.modelId,
        tags,
      });
      // As MLflow does, the logged model learns which versions were registered from it.
      if (resolved.modelId && !prompt) {
        await recordModelVersionOnLoggedModel(project.db, resolved.modelId, version);
      }
      webhooks.notify(
        project.name,
        webhookPayloads.modelVersionCreated({
          name,
          version: Number(version.version),
          source: resolved.source,
          runId: resolved.runId,
          tags,
          description: input.description,
          prompt,
        }),
      );
      return { model_version: modelVersionJson(version) };
    },
  }),
  endpoint({
    method: 'GET',
    paths: [`${V2}/get`],
    access: 'read',
    tag: TAG,
    summary: 'Get a model version',
    request: z.object(versionRef),
    response: modelVersionResponse,
    handler: async (input, { project }) => {
      const key = versionKey(input);
      return {
        model_version: modelVersionJson(await getModelVersion(project.db, key.name, key.version)),
      };
    },
  }),
  endpoint({
    method: 'PATCH',
    paths: [`${V2}/update`],
    access: 'edit',
    tag: TAG,
    summary: "Set a model version's description (left out: cleared, as MLflow does)",
    request: z.object({ ...versionRef, description: z.string().optional() }),
    response: modelVersionResponse,
    handler: async (input, { project }) => {
      validateDescription(input.description);
      const version = await updateModelVersionDescription(
        project.db,
        versionKey(input),
        input.description ?? null,
      );
      return { model_version: modelVersionJson(version) };
    },
  }),
  endpoint({
    method: 'POST',
    paths: [`${V2}/transition-stage`],
    access: 'edit',
    tag: TAG,
    summary: 'Move a model version to another stage, optionally archiving the stage’s others',
    request: z.object({
      ...versionRef,
      stage: requiredString(),
      archive_existing_versions: z.boolean().optional(),
    }),
    response: modelVersionResponse,
    handler: async (input, { project }) => {
      const stage = canonicalStage(input.stage);
      const archive = input.archive_existing_versions ?? false;
      if (archive && !ACTIVE_STAGES.includes(stage)) {
        // MLflow raises this as an INTERNAL_ERROR (500); it is the caller's mistake, so 400.
        throw MlflowError.invalidParameter(
          'Model version transition cannot archive existing model versions because ' +
            `'${input.stage}' is not an Active stage. Valid stages are ['Staging', 'Production']`,
        );
      }
      const version = await transitionModelVersionStage(
        project.db,
        versionKey(input),
        stage,
        archive,
      );
      return { model_version: modelVersionJson(version) };
    },
  }),
  endpoint({
    method: 'DELETE',
    paths: [`${V2}/delete`],
    access: 'manage',
    tag: TAG,
    summary: 'Delete a model version (and the aliases pointing at it)',
    request: z.object(versionRef),
    response: emptySchema,
    handler: async (input, { project }) => {
      await deleteModelVersion(project.db, versionKey(input));
      return {};
    },
  }),
  endpoint({
    method: 'GET',
    paths: [`${V2}/search`],
    access: 'read',
    tag: TAG,
    summary: 'Search model versions (name, version_number, run_id, source_path, tags; paging)',
    request: registrySearchRequest,
    response: z.object({
      model_versions: z.array(modelVersionSchema).optional(),
      next_page_token: z.string().optional(),
    }),
    handler: async (input, { project }) => {
      const maxResults = registryMaxResults(input.max_results, MODEL_VERSIONS_MAX_RESULTS);
      const page = await searchModelVersions(project.db, {
        filter: input.filter,
        orderBy: input.order_by?.length ? input.order_by : [],
        maxResults,
        pageToken: input.page_token || undefined,
      });
      return {
        ...(page.versions.length
          ? { model_versions: page.versions.map((mv) => modelVersionJson(mv, false)) }
          : {}),
        ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
      };
    },
  }),
  endpoint({
    method: 'GET',
    paths: [`${V2}/get-download-uri`],
    access: 'read',
    tag: TAG,
    summary: "Where a model version's artifacts are (what clients download from)",
    request: z.object(versionRef),
    response: z.object({ artifact_uri: z.string() }),
    handler: async (input, { project }) => {
      const key = versionKey(input);
      const version = await getModelVersion(project.db, key.name, key.version);
      return { artifact_uri: version.storage_location ?? version.source ?? '' };
    },
  }),
  endpoint({
    method: 'POST',
    paths: [`${V2}/set-tag`],
    access: 'edit',
    tag: TAG,
    summary: 'Set a tag on a model version',
    request: z.object({ ...versionRef, key: requiredString(), value: z.string().optional() }),
    response: emptySchema,
    handler: async (input, { project, webhooks }) => {
      const key = versionKey(input);
      const tag = { key: input.key, value: input.value ?? '' };
      validateModelVersionTag(tag.key, tag.value);
      await setModelVersionTag(project.db, key, tag);
      webhooks.notify(
        project.name,
        webhookPayloads.versionTagSet(key.name, input.version, tag.key, tag.value),
      );
      return {};
    },
  }),
  endpoint({
    method: 'DELETE',
    paths: [`${V2}/delete-tag`],
    access: 'edit',
    tag: TAG,
    summary: 'Delete a tag from a model version (a missing tag is no error)',
    request: z.object({ ...versionRef, key: requiredString() }),
    response: emptySchema,
    handler: async (input, { project, webhooks }) => {
      const key = versionKey(input);
      validateTagKey(input.key);
      await deleteModelVersionTag(project.db, key, input.key);
      webhooks.notify(
        project.name,
        webhookPayloads.versionTagDeleted(key.name, input.version, input.key),
      );
      return {};
    },
  }),
];
