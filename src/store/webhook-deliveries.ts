// trackd's webhook delivery log: one row per delivery (its id is the X-MLflow-Delivery-Id every
// attempt carries), updated after each attempt. Bounded per webhook: the oldest finished rows go.
import { sql } from 'kysely';
import type { WebhookEvent } from '../webhooks/events.js';
import type { Db } from './experiments.js';
import type { WebhookDeliveriesTable } from './schema.js';

export const DELIVERY_STATUSES = ['PENDING', 'RETRYING', 'SUCCEEDED', 'FAILED'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Rows kept per webhook; older finished deliveries are removed as new ones are logged. */
export const DELIVERIES_KEPT = 1000;

export type DeliveryRow = WebhookDeliveriesTable;

export async function logDelivery(
  db: Db,
  input: { deliveryId: string; webhookId: string; event: WebhookEvent; test: boolean },
): Promise<void> {
  await db
    .insertInto('webhook_deliveries')
    .values({
      delivery_id: input.deliveryId,
      webhook_id: input.webhookId,
      entity: input.event.entity,
      action: input.event.action,
      is_test: input.test ? 1 : 0,
      status: 'PENDING',
      attempts: 0,
      response_status: null,
      last_error: null,
      creation_timestamp: Date.now(),
      last_attempt_timestamp: null,
      next_attempt_timestamp: null,
      completion_timestamp: null,
    })
    .execute();
  // The row DELIVERIES_KEPT places back marks where the log may be cut; unfinished ones stay.
  await db
    .deleteFrom('webhook_deliveries')
    .where('webhook_id', '=', input.webhookId)
    .where('status', 'in', ['SUCCEEDED', 'FAILED'])
    .where(
      'creation_timestamp',
      '<',
      sql<number>`(select creation_timestamp from webhook_deliveries
        where webhook_id = ${input.webhookId}
        order by creation_timestamp desc limit 1 offset ${DELIVERIES_KEPT - 1})`,
    )
    .execute();
}

export interface AttemptOutcome {
  status: DeliveryStatus;
  responseStatus: number | null;
  error: string | null;
  /** When the next attempt is due (RETRYING only). */
  nextAttemptAt?: number;
}

export async function recordAttempt(
  db: Db,
  deliveryId: string,
  outcome: AttemptOutcome,
): Promise<void> {
  const now = Date.now();
  const finished = outcome.status === 'SUCCEEDED' || outcome.status === 'FAILED';
  await db
    .updateTable('webhook_deliveries')
    .set((eb) => ({
      status: outcome.status,
      attempts: eb('attempts', '+', 1),
      response_status: outcome.responseStatus,
      last_error: outcome.error,
      last_attempt_timestamp: now,
      next_attempt_timestamp: outcome.nextAttemptAt ?? null,
      completion_timestamp: finished ? now : null,
    }))
    .where('delivery_id', '=', deliveryId)
    .execute();
}

/** Ends a delivery without a further attempt (webhook gone or disabled, server stopping). */
export async function abandonDelivery(db: Db, deliveryId: string, reason: string): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({
      status: 'FAILED',
      last_error: reason,
      next_attempt_timestamp: null,
      completion_timestamp: Date.now(),
    })
    .where('delivery_id', '=', deliveryId)
    .where('status', 'in', ['PENDING', 'RETRYING'])
    .execute();
}

/** A page of one webhook's deliveries, newest first. */
export async function listDeliveries(
  db: Db,
  webhookId: string,
  offset: number,
  limit: number,
): Promise<DeliveryRow[]> {
  return db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('webhook_id', '=', webhookId)
    .orderBy('creation_timestamp', 'desc')
    .orderBy('delivery_id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
}
