// Webhooks on the wire (mlflow/protos/webhooks.proto): events and statuses by their enum names as
// MLflow's JSON writes them, read as its protobuf JSON parser reads them (names or numbers, an
// unknown status name ignored), and the webhook as MLflow answers it — never with its secret.
import { z } from 'zod';
import {
  checkedEvent,
  WEBHOOK_ACTIONS,
  WEBHOOK_ENTITIES,
  type WebhookEvent,
} from '../../webhooks/events.js';
import { WEBHOOK_STATUSES, type Webhook, type WebhookStatus } from '../../store/webhooks.js';

const upper = (values: readonly string[]) => values.map((v) => v.toUpperCase());

/** An enum field: its name, or its number (as a JSON number or numeric text); 0 is "unset". */
function protoEnum<T extends string>(values: readonly T[]) {
  const names = upper(values);
  return z.preprocess(
    (v) => {
      if (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= values.length) {
        return values[v - 1];
      }
      if (typeof v === 'string') {
        if (/^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= values.length) {
          return values[Number(v) - 1];
        }
        const at = names.indexOf(v);
        if (at >= 0) return values[at];
      }
      return v;
    },
    z.enum(values as [T, ...T[]]),
  );
}

export const eventRequestSchema = z.object({
  entity: protoEnum(WEBHOOK_ENTITIES),
  action: protoEnum(WEBHOOK_ACTIONS),
});

/** Events as requested, each entity/action pair checked with MLflow's message. */
export function checkedEvents(events: z.infer<typeof eventRequestSchema>[]): WebhookEvent[] {
  return events.map((e) => checkedEvent(e.entity, e.action));
}

/**
 * `status` as MLflow reads it: ACTIVE/DISABLED by name or number; another name (or a boolean) is
 * dropped as protobuf drops unknown enum names, while another number is refused.
 */
export const statusRequestSchema = z
  .preprocess((v) => {
    if (v === 1 || v === '1' || v === 'ACTIVE') return 'ACTIVE';
    if (v === 2 || v === '2' || v === 'DISABLED') return 'DISABLED';
    if (typeof v === 'string' || typeof v === 'boolean') return undefined;
    return v;
  }, z.enum(WEBHOOK_STATUSES).optional())
  .meta({ description: '`ACTIVE` or `DISABLED` (or 1 / 2)' });

export const webhookEventSchema = z
  .object({
    entity: z.enum(upper(WEBHOOK_ENTITIES) as [string, ...string[]]),
    action: z.enum(upper(WEBHOOK_ACTIONS) as [string, ...string[]]),
  })
  .meta({ id: 'WebhookEvent' });

export const webhookSchema = z
  .object({
    webhook_id: z.string(),
    name: z.string(),
    description: z.string().optional(),
    url: z.string(),
    events: z.array(webhookEventSchema),
    status: z.enum(WEBHOOK_STATUSES),
    creation_timestamp: z.number().int(),
    last_updated_timestamp: z.number().int(),
  })
  .meta({ id: 'Webhook', description: 'A webhook as MLflow answers it (its secret never shown)' });

export function eventJson(event: WebhookEvent) {
  return { entity: event.entity.toUpperCase(), action: event.action.toUpperCase() };
}

/** MLflow's `Webhook.to_proto()`: an empty description is left out; the secret never goes out. */
export function webhookJson(webhook: Webhook): z.infer<typeof webhookSchema> {
  return {
    webhook_id: webhook.webhook_id,
    name: webhook.name,
    ...(webhook.description ? { description: webhook.description } : {}),
    url: webhook.url,
    events: webhook.events.map(eventJson),
    status: webhook.status as WebhookStatus,
    creation_timestamp: webhook.creation_timestamp,
    last_updated_timestamp: webhook.last_updated_timestamp,
  };
}
