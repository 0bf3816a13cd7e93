// MLflow's checks on a webhook's fields (mlflow/utils/validation.py), with its messages. The URL's
// check lives with the delivery client's (webhooks/target-policy.ts): both must agree.
import { MlflowError } from '../errors.js';
import { pyStr } from '../search/python-repr.js';
import type { WebhookEvent } from '../webhooks/events.js';

/** 1–63 characters; letters, digits, `.`, `_`, `-`; a letter or digit at both ends. */
const NAME = /^(?=.{1,63}$)[a-z0-9]([a-z0-9._-]*[a-z0-9])?$/i;

export function validateWebhookName(name: string): void {
  if (!NAME.test(name)) {
    throw MlflowError.invalidParameter(
      `Webhook name ${pyStr(name)} is invalid. It must start and end with a letter or digit, ` +
        'be less than 63 characters long, and contain only letters, digits, dots (.), ' +
        'underscores (_), and hyphens (-).',
    );
  }
}

export function validateWebhookEvents(events: WebhookEvent[]): void {
  // Only an empty list reaches this check: the request schema has typed every item.
  if (events.length === 0) {
    throw MlflowError.invalidParameter(
      'Webhook events must be a non-empty list of WebhookEvent objects: [].',
    );
  }
}
