// The AI gateway's configuration in one project, as MLflow's SQL store keeps it: secrets (only
// their masked values are read back), model definitions naming a provider model and a secret,
// endpoints routing to model definitions (with tags, a fallback configuration and an experiment
// for usage traces), and bindings of endpoints to resources such as scorers.
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { MlflowError } from '../errors.js';
import { isUniqueViolation } from './constraint-errors.js';
import {
  createExperiment,
  findExperimentByName,
  getExperimentRow,
  type Db,
} from './experiments.js';
import type {
  Database,
  GatewayEndpointBindingsTable,
  GatewayEndpointModelMappingsTable,
  GatewayEndpointsTable,
  GatewayModelDefinitionsTable,
  GatewaySecretsTable,
} from './schema.js';
import { lockOn } from './write-locks.js';

export const LINKAGE_TYPES = ['PRIMARY', 'FALLBACK'] as const;
export type LinkageType = (typeof LINKAGE_TYPES)[number];
export const RESOURCE_TYPES = ['scorer'] as const;

/** MLflow's ids: a letter naming the kind, a dash, a hex UUID. */
const newId = (kind: 's' | 'd' | 'e' | 'm') => `${kind}-${randomUUID().replaceAll('-', '')}`;

const notFound = (entity: string, fields: Record<string, string>) =>
  MlflowError.notFound(
    `${entity} not found (${Object.entries(fields)
      .map(([k, v]) => `${k}='${v}'`)
      .join(', ')})`,
  );

// ---------------------------------------------------------------------------------------------
// Secrets

export interface SealedValue {
  encryptedValue: string;
  wrappedDek: string;
  kekVersion: number;
}

/** Seals a secret's value for the id and name it will be stored under. */
export type Sealer = (secretId: string, secretName: string) => Promise<SealedValue>;

export async function createSecret(
  db: Db,
  input: {
    name: string;
    seal: Sealer;
    masked: Record<string, string>;
    provider?: string;
    authConfig?: Record<string, string>;
    createdBy?: string;
  },
): Promise<GatewaySecretsTable> {
  const secretId = newId('s');
  const sealed = await input.seal(secretId, input.name);
  const now = Date.now();
  const row: GatewaySecretsTable = {
    secret_id: secretId,
    secret_name: input.name,
    encrypted_value: sealed.encryptedValue,
    wrapped_dek: sealed.wrappedDek,
    kek_version: sealed.kekVersion,
    masked_value: JSON.stringify(input.masked),
    provider: input.provider ?? null,
    auth_config: input.authConfig ? JSON.stringify(input.authConfig) : null,
    created_at: now,
    last_updated_at: now,
    created_by: input.createdBy ?? null,
    last_updated_by: input.createdBy ?? null,
  };
  try {
    await db.insertInto('gateway_secrets').values(row).execute();
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new MlflowError(
        'RESOURCE_ALREADY_EXISTS',
        `Secret with name '${input.name}' already exists`,
      );
    }
    throw err;
  }
  return row;
}

export async function getSecret(db: Db, secretId: string): Promise<GatewaySecretsTable> {
  const row = await db
    .selectFrom('gateway_secrets')
    .selectAll()
    .where('secret_id', '=', secretId)
    .executeTakeFirst();
  if (!row) throw notFound('GatewaySecret', { secret_id: secretId });
  return row;
}

export async function updateSecret(
  db: Db,
  secretId: string,
  changes: {
    seal?: Sealer;
    masked?: Record<string, string>;
    /** Replaces the auth config; `{}` clears it; undefined leaves it. */
    authConfig?: Record<string, string>;
    updatedBy?: string;
  },
): Promise<GatewaySecretsTable> {
  const current = await getSecret(db, secretId);
  const set: Partial<GatewaySecretsTable> = {
    last_updated_at: Date.now(),
    last_updated_by: changes.updatedBy ?? null,
  };
  if (changes.seal && changes.masked) {
    const sealed = await changes.seal(secretId, current.secret_name);
    set.encrypted_value = sealed.encryptedValue;
    set.wrapped_dek = sealed.wrappedDek;
    set.kek_version = sealed.kekVersion;
    set.masked_value = JSON.stringify(changes.masked);
  }
  if (changes.authConfig) {
    set.auth_config = Object.keys(changes.authConfig).length
      ? JSON.stringify(changes.authConfig)
      : null;
  }
  await db.updateTable('gateway_secrets').set(set).where('secret_id', '=', secretId).execute();
  return getSecret(db, secretId);
}

/** Model definitions using the secret stay, without one (MLflow's orphaning). */
export async function deleteSecret(db: Kysely<Database>, secretId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await getSecret(trx, secretId);
    await trx
      .updateTable('gateway_model_definitions')
      .set({ secret_id: null })
      .where('secret_id', '=', secretId)
      .execute();
    await trx.deleteFrom('gateway_secrets').where('secret_id', '=', secretId).execute();
  });
}

export async function listSecrets(db: Db, provider?: string): Promise<GatewaySecretsTable[]> {
  let query = db.selectFrom('gateway_secrets').selectAll().orderBy('created_at');
  if (provider) query = query.where('provider', '=', provider);
  return query.execute();
}

// ---------------------------------------------------------------------------------------------
// Model definitions

export interface ModelDefinition extends GatewayModelDefinitionsTable {
  secret_name: string | null;
}

function modelDefinitions(db: Db) {
  return db
    .selectFrom('gateway_model_definitions as d')
    .leftJoin('gateway_secrets as s', 's.secret_id', 'd.secret_id')
    .selectAll('d')
    .select('s.secret_name');
}

export async function getModelDefinition(db: Db, id: string): Promise<ModelDefinition> {
  const row = await modelDefinitions(db).where('d.model_definition_id', '=', id).executeTakeFirst();
  if (!row) throw notFound('GatewayModelDefinition', { model_definition_id: id });
  return row;
}

const modelDefinitionExists = (name: string) =>
  new MlflowError('RESOURCE_ALREADY_EXISTS', `Model definition with name '${name}' already exists`);

export async function createModelDefinition(
  db: Db,
  input: {
    name: string;
    secretId: string;
    provider: string;
    modelName: string;
    createdBy?: string;
  },
): Promise<ModelDefinition> {
  await getSecret(db, input.secretId);
  const now = Date.now();
  const id = newId('d');
  try {
    await db
      .insertInto('gateway_model_definitions')
      .values({
        model_definition_id: id,
        name: input.name,
        secret_id: input.secretId,
        provider: input.provider,
        model_name: input.modelName,
        created_at: now,
        last_updated_at: now,
        created_by: input.createdBy ?? null,
        last_updated_by: input.createdBy ?? null,
      })
      .execute();
  } catch (err) {
    if (isUniqueViolation(err)) throw modelDefinitionExists(input.name);
    throw err;
  }
  return getModelDefinition(db, id);
}

export async function listModelDefinitions(
  db: Db,
  filter: { provider?: string; secretId?: string },
): Promise<ModelDefinition[]> {
  let query = modelDefinitions(db).orderBy('d.created_at');
  if (filter.provider) query = query.where('d.provider', '=', filter.provider);
  if (filter.secretId) query = query.where('d.secret_id', '=', filter.secretId);
  return query.execute();
}

export async function updateModelDefinition(
  db: Db,
  id: string,
  changes: {
    name?: string;
    secretId?: string;
    modelName?: string;
    provider?: string;
    updatedBy?: string;
  },
): Promise<ModelDefinition> {
  await getModelDefinition(db, id);
  const set: Partial<GatewayModelDefinitionsTable> = { last_updated_at: Date.now() };
  if (changes.name) set.name = changes.name;
  if (changes.secretId) {
    await getSecret(db, changes.secretId);
    set.secret_id = changes.secretId;
  }
  if (changes.modelName) set.model_name = changes.modelName;
  if (changes.provider) set.provider = changes.provider;
  if (changes.updatedBy) set.last_updated_by = changes.updatedBy;
  try {
    await db
      .updateTable('gateway_model_definitions')
      .set(set)
      .where('model_definition_id', '=', id)
      .execute();
  } catch (err) {
    if (isUniqueViolation(err)) throw modelDefinitionExists(changes.name ?? '');
    throw err;
  }
  return getModelDefinition(db, id);
}

export async function deleteModelDefinition(db: Kysely<Database>, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await getModelDefinition(trx, id);
    const inUse = await trx
      .selectFrom('gateway_endpoint_model_mappings')
      .select('mapping_id')
      .where('model_definition_id', '=', id)
      .executeTakeFirst();
    if (inUse) {
      // MLflow answers this with INVALID_STATE's usual 500, which its client retries for
      // minutes; it is the caller's mistake, so 400.
      throw new MlflowError(
        'INVALID_STATE',
        'Cannot delete model definition that is currently in use by endpoints. ' +
          'Detach it from all endpoints first.',
        undefined,
        400,
      );
    }
    await trx
      .deleteFrom('gateway_model_definitions')
      .where('model_definition_id', '=', id)
      .execute();
  });
}

// ---------------------------------------------------------------------------------------------
// Endpoints

export interface ModelConfig {
  modelDefinitionId: string;
  linkageType: LinkageType;
  weight?: number;
  fallbackOrder?: number;
}

export interface FallbackConfig {
  strategy?: string;
  maxAttempts?: number;
}

export interface Mapping extends GatewayEndpointModelMappingsTable {
  modelDefinition: ModelDefinition;
}

export interface Endpoint extends GatewayEndpointsTable {
  mappings: Mapping[];
  tags: { key: string; value: string | null }[];
}

async function loadEndpoints(db: Db, endpoints: GatewayEndpointsTable[]): Promise<Endpoint[]> {
  if (!endpoints.length) return [];
  const ids = endpoints.map((e) => e.endpoint_id);
  const mappings = await db
    .selectFrom('gateway_endpoint_model_mappings')
    .selectAll()
    .where('endpoint_id', 'in', ids)
    .orderBy('position')
    .execute();
  const definitionIds = [...new Set(mappings.map((m) => m.model_definition_id))];
  const definitions = definitionIds.length
    ? await modelDefinitions(db).where('d.model_definition_id', 'in', definitionIds).execute()
    : [];
  const definitionById = new Map(definitions.map((d) => [d.model_definition_id, d]));
  const tags = await db
    .selectFrom('gateway_endpoint_tags')
    .selectAll()
    .where('endpoint_id', 'in', ids)
    .orderBy('key')
    .execute();
  return endpoints.map((e) => ({
    ...e,
    mappings: mappings
      .filter((m) => m.endpoint_id === e.endpoint_id)
      .map((m) => ({ ...m, modelDefinition: definitionById.get(m.model_definition_id)! })),
    tags: tags.filter((t) => t.endpoint_id === e.endpoint_id),
  }));
}

export async function getEndpoint(
  db: Db,
  by: { endpointId?: string; name?: string },
): Promise<Endpoint> {
  if (!by.endpointId === !by.name) {
    throw MlflowError.invalidParameter('Exactly one of endpoint_id or name must be provided');
  }
  let query = db.selectFrom('gateway_endpoints').selectAll();
  query = by.endpointId
    ? query.where('endpoint_id', '=', by.endpointId)
    : query.where('name', '=', by.name!);
  const row = await query.executeTakeFirst();
  if (!row) {
    throw notFound(
      'GatewayEndpoint',
      by.endpointId ? { endpoint_id: by.endpointId } : { name: by.name! },
    );
  }
  return (await loadEndpoints(db, [row]))[0];
}

/** The fallback configuration as MLflow stores it: the fallback models' ids travel with it. */
function fallbackJson(configs: ModelConfig[], fallback?: FallbackConfig): string {
  return JSON.stringify({
    strategy: fallback?.strategy ?? null,
    max_attempts: fallback?.maxAttempts ?? null,
    model_definition_ids: configs
      .filter((c) => c.linkageType === 'FALLBACK')
      .map((c) => c.modelDefinitionId),
  });
}

async function assertModelDefinitionsExist(db: Db, ids: string[]): Promise<void> {
  const wanted = [...new Set(ids)];
  const found = await db
    .selectFrom('gateway_model_definitions')
    .select('model_definition_id')
    .where('model_definition_id', 'in', wanted)
    .execute();
  const known = new Set(found.map((r) => r.model_definition_id));
  const missing = wanted.filter((id) => !known.has(id));
  if (missing.length) {
    throw MlflowError.notFound(`Model definitions not found: ${missing.join(', ')}`);
  }
}

function mappingRows(
  endpointId: string,
  configs: ModelConfig[],
  createdBy: string | null,
  firstPosition = 0,
): GatewayEndpointModelMappingsTable[] {
  const now = Date.now();
  return configs.map((c, i) => ({
    mapping_id: newId('m'),
    endpoint_id: endpointId,
    model_definition_id: c.modelDefinitionId,
    weight: c.weight ?? 1,
    linkage_type: c.linkageType,
    fallback_order: c.fallbackOrder ?? null,
    position: firstPosition + i,
    created_at: now,
    created_by: createdBy,
  }));
}

async function insertMappings(
  trx: Transaction<Database>,
  rows: GatewayEndpointModelMappingsTable[],
): Promise<void> {
  for (const row of rows) {
    try {
      await trx.insertInto('gateway_endpoint_model_mappings').values(row).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw mappingExists(row.model_definition_id, row.endpoint_id);
      throw err;
    }
  }
}

const mappingExists = (definitionId: string, endpointId: string) =>
  new MlflowError(
    'RESOURCE_ALREADY_EXISTS',
    `Model definition '${definitionId}' is already attached to endpoint '${endpointId}'`,
  );

const endpointExists = (name: string) =>
  new MlflowError('RESOURCE_ALREADY_EXISTS', `Endpoint with name '${name}' already exists`);

/**
 * The experiment an endpoint's usage traces go to: `gateway/<name>`, made (tagged as the
 * gateway's) if missing, as MLflow does when usage tracking is on and no experiment is named.
 */
async function usageExperiment(
  db: Kysely<Database>,
  endpointName: string,
  endpointId: string,
): Promise<number> {
  const name = `gateway/${endpointName}`;
  const existing = await findExperimentByName(db, name);
  if (existing) return Number(existing.experiment_id);
  try {
    return await createExperiment(db, {
      name,
      tags: [
        { key: 'mlflow.experiment.sourceType', value: 'GATEWAY' },
        { key: 'mlflow.experiment.sourceId', value: endpointId },
        { key: 'mlflow.experiment.isGateway', value: 'true' },
      ],
    });
  } catch (err) {
    // Made by a concurrent request in the meantime.
    const made = await findExperimentByName(db, name);
    if (made) return Number(made.experiment_id);
    throw err;
  }
}

async function assertExperimentExists(db: Db, experimentId: number): Promise<void> {
  await getExperimentRow(db, experimentId);
}

export async function createEndpoint(
  db: Kysely<Database>,
  input: {
    name: string;
    modelConfigs: ModelConfig[];
    createdBy?: string;
    routingStrategy?: string;
    fallbackConfig?: FallbackConfig;
    experimentId?: number;
    usageTracking: boolean;
  },
): Promise<Endpoint> {
  if (!input.modelConfigs.length) {
    throw MlflowError.invalidParameter('Endpoint must have at least one model configuration');
  }
  await assertModelDefinitionsExist(
    db,
    input.modelConfigs.map((c) => c.modelDefinitionId),
  );
  const taken = await db
    .selectFrom('gateway_endpoints')
    .select('endpoint_id')
    .where('name', '=', input.name)
    .executeTakeFirst();
  if (taken) throw endpointExists(input.name);
  const endpointId = newId('e');
  let experimentId = input.experimentId;
  if (experimentId !== undefined) await assertExperimentExists(db, experimentId);
  else if (input.usageTracking) experimentId = await usageExperiment(db, input.name, endpointId);
  const hasFallback = input.modelConfigs.some((c) => c.linkageType === 'FALLBACK');
  const now = Date.now();
  await db.transaction().execute(async (trx) => {
    try {
      await trx
        .insertInto('gateway_endpoints')
        .values({
          endpoint_id: endpointId,
          name: input.name,
          created_at: now,
          last_updated_at: now,
          created_by: input.createdBy ?? null,
          last_updated_by: input.createdBy ?? null,
          routing_strategy: input.routingStrategy ?? null,
          fallback_config_json:
            input.fallbackConfig || hasFallback
              ? fallbackJson(input.modelConfigs, input.fallbackConfig)
              : null,
          experiment_id: experimentId ?? null,
          usage_tracking: input.usageTracking ? 1 : 0,
        })
        .execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw endpointExists(input.name);
      throw err;
    }
    await insertMappings(trx, mappingRows(endpointId, input.modelConfigs, input.createdBy ?? null));
  });
  return getEndpoint(db, { endpointId });
}

export async function updateEndpoint(
  db: Kysely<Database>,
  endpointId: string,
  changes: {
    name?: string;
    updatedBy?: string;
    routingStrategy?: string;
    fallbackConfig?: FallbackConfig;
    modelConfigs?: ModelConfig[];
    experimentId?: number;
    usageTracking?: boolean;
  },
): Promise<Endpoint> {
  const current = await getEndpoint(db, { endpointId });
  if (changes.modelConfigs) {
    await assertModelDefinitionsExist(
      db,
      changes.modelConfigs.map((c) => c.modelDefinitionId),
    );
  }
  if (changes.name && changes.name !== current.name) {
    const taken = await db
      .selectFrom('gateway_endpoints')
      .select('endpoint_id')
      .where('name', '=', changes.name)
      .executeTakeFirst();
    if (taken) throw endpointExists(changes.name);
  }
  let experimentId = changes.experimentId;
  if (experimentId !== undefined) await assertExperimentExists(db, experimentId);
  else if (changes.usageTracking && current.experiment_id === null) {
    experimentId = await usageExperiment(db, changes.name ?? current.name, endpointId);
  }
  const set: Partial<GatewayEndpointsTable> = { last_updated_at: Date.now() };
  if (changes.name) set.name = changes.name;
  if (changes.usageTracking !== undefined) set.usage_tracking = changes.usageTracking ? 1 : 0;
  if (experimentId !== undefined) set.experiment_id = experimentId;
  if (changes.routingStrategy) set.routing_strategy = changes.routingStrategy;
  if (changes.updatedBy) set.last_updated_by = changes.updatedBy;
  if (changes.modelConfigs) {
    set.fallback_config_json = fallbackJson(changes.modelConfigs, changes.fallbackConfig);
  } else if (changes.fallbackConfig) {
    // Only the strategy and attempts change; the fallback models stay as they are.
    const stored = current.fallback_config_json
      ? (JSON.parse(current.fallback_config_json) as { model_definition_ids?: string[] })
      : {};
    set.fallback_config_json = JSON.stringify({
      strategy: changes.fallbackConfig.strategy ?? null,
      max_attempts: changes.fallbackConfig.maxAttempts ?? null,
      model_definition_ids: stored.model_definition_ids ?? [],
    });
  }
  await db.transaction().execute(async (trx) => {
    try {
      await trx
        .updateTable('gateway_endpoints')
        .set(set)
        .where('endpoint_id', '=', endpointId)
        .execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw endpointExists(changes.name ?? '');
      throw err;
    }
    if (changes.modelConfigs) {
      await trx
        .deleteFrom('gateway_endpoint_model_mappings')
        .where('endpoint_id', '=', endpointId)
        .execute();
      await insertMappings(
        trx,
        mappingRows(endpointId, changes.modelConfigs, changes.updatedBy ?? null),
      );
    }
  });
  return getEndpoint(db, { endpointId });
}

/** Its mappings, tags and bindings go with it. */
export async function deleteEndpoint(db: Kysely<Database>, endpointId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await getEndpoint(trx, { endpointId });
    for (const table of [
      'gateway_endpoint_model_mappings',
      'gateway_endpoint_tags',
      'gateway_endpoint_bindings',
    ] as const) {
      await trx.deleteFrom(table).where('endpoint_id', '=', endpointId).execute();
    }
    await trx.deleteFrom('gateway_endpoints').where('endpoint_id', '=', endpointId).execute();
  });
}

/** Endpoints with a model of this provider, or using this secret, when asked. */
export async function listEndpoints(
  db: Db,
  filter: { provider?: string; secretId?: string },
): Promise<Endpoint[]> {
  let query = db.selectFrom('gateway_endpoints').selectAll().orderBy('created_at');
  if (filter.provider || filter.secretId) {
    query = query.where('endpoint_id', 'in', (eb) => {
      let inner = eb
        .selectFrom('gateway_endpoint_model_mappings as m')
        .innerJoin(
          'gateway_model_definitions as d',
          'd.model_definition_id',
          'm.model_definition_id',
        )
        .select('m.endpoint_id');
      if (filter.provider) inner = inner.where('d.provider', '=', filter.provider);
      if (filter.secretId) inner = inner.where('d.secret_id', '=', filter.secretId);
      return inner;
    });
  }
  return loadEndpoints(db, await query.execute());
}

export async function attachModel(
  db: Kysely<Database>,
  endpointId: string,
  config: ModelConfig,
  createdBy?: string,
): Promise<Mapping> {
  const row = await db.transaction().execute(async (trx) => {
    await getEndpoint(trx, { endpointId });
    await getModelDefinition(trx, config.modelDefinitionId);
    await lockOn(trx, `gateway_mappings:${endpointId}`);
    const { last } = await trx
      .selectFrom('gateway_endpoint_model_mappings')
      .select((eb) => eb.fn.max('position').as('last'))
      .where('endpoint_id', '=', endpointId)
      .executeTakeFirstOrThrow();
    const [row] = mappingRows(endpointId, [config], createdBy ?? null, Number(last ?? -1) + 1);
    await insertMappings(trx, [row]);
    const set: Partial<GatewayEndpointsTable> = { last_updated_at: row.created_at };
    if (createdBy) set.last_updated_by = createdBy;
    await trx
      .updateTable('gateway_endpoints')
      .set(set)
      .where('endpoint_id', '=', endpointId)
      .execute();
    return row;
  });
  return { ...row, modelDefinition: await getModelDefinition(db, config.modelDefinitionId) };
}

export async function detachModel(
  db: Kysely<Database>,
  endpointId: string,
  modelDefinitionId: string,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const mapping = await trx
      .selectFrom('gateway_endpoint_model_mappings')
      .select('mapping_id')
      .where('endpoint_id', '=', endpointId)
      .where('model_definition_id', '=', modelDefinitionId)
      .orderBy('created_at')
      .executeTakeFirst();
    if (!mapping) {
      await getEndpoint(trx, { endpointId });
      throw MlflowError.notFound(
        `Model definition '${modelDefinitionId}' is not attached to endpoint '${endpointId}'`,
      );
    }
    await trx
      .deleteFrom('gateway_endpoint_model_mappings')
      .where('mapping_id', '=', mapping.mapping_id)
      .execute();
  });
}

export async function setEndpointTag(
  db: Db,
  endpointId: string,
  key: string,
  value: string | null,
): Promise<void> {
  await getEndpoint(db, { endpointId });
  await db
    .insertInto('gateway_endpoint_tags')
    .values({ endpoint_id: endpointId, key, value })
    .onConflict((oc) => oc.columns(['endpoint_id', 'key']).doUpdateSet({ value }))
    .execute();
}

export async function deleteEndpointTag(db: Db, endpointId: string, key: string): Promise<void> {
  await getEndpoint(db, { endpointId });
  await db
    .deleteFrom('gateway_endpoint_tags')
    .where('endpoint_id', '=', endpointId)
    .where('key', '=', key)
    .execute();
}

// ---------------------------------------------------------------------------------------------
// Bindings

export interface BindingKey {
  endpointId: string;
  resourceType: string;
  resourceId: string;
}

export async function createBinding(
  db: Db,
  key: BindingKey & { createdBy?: string; displayName?: string },
): Promise<GatewayEndpointBindingsTable> {
  await getEndpoint(db, { endpointId: key.endpointId });
  const now = Date.now();
  const row: GatewayEndpointBindingsTable = {
    endpoint_id: key.endpointId,
    resource_type: key.resourceType,
    resource_id: key.resourceId,
    display_name: key.displayName ?? null,
    created_at: now,
    last_updated_at: now,
    created_by: key.createdBy ?? null,
    last_updated_by: key.createdBy ?? null,
  };
  try {
    await db.insertInto('gateway_endpoint_bindings').values(row).execute();
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new MlflowError(
        'RESOURCE_ALREADY_EXISTS',
        `Endpoint '${key.endpointId}' is already bound to ${key.resourceType} '${key.resourceId}'`,
      );
    }
    throw err;
  }
  return row;
}

export async function deleteBinding(db: Db, key: BindingKey): Promise<void> {
  const result = await db
    .deleteFrom('gateway_endpoint_bindings')
    .where('endpoint_id', '=', key.endpointId)
    .where('resource_type', '=', key.resourceType)
    .where('resource_id', '=', key.resourceId)
    .executeTakeFirst();
  if (!Number(result.numDeletedRows)) {
    throw notFound('GatewayEndpointBinding', {
      endpoint_id: key.endpointId,
      resource_type: key.resourceType,
      resource_id: key.resourceId,
    });
  }
}

export async function listBindings(
  db: Db,
  filter: Partial<BindingKey>,
): Promise<GatewayEndpointBindingsTable[]> {
  let query = db.selectFrom('gateway_endpoint_bindings').selectAll().orderBy('created_at');
  if (filter.endpointId) query = query.where('endpoint_id', '=', filter.endpointId);
  if (filter.resourceType) query = query.where('resource_type', '=', filter.resourceType);
  if (filter.resourceId) query = query.where('resource_id', '=', filter.resourceId);
  return query.execute();
}

/** A scorer's binding to the endpoint its judge calls: one per scorer, replaced on re-register. */
export async function bindScorer(
  db: Db,
  scorerId: string,
  endpointId: string | undefined,
  scorerName: string,
): Promise<void> {
  await db
    .deleteFrom('gateway_endpoint_bindings')
    .where('resource_type', '=', 'scorer')
    .where('resource_id', '=', scorerId)
    .execute();
  if (endpointId) {
    await createBinding(db, {
      endpointId,
      resourceType: 'scorer',
      resourceId: scorerId,
      displayName: scorerName,
    });
  }
}

/** Endpoint names by id, for turning stored `gateway:/<id>` references back into names. */
export async function endpointNames(db: Db, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await db
    .selectFrom('gateway_endpoints')
    .select(['endpoint_id', 'name'])
    .where('endpoint_id', 'in', ids)
    .execute();
  return new Map(rows.map((r) => [r.endpoint_id, r.name]));
}
