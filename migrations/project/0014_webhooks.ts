// MLflow's webhooks (per project, as MLflow keeps them per workspace): the webhook with its
// encrypted secret and soft-delete time, the events it subscribes to, and trackd's delivery log
// (one row per delivery, however many attempts it took). Table and column names follow MLflow's
// `webhooks` / `webhook_events`; `webhook_deliveries` is ours. Dialect-neutral, like 0001.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('webhooks')
    .addColumn('webhook_id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(256)', (c) => c.notNull())
    .addColumn('description', 'varchar(1000)')
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    // Fernet token of the HMAC secret (webhooks/secret-box.ts); never the secret itself.
    .addColumn('secret', 'text')
    .addColumn('creation_timestamp', 'bigint', (c) => c.notNull())
    .addColumn('last_updated_timestamp', 'bigint', (c) => c.notNull())
    // Deleted webhooks stay (their delivery log refers to them) but are found by nothing.
    .addColumn('deleted_timestamp', 'bigint')
    .execute();
  await db.schema
    .createIndex('webhooks_listing_idx')
    .on('webhooks')
    .columns(['deleted_timestamp', 'creation_timestamp'])
    .execute();

  await db.schema
    .createTable('webhook_events')
    .addColumn('webhook_id', 'varchar(36)', (c) =>
      c.notNull().references('webhooks.webhook_id').onDelete('cascade'),
    )
    .addColumn('entity', 'varchar(50)', (c) => c.notNull())
    .addColumn('action', 'varchar(50)', (c) => c.notNull())
    .addPrimaryKeyConstraint('webhook_events_pk', ['webhook_id', 'entity', 'action'])
    .execute();
  // A registry write looks up the webhooks subscribed to its event.
  await db.schema
    .createIndex('webhook_events_event_idx')
    .on('webhook_events')
    .columns(['entity', 'action', 'webhook_id'])
    .execute();

  await db.schema
    .createTable('webhook_deliveries')
    // The X-MLflow-Delivery-Id every attempt of this delivery carries.
    .addColumn('delivery_id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('webhook_id', 'varchar(36)', (c) =>
      c.notNull().references('webhooks.webhook_id').onDelete('cascade'),
    )
    .addColumn('entity', 'varchar(50)', (c) => c.notNull())
    .addColumn('action', 'varchar(50)', (c) => c.notNull())
    // 1 for a delivery sent by the test endpoint (one attempt, answered to the caller).
    .addColumn('is_test', 'integer', (c) => c.notNull())
    // PENDING, RETRYING, SUCCEEDED or FAILED.
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('response_status', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('creation_timestamp', 'bigint', (c) => c.notNull())
    .addColumn('last_attempt_timestamp', 'bigint')
    .addColumn('next_attempt_timestamp', 'bigint')
    .addColumn('completion_timestamp', 'bigint')
    .execute();
  // The log is read newest first per webhook.
  await db.schema
    .createIndex('webhook_deliveries_webhook_idx')
    .on('webhook_deliveries')
    .columns(['webhook_id', 'creation_timestamp', 'delivery_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['webhook_deliveries', 'webhook_events', 'webhooks']) {
    await db.schema.dropTable(table).execute();
  }
}
