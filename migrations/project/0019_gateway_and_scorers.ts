// MLflow 3's AI gateway configuration and registered scorers, one project's worth:
// - gateway secrets (provider credentials, envelope-encrypted; only masked values are ever read
//   back), model definitions that name a provider model and a secret, endpoints that route to
//   model definitions, endpoint tags, and bindings of endpoints to resources (scorers);
// - scorers (one row per experiment and name), their numbered versions, and online scoring
//   configurations.
// Deleting a secret orphans its model definitions (secret_id NULL) as MLflow does; a model
// definition still mapped to an endpoint cannot be deleted. Dialect-neutral, like 0001.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('gateway_secrets')
    .addColumn('secret_id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('secret_name', 'varchar(255)', (c) => c.notNull().unique())
    .addColumn('encrypted_value', 'text', (c) => c.notNull())
    .addColumn('wrapped_dek', 'text', (c) => c.notNull())
    .addColumn('kek_version', 'integer', (c) => c.notNull())
    .addColumn('masked_value', 'text', (c) => c.notNull())
    .addColumn('provider', 'varchar(64)')
    .addColumn('auth_config', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_updated_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'varchar(255)')
    .addColumn('last_updated_by', 'varchar(255)')
    .execute();
  await db.schema
    .createTable('gateway_model_definitions')
    .addColumn('model_definition_id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(255)', (c) => c.notNull().unique())
    .addColumn('secret_id', 'varchar(36)', (c) =>
      c.references('gateway_secrets.secret_id').onDelete('set null'),
    )
    .addColumn('provider', 'varchar(64)', (c) => c.notNull())
    .addColumn('model_name', 'varchar(256)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_updated_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'varchar(255)')
    .addColumn('last_updated_by', 'varchar(255)')
    .execute();
  await db.schema
    .createTable('gateway_endpoints')
    .addColumn('endpoint_id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(255)', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_updated_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'varchar(255)')
    .addColumn('last_updated_by', 'varchar(255)')
    .addColumn('routing_strategy', 'varchar(64)')
    .addColumn('fallback_config_json', 'text')
    .addColumn('experiment_id', 'bigint', (c) =>
      c.references('experiments.experiment_id').onDelete('set null'),
    )
    .addColumn('usage_tracking', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('gateway_endpoint_model_mappings')
    .addColumn('mapping_id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('endpoint_id', 'varchar(36)', (c) =>
      c.notNull().references('gateway_endpoints.endpoint_id').onDelete('cascade'),
    )
    .addColumn('model_definition_id', 'varchar(36)', (c) =>
      c.notNull().references('gateway_model_definitions.model_definition_id').onDelete('restrict'),
    )
    .addColumn('weight', 'real', (c) => c.notNull())
    .addColumn('linkage_type', 'varchar(32)', (c) => c.notNull())
    .addColumn('fallback_order', 'integer')
    // The order mappings were given in (ids are random); answers list them so.
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'varchar(255)')
    .addUniqueConstraint('gateway_mapping_unique', [
      'endpoint_id',
      'model_definition_id',
      'linkage_type',
    ])
    .execute();
  await db.schema
    .createTable('gateway_endpoint_tags')
    .addColumn('endpoint_id', 'varchar(36)', (c) =>
      c.notNull().references('gateway_endpoints.endpoint_id').onDelete('cascade'),
    )
    .addColumn('key', 'varchar(250)', (c) => c.notNull())
    .addColumn('value', 'text')
    .addPrimaryKeyConstraint('gateway_endpoint_tags_pk', ['endpoint_id', 'key'])
    .execute();
  await db.schema
    .createTable('gateway_endpoint_bindings')
    .addColumn('endpoint_id', 'varchar(36)', (c) =>
      c.notNull().references('gateway_endpoints.endpoint_id').onDelete('cascade'),
    )
    .addColumn('resource_type', 'varchar(64)', (c) => c.notNull())
    .addColumn('resource_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('display_name', 'varchar(255)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_updated_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'varchar(255)')
    .addColumn('last_updated_by', 'varchar(255)')
    .addPrimaryKeyConstraint('gateway_endpoint_bindings_pk', [
      'endpoint_id',
      'resource_type',
      'resource_id',
    ])
    .execute();

  await db.schema
    .createTable('scorers')
    .addColumn('scorer_id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('experiment_id', 'bigint', (c) =>
      c.notNull().references('experiments.experiment_id').onDelete('cascade'),
    )
    .addColumn('scorer_name', 'varchar(256)', (c) => c.notNull())
    .addUniqueConstraint('scorers_name_unique', ['experiment_id', 'scorer_name'])
    .execute();
  await db.schema
    .createTable('scorer_versions')
    .addColumn('scorer_id', 'varchar(36)', (c) =>
      c.notNull().references('scorers.scorer_id').onDelete('cascade'),
    )
    .addColumn('scorer_version', 'integer', (c) => c.notNull())
    .addColumn('serialized_scorer', 'text', (c) => c.notNull())
    .addColumn('creation_time', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('scorer_versions_pk', ['scorer_id', 'scorer_version'])
    .execute();
  await db.schema
    .createTable('online_scoring_configs')
    .addColumn('online_scoring_config_id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('scorer_id', 'varchar(36)', (c) =>
      c.notNull().references('scorers.scorer_id').onDelete('cascade'),
    )
    .addColumn('sample_rate', 'double precision', (c) => c.notNull())
    .addColumn('experiment_id', 'bigint', (c) => c.notNull())
    .addColumn('filter_string', 'text')
    .execute();
  await db.schema
    .createIndex('online_scoring_configs_scorer_idx')
    .on('online_scoring_configs')
    .column('scorer_id')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'online_scoring_configs',
    'scorer_versions',
    'scorers',
    'gateway_endpoint_bindings',
    'gateway_endpoint_tags',
    'gateway_endpoint_model_mappings',
    'gateway_endpoints',
    'gateway_model_definitions',
    'gateway_secrets',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
