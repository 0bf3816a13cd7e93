// trackd's own addition: a webhook's delivery log (under /api/trackd/v1), newest first, so an
// operator can see what was sent, how often it was tried and what the receiver answered.
import { z } from 'zod';
import { endpoint } from '../../http/endpoint.js';
import { MlflowError } from '../../errors.js';
import { createPageToken, parsePageToken } from '../../search/page-token.js';
import {
  DELIVERY_STATUSES,
  listDeliveries,
  type DeliveryRow,
} from '../../store/webhook-deliveries.js';
import { getWebhook } from '../../store/webhooks.js';
import { int64, requiredString } from '../wire/fields.js';
import { webhookEventSchema } from './webhook-json.js';

const PAGE_DEFAULT = 100;
const PAGE_MAX = 1000;

const deliverySchema = z
  .object({
    delivery_id: z.string().meta({ description: 'The X-MLflow-Delivery-Id of every attempt' }),
    webhook_id: z.string(),
    event: webhookEventSchema,
    test: z.boolean().meta({ description: 'Sent by the test endpoint (once, not retried)' }),
    status: z.enum(DELIVERY_STATUSES),
    attempts: z.number().int(),
    response_status: z.number().int().optional(),
    last_error: z.string().optional(),
    creation_timestamp: z.number().int(),
    last_attempt_timestamp: z.number().int().optional(),
    next_attempt_timestamp: z.number().int().optional(),
    completion_timestamp: z.number().int().optional(),
  })
  .meta({ id: 'WebhookDelivery' });

function deliveryJson(row: DeliveryRow): z.infer<typeof deliverySchema> {
  const optional = <K extends string>(key: K, value: number | string | null) =>
    value === null ? {} : ({ [key]: typeof value === 'string' ? value : Number(value) } as const);
  return {
    delivery_id: row.delivery_id,
    webhook_id: row.webhook_id,
    event: { entity: row.entity.toUpperCase(), action: row.action.toUpperCase() },
    test: row.is_test === 1,
    status: row.status as z.infer<typeof deliverySchema>['status'],
    attempts: Number(row.attempts),
    ...optional('response_status', row.response_status),
    ...optional('last_error', row.last_error),
    creation_timestamp: Number(row.creation_timestamp),
    ...optional('last_attempt_timestamp', row.last_attempt_timestamp),
    ...optional('next_attempt_timestamp', row.next_attempt_timestamp),
    ...optional('completion_timestamp', row.completion_timestamp),
  };
}

export const webhookDeliveryEndpoints = [
  endpoint({
    method: 'GET',
    paths: ['/trackd/v1/webhooks/:webhook_id/deliveries'],
    prefixes: ['/api', '/ajax-api'],
    access: 'read',
    tag: 'Webhooks',
    summary:
      "A webhook's delivery log, newest first: status (PENDING, RETRYING, SUCCEEDED, FAILED), " +
      'attempts, the last answer or error (paged like MLflow listings)',
    request: z.object({
      webhook_id: requiredString(),
      max_results: int64().optional(),
      page_token: z.string().optional(),
    }),
    response: z.object({
      deliveries: z.array(deliverySchema).optional(),
      next_page_token: z.string().optional(),
    }),
    handler: async (input, { project }) => {
      const maxResults = input.max_results || PAGE_DEFAULT;
      if (maxResults < 1 || maxResults > PAGE_MAX) {
        throw MlflowError.invalidParameter(`max_results must be between 1 and ${PAGE_MAX}.`);
      }
      await getWebhook(project.db, input.webhook_id);
      const offset = parsePageToken(input.page_token || undefined);
      const rows = await listDeliveries(project.db, input.webhook_id, offset, maxResults + 1);
      const page = rows.slice(0, maxResults);
      return {
        ...(page.length ? { deliveries: page.map(deliveryJson) } : {}),
        ...(rows.length > maxResults
          ? { next_page_token: createPageToken(offset + maxResults) }
          : {}),
      };
    },
  }),
];
