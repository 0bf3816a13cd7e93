// MLflow's webhook API (WebhookService in webhooks.proto): create, list, get, update, delete and
// test, per project, with the checks of MLflow's handlers and SQL store in their order (request
// types, then event pairs, then the webhook's existence, name, URL and events). Managing needs the
// project's manage role; reading, read.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { endpoint, type AnyEndpoint, type HandlerContext } from '../../http/endpoint.js';
import { MlflowError } from '../../errors.js';
import { parsePageToken, createPageToken } from '../../search/page-token.js';
import { validateWebhookEvents, validateWebhookName } from '../../services/webhook-validation.js';
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listWebhooks,
  updateWebhook,
  type WebhookChanges,
} from '../../store/webhooks.js';
import { emptySchema } from '../wire/entities.js';
import { int64, requiredString } from '../wire/fields.js';
import { webhookDeliveryEndpoints } from './deliveries.js';
import {
  checkedEvents,
  eventRequestSchema,
  statusRequestSchema,
  webhookJson,
  webhookSchema,
} from './webhook-json.js';

const BASE = '/2.0/mlflow/webhooks';
const ONE = `${BASE}/:webhook_id`;
const TAG = 'Webhooks';
const LIST_DEFAULT = 100;
const LIST_MAX = 1000;

const webhookResponse = z.object({ webhook: webhookSchema });

/** A secret as stored: its Fernet token; "" (MLflow: no signature) is stored as none. */
function secretToken(ctx: HandlerContext, secret: string | undefined): string | null {
  return secret ? ctx.webhooks.secrets.encrypt(secret) : null;
}

export const webhookEndpoints: AnyEndpoint[] = [
  endpoint({
    method: 'POST',
    paths: [BASE],
    access: 'manage',
    tag: TAG,
    summary: 'Create a webhook notified of registry events (its URL must pass the SSRF checks)',
    request: z.object({
      name: requiredString(),
      url: requiredString(),
      events: z.array(eventRequestSchema),
      description: z.string().optional(),
      secret: z.string().optional(),
      status: statusRequestSchema,
    }),
    response: webhookResponse,
    handler: async (input, ctx) => {
      const events = checkedEvents(input.events);
      validateWebhookName(input.name);
      await ctx.webhooks.policy.validate(input.url);
      validateWebhookEvents(events);
      const webhook = await createWebhook(ctx.project.db, {
        webhook_id: randomUUID(),
        name: input.name,
        url: input.url,
        description: input.description || null,
        secretToken: secretToken(ctx, input.secret),
        status: input.status ?? 'ACTIVE',
        events,
      });
      return { webhook: webhookJson(webhook) };
    },
  }),
  endpoint({
    method: 'GET',
    paths: [BASE],
    access: 'read',
    tag: TAG,
    summary: "The project's webhooks, newest first (paged)",
    request: z.object({ max_results: int64().optional(), page_token: z.string().optional() }),
    response: z.object({
      webhooks: z.array(webhookSchema).optional(),
      next_page_token: z.string().optional(),
    }),
    handler: async (input, { project }) => {
      const maxResults = input.max_results || LIST_DEFAULT;
      if (maxResults < 1 || maxResults > LIST_MAX) {
        throw MlflowError.invalidParameter(`max_results must be between 1 and ${LIST_MAX}.`);
      }
      const offset = parsePageToken(input.page_token || undefined);
      const rows = await listWebhooks(project.db, offset, maxResults + 1);
      const page = rows.slice(0, maxResults);
      return {
        ...(page.length ? { webhooks: page.map(webhookJson) } : {}),
        ...(rows.length > maxResults
          ? { next_page_token: createPageToken(offset + maxResults) }
          : {}),
      };
    },
  }),
  endpoint({
    method: 'GET',
    paths: [ONE],
    access: 'read',
    tag: TAG,
    summary: 'Get a webhook',
    request: z.object({ webhook_id: requiredString() }),
    response: webhookResponse,
    handler: async (input, { project }) => ({
      webhook: webhookJson(await getWebhook(project.db, input.webhook_id)),
    }),
  }),
  endpoint({
    method: 'PATCH',
    paths: [ONE],
    access: 'manage',
    tag: TAG,
    summary:
      'Update a webhook (fields left out stay; an empty name, URL or event list changes nothing)',
    request: z.object({
      webhook_id: requiredString(),
      name: z.string().optional(),
      description: z.string().optional(),
      url: z.string().optional(),
      events: z.array(eventRequestSchema).optional(),
      secret: z.string().optional(),
      status: statusRequestSchema,
    }),
    response: webhookResponse,
    handler: async (input, ctx) => {
      const events = input.events?.length ? checkedEvents(input.events) : undefined;
      const { db } = ctx.project;
      await getWebhook(db, input.webhook_id);
      if (input.name) validateWebhookName(input.name);
      if (input.url) await ctx.webhooks.policy.validate(input.url);
      const changes: WebhookChanges = {
        name: input.name || undefined,
        url: input.url || undefined,
        events,
        description: input.description,
        secretToken: input.secret === undefined ? undefined : secretToken(ctx, input.secret),
        status: input.status,
      };
      return { webhook: webhookJson(await updateWebhook(db, input.webhook_id, changes)) };
    },
  }),
  endpoint({
    method: 'DELETE',
    paths: [ONE],
    access: 'manage',
    tag: TAG,
    summary: 'Delete a webhook (its delivery log stays readable by nobody)',
    request: z.object({ webhook_id: requiredString() }),
    response: emptySchema,
    handler: async (input, { project }) => {
      await deleteWebhook(project.db, input.webhook_id);
      return {};
    },
  }),
  endpoint({
    method: 'POST',
    paths: [`${ONE}/test`],
    access: 'manage',
    tag: TAG,
    summary:
      "Send an event's example payload to the webhook once (its first event unless one is given)",
    request: z.object({ webhook_id: requiredString(), event: eventRequestSchema.optional() }),
    response: z.object({
      result: z.object({
        success: z.boolean(),
        response_status: z.number().int().optional(),
        response_body: z.string().optional(),
        error_message: z.string().optional(),
      }),
    }),
    handler: async (input, ctx) => {
      const [asked] = input.event ? checkedEvents([input.event]) : [];
      const webhook = await getWebhook(ctx.project.db, input.webhook_id);
      const result = await ctx.webhooks.test(ctx.project, webhook, asked ?? webhook.events[0]);
      return { result };
    },
  }),
  ...webhookDeliveryEndpoints,
];
