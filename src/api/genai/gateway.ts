// MLflow 3's AI gateway configuration API (`/api/3.0/mlflow/gateway/…`): secrets, model
// definitions, endpoints with their model mappings and tags, and endpoint bindings. trackd keeps
// this configuration (for scorers that judge through `gateway:/<endpoint>`, and for the UI); it
// does not itself forward model calls to providers.
import { z } from 'zod';
import { MlflowError } from '../../errors.js';
import { endpoint } from '../../http/endpoint.js';
import { maskSecretValue, secretEnvelopeFor } from '../../gateway/secret-envelope.js';
import { parseExperimentId } from '../../store/experiments.js';
import {
  attachModel,
  createBinding,
  createEndpoint,
  createModelDefinition,
  createSecret,
  deleteBinding,
  deleteEndpoint,
  deleteEndpointTag,
  deleteModelDefinition,
  deleteSecret,
  detachModel,
  getEndpoint,
  getModelDefinition,
  getSecret,
  LINKAGE_TYPES,
  listBindings,
  listEndpoints,
  listModelDefinitions,
  listSecrets,
  RESOURCE_TYPES,
  setEndpointTag,
  updateEndpoint,
  updateModelDefinition,
  updateSecret,
  type Endpoint,
  type FallbackConfig,
  type LinkageType,
  type Mapping,
  type ModelConfig,
  type ModelDefinition,
  type Sealer,
} from '../../store/gateway.js';
import type { GatewayEndpointBindingsTable, GatewaySecretsTable } from '../../store/schema.js';
import type { Config } from '../../config.js';
import { requiredString } from '../wire/fields.js';

const GATEWAY = '/3.0/mlflow/gateway';
const TAG = 'AI gateway';

// ---------------------------------------------------------------------------------------------
// Wire shapes

const secretSchema = z.object({
  secret_id: z.string(),
  secret_name: z.string(),
  masked_values: z.record(z.string(), z.string()).optional(),
  created_at: z.number(),
  last_updated_at: z.number(),
  provider: z.string().optional(),
  created_by: z.string().optional(),
  last_updated_by: z.string().optional(),
  auth_config: z.record(z.string(), z.string()).optional(),
});

const modelDefinitionSchema = z.object({
  model_definition_id: z.string(),
  name: z.string(),
  secret_id: z.string().optional(),
  secret_name: z.string().optional(),
  provider: z.string(),
  model_name: z.string(),
  created_at: z.number(),
  last_updated_at: z.number(),
  created_by: z.string().optional(),
  last_updated_by: z.string().optional(),
});

const mappingSchema = z.object({
  mapping_id: z.string(),
  endpoint_id: z.string(),
  model_definition_id: z.string(),
  model_definition: modelDefinitionSchema,
  weight: z.number(),
  created_at: z.number(),
  created_by: z.string().optional(),
  linkage_type: z.enum(LINKAGE_TYPES),
  fallback_order: z.number().optional(),
});

const endpointSchema = z.object({
  endpoint_id: z.string(),
  name: z.string(),
  created_at: z.number(),
  last_updated_at: z.number(),
  model_mappings: z.array(mappingSchema),
  created_by: z.string(),
  last_updated_by: z.string(),
  tags: z.array(z.object({ key: z.string(), value: z.string().optional() })).optional(),
  routing_strategy: z.string().optional(),
  fallback_config: z
    .object({ strategy: z.string().optional(), max_attempts: z.number().optional() })
    .optional(),
  experiment_id: z.string().optional(),
  usage_tracking: z.boolean(),
});

const bindingSchema = z.object({
  endpoint_id: z.string(),
  resource_type: z.string(),
  resource_id: z.string(),
  created_at: z.number(),
  last_updated_at: z.number(),
  created_by: z.string().optional(),
  last_updated_by: z.string().optional(),
  display_name: z.string().optional(),
});

const opt = <T>(key: string, value: T | null | undefined) =>
  value === null || value === undefined || value === '' ? {} : { [key]: value };

function secretJson(row: GatewaySecretsTable): z.infer<typeof secretSchema> {
  const masked = JSON.parse(row.masked_value) as Record<string, string>;
  return {
    secret_id: row.secret_id,
    secret_name: row.secret_name,
    ...(Object.keys(masked).length ? { masked_values: masked } : {}),
    created_at: Number(row.created_at),
    last_updated_at: Number(row.last_updated_at),
    ...opt('provider', row.provider),
    ...opt('created_by', row.created_by),
    ...opt('last_updated_by', row.last_updated_by),
    ...(row.auth_config ? { auth_config: JSON.parse(row.auth_config) } : {}),
  };
}

function modelDefinitionJson(row: ModelDefinition): z.infer<typeof modelDefinitionSchema> {
  return {
    model_definition_id: row.model_definition_id,
    name: row.name,
    ...opt('secret_id', row.secret_id),
    ...opt('secret_name', row.secret_name),
    provider: row.provider,
    model_name: row.model_name,
    created_at: Number(row.created_at),
    last_updated_at: Number(row.last_updated_at),
    ...opt('created_by', row.created_by),
    ...opt('last_updated_by', row.last_updated_by),
  };
}

function mappingJson(row: Mapping): z.infer<typeof mappingSchema> {
  return {
    mapping_id: row.mapping_id,
    endpoint_id: row.endpoint_id,
    model_definition_id: row.model_definition_id,
    model_definition: modelDefinitionJson(row.modelDefinition),
    weight: row.weight,
    created_at: Number(row.created_at),
    ...opt('created_by', row.created_by),
    linkage_type: row.linkage_type as LinkageType,
    ...opt('fallback_order', row.fallback_order),
  };
}

function endpointJson(row: Endpoint): z.infer<typeof endpointSchema> {
  const fallback = row.fallback_config_json
    ? (JSON.parse(row.fallback_config_json) as { strategy?: string; max_attempts?: number })
    : undefined;
  return {
    endpoint_id: row.endpoint_id,
    name: row.name,
    created_at: Number(row.created_at),
    last_updated_at: Number(row.last_updated_at),
    model_mappings: row.mappings.map(mappingJson),
    // MLflow's endpoint (unlike its other gateway entities) always carries these two, "" if unset.
    created_by: row.created_by ?? '',
    last_updated_by: row.last_updated_by ?? '',
    ...(row.tags.length
      ? { tags: row.tags.map((t) => ({ key: t.key, ...opt('value', t.value) })) }
      : {}),
    ...opt('routing_strategy', row.routing_strategy),
    ...(fallback
      ? {
          fallback_config: {
            ...opt('strategy', fallback.strategy),
            ...opt('max_attempts', fallback.max_attempts),
          },
        }
      : {}),
    ...(row.experiment_id !== null ? { experiment_id: String(row.experiment_id) } : {}),
    usage_tracking: Boolean(row.usage_tracking),
  };
}

function bindingJson(row: GatewayEndpointBindingsTable): z.infer<typeof bindingSchema> {
  return {
    endpoint_id: row.endpoint_id,
    resource_type: row.resource_type,
    resource_id: row.resource_id,
    created_at: Number(row.created_at),
    last_updated_at: Number(row.last_updated_at),
    ...opt('created_by', row.created_by),
    ...opt('last_updated_by', row.last_updated_by),
    ...opt('display_name', row.display_name),
  };
}

// ---------------------------------------------------------------------------------------------
// Request pieces and the rules MLflow's handlers apply to them

const stringMap = () => z.record(z.string(), z.string());
/** Proto enums arrive by name or number. */
const protoEnum = () => z.union([z.string(), z.number()]);

const modelConfigRequest = z.object({
  model_definition_id: z.string().optional(),
  linkage_type: protoEnum().optional(),
  weight: z.number().optional(),
  fallback_order: z.number().int().optional(),
});

const fallbackConfigRequest = z.object({
  strategy: protoEnum().optional(),
  max_attempts: z.number().int().optional(),
});

function enumName(
  value: string | number | undefined,
  names: readonly string[],
): string | undefined {
  if (value === undefined) return undefined;
  // Number n is the enum's n-th value after UNSPECIFIED (0).
  const name = typeof value === 'number' ? names[value - 1] : value;
  return name && names.includes(name) ? name : undefined;
}

function modelConfig(config: z.infer<typeof modelConfigRequest>, where: string): ModelConfig {
  const linkageType = enumName(config.linkage_type, LINKAGE_TYPES) as LinkageType | undefined;
  if (!linkageType) {
    throw MlflowError.invalidParameter(
      `Invalid or missing value for required parameter 'linkage_type' in ${where}. ` +
        `Must be one of: ${LINKAGE_TYPES.join(', ')}.`,
    );
  }
  return {
    modelDefinitionId: config.model_definition_id ?? '',
    linkageType,
    weight: config.weight,
    fallbackOrder: config.fallback_order,
  };
}

const ROUTING_STRATEGIES = ['REQUEST_BASED_TRAFFIC_SPLIT'] as const;
const FALLBACK_STRATEGIES = ['SEQUENTIAL'] as const;

function routingStrategy(value: string | number | undefined): string | undefined {
  if (value === undefined) return undefined;
  const name = enumName(value, ROUTING_STRATEGIES);
  if (!name) {
    throw MlflowError.invalidParameter(
      `Invalid routing_strategy '${value}'. Must be one of: ${ROUTING_STRATEGIES.join(', ')}.`,
    );
  }
  return name;
}

function fallbackConfig(
  value: z.infer<typeof fallbackConfigRequest> | undefined,
): FallbackConfig | undefined {
  if (!value) return undefined;
  let strategy: string | undefined;
  if (value.strategy !== undefined) {
    strategy = enumName(value.strategy, FALLBACK_STRATEGIES);
    if (!strategy) {
      throw MlflowError.invalidParameter(
        `Invalid fallback strategy '${value.strategy}'. Must be one of: ${FALLBACK_STRATEGIES.join(', ')}.`,
      );
    }
  }
  return { strategy, maxAttempts: value.max_attempts };
}

const ENDPOINT_NAME = /^[a-zA-Z0-9_.-]+$/;

function checkEndpointName(name: string | undefined): void {
  if (name && !ENDPOINT_NAME.test(name)) {
    throw MlflowError.invalidParameter(
      `Invalid endpoint name '${name}'. ` +
        'Name can only contain letters, numbers, underscores, hyphens, and dots.',
    );
  }
}

/**
 * Keys that would choose where the gateway sends requests are refused (MLflow: an upstream is set
 * only through `api_base`); a blank `api_base` is dropped.
 */
const AUTH_CONFIG_RESERVED = ['base_url', 'custom_llm_provider', 'fallbacks', 'model_list'];
const SECRET_VALUE_RESERVED = ['api_base', ...AUTH_CONFIG_RESERVED];

function authConfig(config: Record<string, string>): Record<string, string> {
  const reserved = AUTH_CONFIG_RESERVED.filter((k) => k in config).sort();
  if (reserved.length) {
    throw MlflowError.invalidParameter(
      `auth_config must not contain ${reserved.map((k) => `'${k}'`).join(', ')}: these options ` +
        "choose where the gateway sends requests. Set the upstream with 'api_base'.",
    );
  }
  const normalized = { ...config };
  const base = normalized.api_base?.trim();
  if (base) normalized.api_base = base;
  else delete normalized.api_base;
  return normalized;
}

function checkSecretValue(value: Record<string, string>): void {
  const reserved = SECRET_VALUE_RESERVED.filter((k) => k in value).sort();
  if (reserved.length) {
    throw MlflowError.invalidParameter(
      `secret_value must not contain ${reserved.map((k) => `'${k}'`).join(', ')}: these keys ` +
        "choose where the gateway sends requests. Set the upstream with 'api_base' in auth_config.",
    );
  }
}

function sealer(config: Config, value: Record<string, string>): Sealer {
  const envelope = secretEnvelopeFor(config);
  return (secretId, secretName) => envelope.seal(JSON.stringify(value), secretId, secretName);
}

const masked = (value: Record<string, string>) =>
  Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskSecretValue(v)]));

const optionalExperimentId = (id: string | undefined) =>
  id === undefined ? undefined : parseExperimentId(id);

const empty = z.object({});

// ---------------------------------------------------------------------------------------------
// Endpoints

export const gatewayEndpoints = [
  endpoint({
    method: 'POST',
    paths: [`${GATEWAY}/secrets/create`],
    access: 'manage',
    tag: TAG,
    summary: 'Store a provider credential, encrypted; only its masked form is ever read back',
    request: z.object({
      secret_name: requiredString(),
      secret_value: stringMap().optional(),
      provider: z.string().optional(),
      auth_config: stringMap().optional(),
      created_by: z.string().optional(),
    }),
    response: z.object({ secret: secretSchema }),
    handler: async (input, { project, config }) => {
      const value = input.secret_value ?? {};
      checkSecretValue(value);
      const auth = authConfig(input.auth_config ?? {});
      const row = await createSecret(project.db, {
        name: input.secret_name,
        seal: sealer(config, value),
        masked: masked(value),
        provider: input.provider || undefined,
        authConfig: Object.keys(auth).length ? auth : undefined,
        createdBy: input.created_by || undefined,
      });
      return { secret: secretJson(row) };
    },
  }),
  endpoint({
    method: 'GET',
    paths: [`${GATEWAY}/secrets/get`],
    access: 'read',
    tag: TAG,
    summary: "A secret's metadata and masked values",
    request: z.object({ secret_id: requiredString() }),
    response: z.object({ secret: secretSchema }),
    handler: async ({ secret_id }, { project }) => ({
      secret: secretJson(await getSecret(project.db, secret_id)),
    }),
  }),
  endpoint({
    method: 'POST',
    paths: [`${GATEWAY}/secrets/update`],
    access: 'manage',
    tag: TAG,
    summary: "Rotate a secret's value or replace its auth configuration",
    request: z.object({
      secret_id: requiredString(),
      secret_value: stringMap().optional(),
      auth_config: stringMap().optional(),
      updated_by: z.string().optional(),
    }),
    response: z.object({ secret: secretSchema }),
    handler: async (input, { project, config }) => {
      // An empty map means "unchanged", as proto3 maps cannot tell empty from absent.
      const value =
        input.secret_value && Object.keys(input.secret_value).length
          ? input.secret_value
          : undefined;
      if (value) checkSecretValue(value);
      const auth =
        input.auth_config && Object.keys(input.auth_config).length
          ? authConfig(input.auth_config)
          : undefined;
      const row = await updateSecret(project.db, input.secret_id, {
        seal: value ? sealer(config, value) : undefined,
        masked: value ? masked(value) : undefined,
        authConfig: auth,
        updatedBy: input.updated_by || undefined,
      });
      return { secret: secretJson(row) };
    },
  }),
  endpoint({
    method: 'DELETE',
    paths: [`${GATEWAY}/secrets/delete`],
    access: 'manage',
    tag: TAG,
    summary: 'Delete a secret; model definitions using it are left without one',
    request: z.object({ secret_id: requiredString() }),
    response: empty,
    handler: async ({ secret_id }, { project }) => {
      await deleteSecret(project.db, secret_id);
      return {};
    },
  }),
  endpoint({
    method: 'GET',
    paths: [`${GATEWAY}/secrets/list`],
    access: 'read',
    tag: TAG,
    summary: 'Secrets (metadata and masked values), optionally of one provider',
    request: z.object({ provider: z.string().optional() }),
    response: z.object({ secrets: z.array(secretSchema).optional() }),
    handler: async ({ provider }, { project }) => {
      const rows = await listSecrets(project.db, provider || undefined);
      return rows.length ? { secrets: rows.map(secretJson) } : {};
    },
  }),

  endpoint({
    method: 'POST',
    paths: [`${GATEWAY}/model-definitions/create`],
    access: 'edit',
    tag: TAG,
    summary: 'Define a provider model and the secret that authenticates it',
    request: z.object({
      name: requiredString(),
      secret_id: requiredString(),
      provider: requiredString(),
      model_name: requiredString(),
      created_by: z.string().optional(),
    }),
    response: z.object({ model_definition: modelDefinitionSchema }),
    handler: async (input, { project }) => ({
      model_definition: modelDefinitionJson(
        await createModelDefinition(project.db, {
          name: input.name,
          secretId: input.secret_id,
          provider: input.provider,
          modelName: input.model_name,
          createdBy: input.created_by || undefined,
        }),
      ),
    }),
  }),
  endpoint({
    method: 'GET',
    paths: [`${GATEWAY}/model-definitions/get`],
    access: 'read',
    tag: TAG,
    summary: 'A model definition',
    request: z.object({ model_definition_id: requiredString() }),
    response: z.object({ model_definition: modelDefinitionSchema }),
    handler: async ({ model_definition_id }, { project }) => ({
      model_definition: modelDefinitionJson(
        await getModelDefinition(project.db, model_definition_id),
      ),
    }),
  }),
  endpoint({
    method: 'GET',
    paths: [`${GATEWAY}/model-definitions/list`],
    access: 'read',
    tag: TAG,
    summary: 'Model definitions, optionally of one provider or using one secret',
    request: z.object({ provider: z.string().optional(), secret_id: z.string().optional() }),
    response: z.object({ model_definitions: z.array(modelDefinitionSchema).optional() }),
    handler: async (input, { project }) => {
      const rows = await listModelDefinitions(project.db, {
        provider: input.provider || undefined,
        secretId: input.secret_id || undefined,
      });
      return rows.length ? { model_definitions: rows.map(modelDefinitionJson) } : {};
    },
  }),
  endpoint({
    method: 'POST',
    paths: [`${GATEWAY}/model-definitions/update`],
    access: 'edit',
    tag: TAG,
    summary: "Change a model definition's name, secret, provider or model",
    request: z.object({
      model_definition_id: requiredString(),
      name: z.string().optional(),
      secret_id: z.string().optional(),
      model_name: z.string().optional(),
      updated_by: z.string().optional(),
      provider: z.string().optional(),
    }),
    response: z.object({ model_definition: modelDefinitionSchema }),
    handler: async (input, { project }) => ({
      model_definition: modelDefinitionJson(
        await updateModelDefinition(project.db, input.model_definition_id, {
          name: input.name || undefined,
          secretId: input.secret_id || undefined,
          modelName: input.model_name || undefined,
          provider: input.provider || undefined,
          updatedBy: input.updated_by || undefined,
        }),
      ),
    }),
  }),
  endpoint({
    method: 'DELETE',
    paths: [`${GATEWAY}/model-definitions/delete`],
    access: 'edit',
    tag: TAG,
    summary: 'Delete a model definition no endpoint uses',
    request: z.object({ model_definition_id: requiredString() }),
    response: empty,
    handler: async ({ model_definition_id }, { project }) => {
      await deleteModelDefinition(project.db, model_definition_id);
      return {};
    },
  }),

  endpoint({
    method: 'POST',
    paths: [`${GATEWAY}/endpoints/create`],
    access: 'edit',
    tag: TAG,
    summary:
      'Create an endpoint routing to model definitions (usage traces go to gateway/<name> unless told)',
    request: z.object({
      name: requiredString(),
      model_configs: z.array(modelConfigRequest),
      created_by: z.string().optional(),
      routing_strategy: protoEnum().optional(),
      fallback_config: fallbackConfigRequest.optional(),
      experiment_id: z.string().optional(),
      usage_tracking: z.boolean().optional(),
    }),
    response: z.object({ endpoint: endpointSchema }),
    handler: async (input, { project }) => {
      checkEndpointName(input.name);
      const configs = input.model_configs.map((c, i) => modelConfig(c, `model_configs[${i}]`));
      const row = await createEndpoint(project.db, {
        name: input.name,
        modelConfigs: configs,
        createdBy: input.created_by || undefined,
        routingStrategy: routingStrategy(input.routing_strategy),
        fallbackConfig: fallbackConfig(input.fallback_config),
        experimentId: optionalExperimentId(input.experiment_id),
        usageTracking: input.usage_tracking ?? true,
      });
      return { endpoint: endpointJson(row) };
    },
  }),
  endpoint({
    method: 'GET',
    paths: [`${GATEWAY}/endpoints/get`],
    access: 'read',
    tag: TAG,
    summary: 'An endpoint, by id or by name, with its model mappings',
    request: z.object({ endpoint_id: z.string().optional(), name: z.string().optional() }),
    response: z.object({ endpoint: endpointSchema }),
    handler: async (input, { project }) => ({
      endpoint: endpointJson(
        await getEndpoint(project.db, {
          endpointId: input.endpoint_id || undefined,
          name: input.name || undefined,
        }),
      ),
    }),
  }),
  endpoint({
    method: 'POST',
    paths: [`${GATEWAY}/endpoints/update`],
    access: 'edit',
    tag: TAG,
    summary: 'Rename an endpoint, replace its model mappings, or change its routing and tracking',
    request: z.object({
      endpoint_id: requiredString(),
      name: z.string().optional(),
      updated_by: z.string().optional(),
      model_configs: z.array(modelConfigRequest).optional(),
      routing_strategy: protoEnum().optional(),
      fallback_config: fallbackConfigRequest.optional(),
      experiment_id: z.string().optional(),
      usage_tracking: z.boolean().optional(),
    }),
    response: z.object({ endpoint: endpointSchema }),
    handler: async (input, { project }) => {
      checkEndpointName(input.name);
      const configs = input.model_configs?.length
        ? input.model_configs.map((c, i) => modelConfig(c, `model_configs[${i}]`))
        : undefined;
      const row = await updateEndpoint(project.db, input.endpoint_id, {
        name: input.name || undefined,
        updatedBy: input.updated_by || undefined,
        modelConfigs: configs,
        routingStrategy: routingStrategy(input.routing_strategy),
        fallbackConfig: fallbackConfig(input.fallback_config),
        experimentId: optionalExperimentId(input.experiment_id),
        usageTracking: input.usage_tracking,
      });
      return { endpoint: endpointJson(row) };
    },
  }),
  endpoint({
    method: 'DELETE',
    paths: [`${GATEWAY}/endpoints/delete`],
    access: 'edit',
    tag: TAG,
    summary: 'Delete an endpoint with its mappings, tags and bindings',
    request: z.object({ endpoint_id: requiredString() }),
    response: empty,
    handler: async ({ endpoint_id }, { project }) => {
      await deleteEndpoint(project.db, endpoint_id);
      return {};
    },
  }),
  endpoint({
    method: 'GET',
    paths: [`${GATEWAY}/endpoints/list`],
    access: 'read',
    tag: TAG,
    summary: 'Endpoints, optionally those with a model of one provider or using one secret',
    request: z.object({ provider: z.string().optional(), secret_id: z.string().optional() }),
    response: z.object({ endpoints: z.array(endpointSchema).optional() }),
    handler: async (input, { project }) => {
      const rows = await listEndpoints(project.db, {
        provider: input.provider || undefined,
        secretId: input.secret_id || undefined,
      });
      return rows.length ? { endpoints: rows.map(endpointJson) } : {};
    },
  }),
  endpoint({
    method: 'POST',
    paths: [`${GATEWAY}/endpoints/models/attach`],
    access: 'edit',
    tag: TAG,
    summary: 'Attach a model definition to an endpoint',
    request: z.object({
      endpoint_id: requiredString(),
      model_config: modelConfigRequest,
      created_by: z.string().optional(),
    }),
    response: z.object({ mapping: mappingSchema }),
    handler: async (input, { project }) => ({
      mapping: mappingJson(
        await attachModel(
          project.db,
          input.endpoint_id,
          modelConfig(input.model_config, 'model_config'),
          input.created_by || undefined,
        ),
      ),
    }),
  }),
  endpoint({
    method: 'POST',
    paths: [`${GATEWAY}/endpoints/models/detach`],
    access: 'edit',
    tag: TAG,
    summary: 'Detach a model definition from an endpoint (the definition stays)',
    request: z.object({
      endpoint_id: requiredString(),
      model_definition_id: requiredString(),
    }),
    response: empty,
    handler: async (input, { project }) => {
      await detachModel(project.db, input.endpoint_id, input.model_definition_id);
      return {};
    },
  }),
  endpoint({
    method: 'POST',
    paths: [`${GATEWAY}/endpoints/bindings/create`],
    access: 'edit',
    tag: TAG,
    summary: 'Bind an endpoint to a resource that calls it (a scorer)',
    request: z.object({
      endpoint_id: requiredString(),
      resource_type: requiredString(),
      resource_id: requiredString(),
      created_by: z.string().optional(),
    }),
    response: z.object({ binding: bindingSchema }),
    handler: async (input, { project }) => {
      if (!(RESOURCE_TYPES as readonly string[]).includes(input.resource_type)) {
        throw MlflowError.invalidParameter(
          `Invalid resource_type '${input.resource_type}'. Must be one of: ${RESOURCE_TYPES.join(', ')}.`,
        );
      }
      const row = await createBinding(project.db, {
        endpointId: input.endpoint_id,
        resourceType: input.resource_type,
        resourceId: input.resource_id,
        createdBy: input.created_by || undefined,
      });
      return { binding: bindingJson(row) };
    },
  }),
  endpoint({
    method: 'DELETE',
    paths: [`${GATEWAY}/endpoints/bindings/delete`],
    access: 'edit',
    tag: TAG,
    summary: 'Remove a binding',
    request: z.object({
      endpoint_id: requiredString(),
      resource_type: requiredString(),
      resource_id: requiredString(),
    }),
    response: empty,
    handler: async (input, { project }) => {
      await deleteBinding(project.db, {
        endpointId: input.endpoint_id,
        resourceType: input.resource_type,
        resourceId: input.resource_id,
      });
      return {};
    },
  }),
  endpoint({
    method: 'GET',
    paths: [`${GATEWAY}/endpoints/bindings/list`],
    access: 'read',
    tag: TAG,
    summary: 'Bindings, by endpoint, resource type or resource',
    request: z.object({
      endpoint_id: z.string().optional(),
      resource_type: z.string().optional(),
      resource_id: z.string().optional(),
    }),
    response: z.object({ bindings: z.array(bindingSchema).optional() }),
    handler: async (input, { project }) => {
      const rows = await listBindings(project.db, {
        endpointId: input.endpoint_id || undefined,
        resourceType: input.resource_type || undefined,
        resourceId: input.resource_id || undefined,
      });
      return rows.length ? { bindings: rows.map(bindingJson) } : {};
    },
  }),
  endpoint({
    method: 'POST',
    paths: [`${GATEWAY}/endpoints/set-tag`],
    access: 'edit',
    tag: TAG,
    summary: 'Set a tag on an endpoint',
    request: z.object({
      endpoint_id: requiredString(),
      key: requiredString(),
      value: z.string().optional(),
    }),
    response: empty,
    handler: async (input, { project }) => {
      await setEndpointTag(project.db, input.endpoint_id, input.key, input.value ?? '');
      return {};
    },
  }),
  endpoint({
    method: 'DELETE',
    paths: [`${GATEWAY}/endpoints/delete-tag`],
    access: 'edit',
    tag: TAG,
    summary: "Delete an endpoint's tag",
    request: z.object({ endpoint_id: requiredString(), key: requiredString() }),
    response: empty,
    handler: async (input, { project }) => {
      await deleteEndpointTag(project.db, input.endpoint_id, input.key);
      return {};
    },
  }),
];
