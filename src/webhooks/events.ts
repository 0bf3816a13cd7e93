// The events a webhook can subscribe to, as MLflow 3.17 defines them (mlflow/entities/webhook.py):
// an entity and an action, written on the wire as their proto enum names (`MODEL_VERSION`,
// `CREATED`) and everywhere else (database, payload envelope) in lower case.
import { MlflowError } from '../errors.js';

/** WebhookEntity's values in proto order (number = index + 1; 0 is ENTITY_UNSPECIFIED). */
export const WEBHOOK_ENTITIES = [
  'registered_model',
  'model_version',
  'model_version_tag',
  'model_version_alias',
  'prompt',
  'prompt_version',
  'prompt_tag',
  'prompt_version_tag',
  'prompt_alias',
  'budget_policy',
] as const;
export type WebhookEntity = (typeof WEBHOOK_ENTITIES)[number];

/** WebhookAction's values in proto order (number = index + 1; 0 is ACTION_UNSPECIFIED). */
export const WEBHOOK_ACTIONS = ['created', 'updated', 'deleted', 'set', 'exceeded'] as const;
export type WebhookAction = (typeof WEBHOOK_ACTIONS)[number];

export interface WebhookEvent {
  entity: WebhookEntity;
  action: WebhookAction;
}

/** MLflow's VALID_ENTITY_ACTIONS. */
const VALID_ACTIONS: Record<WebhookEntity, readonly WebhookAction[]> = {
  registered_model: ['created'],
  model_version: ['created'],
  model_version_tag: ['set', 'deleted'],
  model_version_alias: ['created', 'deleted'],
  prompt: ['created'],
  prompt_version: ['created'],
  prompt_tag: ['set', 'deleted'],
  prompt_version_tag: ['set', 'deleted'],
  prompt_alias: ['created', 'deleted'],
  budget_policy: ['exceeded'],
};

/** `model_version.created`, as MLflow prints an event. */
export function eventName(event: WebhookEvent): string {
  return `${event.entity}.${event.action}`;
}

/** MLflow's check of an entity/action pair, with its message. */
export function checkedEvent(entity: WebhookEntity, action: WebhookAction): WebhookEvent {
  const valid = VALID_ACTIONS[entity];
  if (!valid.includes(action)) {
    const listed = [...valid].sort().map((a) => `'${a}'`);
    throw MlflowError.invalidParameter(
      `Invalid action '${action}' for entity '${entity}'. Valid actions are: [${listed.join(', ')}]`,
    );
  }
  return { entity, action };
}

/** The order MLflow's SQL store reads a webhook's events in (its primary key's). */
export function compareEvents(a: WebhookEvent, b: WebhookEvent): number {
  const order = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return order(a.entity, b.entity) || order(a.action, b.action);
}

export function isWebhookEntity(value: string): value is WebhookEntity {
  return (WEBHOOK_ENTITIES as readonly string[]).includes(value);
}

export function isWebhookAction(value: string): value is WebhookAction {
  return (WEBHOOK_ACTIONS as readonly string[]).includes(value);
}
