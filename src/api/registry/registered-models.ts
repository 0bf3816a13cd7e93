// MLflow's registered-model API family: create, get, rename, update, delete, search, latest
// versions, tags and aliases (setting and reading an alias lives here too, at MLflow's paths).
import { z } from 'zod';
import { MlflowError } from '../../errors.js';
import {
  canonicalStage,
  parseVersion,
  validateAliasName,
  validateAliasNotReserved,
  validateDescription,
  validateModelName,
  validateRegistryTag,
  validateTagKey,
} from '../../services/registry-validation.js';
import { nameTakenError } from '../../services/prompt-versions.js';
import { STAGES } from '../../store/model-version-stages.js';
import {
  REGISTERED_MODELS_MAX_RESULTS,
  searchRegisteredModelNames,
} from '../../search/registry-search.js';
import {
  getModelVersionByAlias,
  latestModelVersion,
  latestVersionsByModel,
  setRegisteredModelAlias,
} from '../../store/model-versions.js';
import type { ProjectContext } from '../../store/projects.js';
import {
  createRegisteredModel,
  deleteRegisteredModel,
  deleteRegisteredModelAlias,
  deleteRegisteredModelTag,
  getRegisteredModel,
  loadRegisteredModels,
  renameRegisteredModel,
  setRegisteredModelTag,
  updateRegisteredModelDescription,
  type RegisteredModel,
} from '../../store/registered-models.js';
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
import {
  modelVersionJson,
  modelVersionSchema,
  registeredModelJson,
  registeredModelSchema,
} from '../wire/registry-json.js';

const V2 = '/2.0/mlflow/registered-models';
const TAG = 'Model registry';

const registeredModelResponse = z.object({ registered_model: registeredModelSchema });
const modelVersionResponse = z.object({ model_version: modelVersionSchema });

/** A model with its latest version per stage, as every registered-model answer carries it. */
async function withLatestVersions(project: ProjectContext, models: RegisteredModel[]) {
  const latest = await latestVersionsByModel(
    project.db,
    models.map((m) => m.name),
  );
  return models.map((m) => registeredModelJson(m, latest.get(m.name) ?? []));
}

async function registeredModelAnswer(project: ProjectContext, model: RegisteredModel) {
  const [json] = await withLatestVersions(project, [model]);
  return { registered_model: json };
}

const nameOnly = z.object({ name: requiredString() });

export const registeredModelEndpoints = [
  endpoint({
    method: 'POST',
    paths: [`${V2}/create`],
    access: 'edit',
    tag: TAG,
    summary: 'Create a registered model',
    request: z.object({
      name: requiredString(),
      tags: z.array(registryTagSchema).optional(),
      description: z.string().optional(),
      deployment_job_id: z.string().optional(),
    }),
    response: registeredModelResponse,
    handler: async (input, { project, webhooks }) => {
      const name = validateModelName(input.name);
      const tags = checkedRegistryTags(input.tags);
      validateDescription(input.description);
      const model = await createRegisteredModel(project.db, {
        name,
        description: input.description || null,
        tags,
      }).catch(async (err: unknown) => {
        if (!(err instanceof MlflowError && err.code === 'RESOURCE_ALREADY_EXISTS')) throw err;
        const existing = await getRegisteredModel(project.db, name);
        throw nameTakenError(name, existing.tags, tags);
      });
      webhooks.notify(
        project.name,
        webhookPayloads.registeredModelCreated({ name, tags, description: input.description }),
      );
      return registeredModelAnswer(project, model);
    },
  }),
  endpoint({
    method: 'GET',
    paths: [`${V2}/get`],
    access: 'read',
    tag: TAG,
    summary: 'Get a registered model with its latest versions, tags and aliases',
    request: nameOnly,
    response: registeredModelResponse,
    handler: async (input, { project }) => {
      const model = await getRegisteredModel(project.db, validateModelName(input.name));
      return registeredModelAnswer(project, model);
    },
  }),
  endpoint({
    method: 'POST',
    paths: [`${V2}/rename`],
    access: 'edit',
    tag: TAG,
    summary: 'Rename a registered model (its versions, tags and aliases follow)',
    request: z.object({ name: requiredString(), new_name: requiredString() }),
    response: registeredModelResponse,
    handler: async (input, { project }) => {
      const newName = validateModelName(input.new_name, 'new_name');
      const name = validateModelName(input.name);
      const model = await renameRegisteredModel(project.db, name, newName);
      return registeredModelAnswer(project, model);
    },
  }),
  endpoint({
    method: 'PATCH',
    paths: [`${V2}/update`],
    access: 'edit',
    tag: TAG,
    summary: "Set a registered model's description",
    request: z.object({
      name: requiredString(),
      description: z.string().optional(),
      deployment_job_id: z.string().optional(),
    }),
    response: registeredModelResponse,
    handler: async (input, { project }) => {
      validateDescription(input.description);
      const model = await updateRegisteredModelDescription(
        project.db,
        validateModelName(input.name),
        input.description || null,
      );
      return registeredModelAnswer(project, model);
    },
  }),
  endpoint({
    method: 'DELETE',
    paths: [`${V2}/delete`],
    access: 'manage',
    tag: TAG,
    summary: 'Delete a registered model with its versions, tags and aliases',
    request: nameOnly,
    response: emptySchema,
    handler: async (input, { project }) => {
      await deleteRegisteredModel(project.db, validateModelName(input.name));
      return {};
    },
  }),
  endpoint({
    method: 'GET',
    paths: [`${V2}/search`],
    access: 'read',
    tag: TAG,
    summary: 'Search registered models (filter on name and tags, order_by, paging)',
    request: registrySearchRequest,
    response: z.object({
      registered_models: z.array(registeredModelSchema).optional(),
      next_page_token: z.string().optional(),
    }),
    handler: async (input, { project }) => {
      const maxResults = registryMaxResults(input.max_results, REGISTERED_MODELS_MAX_RESULTS);
      const page = await searchRegisteredModelNames(project.db, {
        filter: input.filter,
        orderBy: input.order_by ?? [],
        maxResults,
        pageToken: input.page_token || undefined,
      });
      const models = await withLatestVersions(
        project,
        await loadRegisteredModels(project.db, page.items),
      );
      return {
        ...(models.length ? { registered_models: models } : {}),
        ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
      };
    },
  }),
  ...(['POST', 'GET'] as const).map((method) =>
    endpoint({
      method,
      paths: [`${V2}/get-latest-versions`],
      access: 'read',
      tag: TAG,
      summary: 'Latest version of a registered model in each (or each given) stage',
      request: z.object({ name: requiredString(), stages: z.array(z.string()).optional() }),
      response: z.object({ model_versions: z.array(modelVersionSchema).optional() }),
      handler: async (input, { project }) => {
        const name = validateModelName(input.name);
        await getRegisteredModel(project.db, name);
        const stages = input.stages?.length ? input.stages.map(canonicalStage) : [...STAGES];
        const latest = await latestVersionsByModel(project.db, [name], stages);
        const versions = latest.get(name) ?? [];
        return versions.length
          ? { model_versions: versions.map((mv) => modelVersionJson(mv)) }
          : {};
      },
    }),
  ),
  endpoint({
    method: 'POST',
    paths: [`${V2}/set-tag`],
    access: 'edit',
    tag: TAG,
    summary: 'Set a tag on a registered model',
    request: z.object({
      name: requiredString(),
      key: requiredString(),
      value: z.string().optional(),
    }),
    response: emptySchema,
    handler: async (input, { project, webhooks }) => {
      const name = validateModelName(input.name);
      const tag = { key: input.key, value: input.value ?? '' };
      validateRegistryTag(tag.key, tag.value);
      await setRegisteredModelTag(project.db, name, tag);
      webhooks.notify(project.name, webhookPayloads.modelTagSet(name, tag.key, tag.value));
      return {};
    },
  }),
  endpoint({
    method: 'DELETE',
    paths: [`${V2}/delete-tag`],
    access: 'edit',
    tag: TAG,
    summary: 'Delete a tag from a registered model (a missing tag is no error)',
    request: z.object({ name: requiredString(), key: requiredString() }),
    response: emptySchema,
    handler: async (input, { project, webhooks }) => {
      const name = validateModelName(input.name);
      validateTagKey(input.key);
      await deleteRegisteredModelTag(project.db, name, input.key);
      webhooks.notify(project.name, webhookPayloads.modelTagDeleted(name, input.key));
      return {};
    },
  }),
  endpoint({
    method: 'POST',
    paths: [`${V2}/alias`],
    access: 'edit',
    tag: TAG,
    summary: 'Point an alias of a registered model at one of its versions',
    request: z.object({
      name: requiredString(),
      alias: requiredString(),
      version: requiredString(),
    }),
    response: emptySchema,
    handler: async (input, { project, webhooks }) => {
      const name = validateModelName(input.name);
      validateAliasName(input.alias);
      validateAliasNotReserved(input.alias);
      const version = parseVersion(input.version);
      await setRegisteredModelAlias(project.db, { name, version }, input.alias);
      webhooks.notify(project.name, webhookPayloads.aliasCreated(name, input.alias, input.version));
      return {};
    },
  }),
  endpoint({
    method: 'DELETE',
    paths: [`${V2}/alias`],
    access: 'edit',
    tag: TAG,
    summary: 'Delete an alias of a registered model (a missing alias is no error)',
    request: z.object({ name: requiredString(), alias: requiredString() }),
    response: emptySchema,
    handler: async (input, { project, webhooks }) => {
      const name = validateModelName(input.name);
      validateAliasName(input.alias);
      await deleteRegisteredModelAlias(project.db, name, input.alias);
      webhooks.notify(project.name, webhookPayloads.aliasDeleted(name, input.alias));
      return {};
    },
  }),
  endpoint({
    method: 'GET',
    paths: [`${V2}/alias`],
    access: 'read',
    tag: TAG,
    summary: 'Get the model version an alias points at (`latest`: the highest version)',
    request: z.object({ name: requiredString(), alias: requiredString() }),
    response: modelVersionResponse,
    handler: async (input, { project }) => {
      const name = validateModelName(input.name);
      validateAliasName(input.alias);
      if (input.alias.toLowerCase() === 'latest') {
        await getRegisteredModel(project.db, name);
        const latest = await latestModelVersion(project.db, name);
        if (!latest) throw MlflowError.notFound(`Latest version not found for model ${name}.`);
        return { model_version: modelVersionJson(latest) };
      }
      const version = await getModelVersionByAlias(project.db, name, input.alias);
      return { model_version: modelVersionJson(version) };
    },
  }),
];
