// Webhook persistence: one project's webhooks and the events each subscribes to, as MLflow's SQL
// store keeps them (soft deletion, events in primary-key order, newest first in listings).
// Secrets arrive here already encrypted; this store never sees one in the clear.
import type { Kysely } from 'kysely';
import { MlflowError } from '../errors.js';
import {
  compareEvents,
  eventName,
  isWebhookAction,
  isWebhookEntity,
  type WebhookEvent,
} from '../webhooks/events.js';
import type { Db } from './experiments.js';
import type { Database } from './schema.js';

export const WEBHOOK_STATUSES = ['ACTIVE', 'DISABLED'] as const;
export type WebhookStatus = (typeof WEBHOOK_STATUSES)[number];

export interface Webhook {
  webhook_id: string;
  name: string;
  description: string | null;
  url: string;
  status: WebhookStatus;
  /** The secret's Fernet token (webhooks/secret-box.ts), or null for an unsigned webhook. */
  secretToken: string | null;
  events: WebhookEvent[];
  creation_timestamp: number;
  last_updated_timestamp: number;
}

export interface NewWebhook {
  webhook_id: string;
  name: string;
  url: string;
  description: string | null;
  secretToken: string | null;
  status: WebhookStatus;
  events: WebhookEvent[];
}

/** What an update changes; a field left undefined stays as it is. */
export interface WebhookChanges {
  name?: string;
  url?: string;
  description?: string;
  secretToken?: string | null;
  status?: WebhookStatus;
  events?: WebhookEvent[];
}

const notFound = (id: string) => MlflowError.notFound(`Webhook with ID ${id} not found.`);

/**
 * MLflow lets the database refuse an event listed twice; its message starts with this line (the
 * rest is SQLAlchemy's statement and parameters).
 */
function refuseRepeatedEvents(events: WebhookEvent[]): void {
  const names = events.map(eventName);
  if (new Set(names).size !== names.length) {
    throw new MlflowError(
      'BAD_REQUEST',
      '(sqlite3.IntegrityError) UNIQUE constraint failed: webhook_events.webhook_id, ' +
        'webhook_events.entity, webhook_events.action',
    );
  }
}

async function loadEvents(db: Db, ids: string[]): Promise<Map<string, WebhookEvent[]>> {
  const byId = new Map<string, WebhookEvent[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return byId;
  const rows = await db
    .selectFrom('webhook_events')
    .selectAll()
    .where('webhook_id', 'in', ids)
    .execute();
  for (const row of rows) {
    // Rows another version wrote with an event this one does not know are left out.
    if (isWebhookEntity(row.entity) && isWebhookAction(row.action)) {
      byId.get(row.webhook_id)?.push({ entity: row.entity, action: row.action });
    }
  }
  for (const events of byId.values()) events.sort(compareEvents);
  return byId;
}

type WebhookRow = Database['webhooks'];

async function withEvents(db: Db, rows: WebhookRow[]): Promise<Webhook[]> {
  const events = await loadEvents(
    db,
    rows.map((r) => r.webhook_id),
  );
  return rows.map((r) => ({
    webhook_id: r.webhook_id,
    name: r.name,
    description: r.description,
    url: r.url,
    status: r.status === 'DISABLED' ? 'DISABLED' : 'ACTIVE',
    secretToken: r.secret,
    events: events.get(r.webhook_id) ?? [],
    creation_timestamp: Number(r.creation_timestamp),
    last_updated_timestamp: Number(r.last_updated_timestamp),
  }));
}

async function liveRow(db: Db, id: string): Promise<WebhookRow> {
  const row = await db
    .selectFrom('webhooks')
    .selectAll()
    .where('webhook_id', '=', id)
    .where('deleted_timestamp', 'is', null)
    .executeTakeFirst();
  if (!row) throw notFound(id);
  return row;
}

export async function createWebhook(db: Kysely<Database>, input: NewWebhook): Promise<Webhook> {
  refuseRepeatedEvents(input.events);
  const now = Date.now();
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('webhooks')
      .values({
        webhook_id: input.webhook_id,
        name: input.name,
        description: input.description,
        url: input.url,
        status: input.status,
        secret: input.secretToken,
        creation_timestamp: now,
        last_updated_timestamp: now,
        deleted_timestamp: null,
      })
      .execute();
    await trx
      .insertInto('webhook_events')
      .values(input.events.map((e) => ({ webhook_id: input.webhook_id, ...e })))
      .execute();
  });
  return getWebhook(db, input.webhook_id);
}

export async function getWebhook(db: Db, id: string): Promise<Webhook> {
  const [webhook] = await withEvents(db, [await liveRow(db, id)]);
  return webhook;
}

/** A page of the live webhooks, newest first (`limit` rows from `offset`). */
export async function listWebhooks(db: Db, offset: number, limit: number): Promise<Webhook[]> {
  const rows = await db
    .selectFrom('webhooks')
    .selectAll()
    .where('deleted_timestamp', 'is', null)
    .orderBy('creation_timestamp', 'desc')
    .orderBy('webhook_id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
  return withEvents(db, rows);
}

/** The live webhooks subscribed to any of `events`, each with the events it matched. */
export async function webhooksForEvents(
  db: Db,
  events: WebhookEvent[],
): Promise<{ webhook: Webhook; matched: WebhookEvent[] }[]> {
  if (events.length === 0) return [];
  const matches = await db
    .selectFrom('webhook_events as e')
    .innerJoin('webhooks as w', 'w.webhook_id', 'e.webhook_id')
    .select(['e.webhook_id', 'e.entity', 'e.action'])
    .where('w.deleted_timestamp', 'is', null)
    .where((eb) =>
      eb.or(
        events.map((ev) =>
          eb.and([eb('e.entity', '=', ev.entity), eb('e.action', '=', ev.action)]),
        ),
      ),
    )
    .execute();
  if (matches.length === 0) return [];
  const ids = [...new Set(matches.map((m) => m.webhook_id))];
  const rows = await db
    .selectFrom('webhooks')
    .selectAll()
    .where('webhook_id', 'in', ids)
    .orderBy('creation_timestamp', 'desc')
    .execute();
  const webhooks = await withEvents(db, rows);
  return webhooks.map((webhook) => ({
    webhook,
    matched: matches
      .filter((m) => m.webhook_id === webhook.webhook_id)
      .map((m) => events.find((e) => e.entity === m.entity && e.action === m.action)!),
  }));
}

export async function updateWebhook(
  db: Kysely<Database>,
  id: string,
  changes: WebhookChanges,
): Promise<Webhook> {
  if (changes.events) refuseRepeatedEvents(changes.events);
  await db.transaction().execute(async (trx) => {
    await liveRow(trx, id);
    await trx
      .updateTable('webhooks')
      .set({
        ...(changes.name !== undefined ? { name: changes.name } : {}),
        ...(changes.url !== undefined ? { url: changes.url } : {}),
        ...(changes.description !== undefined ? { description: changes.description } : {}),
        ...(changes.secretToken !== undefined ? { secret: changes.secretToken } : {}),
        ...(changes.status !== undefined ? { status: changes.status } : {}),
        last_updated_timestamp: Date.now(),
      })
      .where('webhook_id', '=', id)
      .execute();
    if (changes.events) {
      await trx.deleteFrom('webhook_events').where('webhook_id', '=', id).execute();
      await trx
        .insertInto('webhook_events')
        .values(changes.events.map((e) => ({ webhook_id: id, ...e })))
        .execute();
    }
  });
  return getWebhook(db, id);
}

/** Soft deletion, as MLflow's: the row (and its delivery log) stays, found by nothing. */
export async function deleteWebhook(db: Kysely<Database>, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await liveRow(trx, id);
    const now = Date.now();
    await trx
      .updateTable('webhooks')
      .set({ deleted_timestamp: now, last_updated_timestamp: now })
      .where('webhook_id', '=', id)
      .execute();
  });
}
