// Webhook delivery off the request path. A registry handler, once its write has committed, hands
// a notification to `notify` (synchronous, never throws, never waits); a bounded pool of workers
// then finds the project's subscribed webhooks, logs one delivery each, and sends it signed as
// MLflow signs. A retryable failure (no answer, 429, 5xx) is tried again after an exponential
// back-off with a cap, up to the configured number of retries. The test endpoint sends through
// the same path once, while its caller waits, as MLflow's does.
import { randomUUID } from 'node:crypto';
import type { Config } from '../config.js';
import type { Logger } from '../logging.js';
import type { ProjectContext, ProjectRegistry } from '../store/projects.js';
import {
  abandonDelivery,
  logDelivery,
  recordAttempt,
  type AttemptOutcome,
} from '../store/webhook-deliveries.js';
import { isPromptModel } from '../store/registered-models.js';
import { getWebhook, webhooksForEvents, type Webhook } from '../store/webhooks.js';
import { eventName, type WebhookEvent } from './events.js';
import { AttemptError, postJson } from './outbound.js';
import {
  envelopeJson,
  examplePayload,
  messageFor,
  type ByModelKind,
  type WebhookMessage,
} from './payloads.js';
import { SecretBox } from './secret-box.js';
import { deliveryHeaders } from './signature.js';
import { TargetPolicy } from './target-policy.js';

/** A registry write's notification: its message, or one that depends on the model's kind. */
export type Notification = WebhookMessage | ByModelKind;

/** MLflow's retry statuses (its urllib3 Retry's status_forcelist). */
const RETRY_STATUSES = [429, 500, 502, 503, 504];
/** How long a stopping server lets queued deliveries finish before it abandons the rest. */
const CLOSE_GRACE_MS = 5000;

export interface TestResult {
  success: boolean;
  response_status?: number;
  response_body?: string;
  error_message?: string;
}

interface Delivery {
  project: string;
  deliveryId: string;
  webhookId: string;
  event: WebhookEvent;
  body: string;
  /** Attempts made so far. */
  attempts: number;
}

type Job =
  | { kind: 'fan-out'; project: string; notification: Notification; atMicros: bigint }
  | { kind: 'attempt'; delivery: Delivery };

function nowMicros(): bigint {
  return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000));
}

export class WebhookDispatcher {
  readonly policy: TargetPolicy;
  readonly secrets: SecretBox;
  private readonly queue: Job[] = [];
  private active = 0;
  private readonly waiting = new Map<NodeJS.Timeout, Delivery>();
  private readonly abort = new AbortController();
  private closing = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly projects: ProjectRegistry,
    private readonly config: Config,
    private readonly logger: Logger,
  ) {
    this.policy = new TargetPolicy({
      allowedSchemes: config.webhookAllowedSchemes,
      allowHosts: config.webhookAllowHosts ?? [],
    });
    this.secrets = new SecretBox(config.dataDir, config.webhookSecretKey);
  }

  /** Queues a committed write's notification for the project's webhooks. */
  notify(project: string, notification: Notification): void {
    if (this.closing) return;
    if (this.queue.length >= this.config.webhookQueueSize) {
      this.logger.warn({ project }, 'webhook queue full: notification dropped');
      return;
    }
    this.queue.push({ kind: 'fan-out', project, notification, atMicros: nowMicros() });
    this.pump();
  }

  /** Sends `event`'s example payload to the webhook once and reports what came back. */
  async test(project: ProjectContext, webhook: Webhook, event: WebhookEvent): Promise<TestResult> {
    const delivery: Delivery = {
      project: project.name,
      deliveryId: randomUUID(),
      webhookId: webhook.webhook_id,
      event,
      body: envelopeJson({ event, data: examplePayload(event) }, project.name, nowMicros()),
      attempts: 0,
    };
    await logDelivery(project.db, { ...delivery, test: true });
    const sent = await this.send(webhook, delivery);
    const outcome: AttemptOutcome =
      'status' in sent
        ? {
            status: sent.status < 400 ? 'SUCCEEDED' : 'FAILED',
            responseStatus: sent.status,
            error: null,
          }
        : { status: 'FAILED', responseStatus: null, error: sent.error.pythonRepr() };
    await recordAttempt(project.db, delivery.deliveryId, outcome);
    if ('error' in sent) {
      return {
        success: false,
        error_message: `Failed to test webhook: ${sent.error.pythonRepr()}`,
      };
    }
    return { success: sent.status < 400, response_status: sent.status, response_body: sent.body };
  }

  /** Resolves once nothing is queued, running or waiting for a retry (for tests and shutdown). */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stops taking notifications, lets queued work finish for a few seconds, then cuts what is
   * still running and marks every unfinished delivery FAILED. Call before the projects close.
   */
  async close(graceMs = CLOSE_GRACE_MS): Promise<void> {
    this.closing = true;
    for (const [timer, delivery] of this.waiting) {
      clearTimeout(timer);
      await this.abandon(delivery, 'the server stopped before the next attempt');
    }
    this.waiting.clear();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.idle(),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs))),
    ]);
    clearTimeout(timer);
    this.abort.abort();
    const left = this.queue.splice(0);
    for (const job of left) {
      if (job.kind === 'attempt') {
        await this.abandon(job.delivery, 'the server stopped before the delivery was sent');
      }
    }
    const dropped = left.filter((j) => j.kind === 'fan-out').length;
    if (dropped) this.logger.warn({ dropped }, 'webhook notifications dropped at shutdown');
    await this.idle();
  }

  private isIdle(): boolean {
    return this.queue.length === 0 && this.active === 0 && this.waiting.size === 0;
  }

  private pump(): void {
    while (this.active < this.config.webhookWorkers && this.queue.length > 0) {
      const job = this.queue.shift()!;
      this.active++;
      const run = job.kind === 'fan-out' ? this.fanOut(job) : this.attempt(job.delivery);
      void run
        .catch((err: unknown) => this.logger.error({ err }, 'webhook delivery failed'))
        .finally(() => {
          this.active--;
          this.pump();
          if (this.isIdle()) for (const resolve of this.idleWaiters.splice(0)) resolve();
        });
    }
  }

  /** Picks the message (a prompt's or a model's), finds its webhooks and logs a delivery each. */
  private async fanOut(job: Extract<Job, { kind: 'fan-out' }>): Promise<void> {
    const { project, notification } = job;
    const queued: Delivery[] = [];
    await this.projects.with(project, false, async (ctx) => {
      if (!ctx.persisted) return;
      const byKind = 'modelName' in notification ? notification : undefined;
      const candidates = byKind
        ? [byKind.modelEvent, byKind.promptEvent].filter((e) => e !== undefined)
        : [(notification as WebhookMessage).event];
      const subscribed = await webhooksForEvents(ctx.db, candidates);
      if (subscribed.length === 0) return;
      // Only asked when someone listens: MLflow reads the model's prompt tag after the write.
      const message = byKind
        ? messageFor(byKind, await isPromptModel(ctx.db, byKind.modelName))
        : (notification as WebhookMessage);
      if (!message) return;
      const name = eventName(message.event);
      for (const { webhook, matched } of subscribed) {
        if (webhook.status !== 'ACTIVE' || !matched.some((e) => eventName(e) === name)) continue;
        const delivery: Delivery = {
          project,
          deliveryId: randomUUID(),
          webhookId: webhook.webhook_id,
          event: message.event,
          body: envelopeJson(message, project, job.atMicros),
          attempts: 0,
        };
        await logDelivery(ctx.db, { ...delivery, test: false });
        queued.push(delivery);
      }
    });
    for (const delivery of queued) this.queue.push({ kind: 'attempt', delivery });
  }

  private async attempt(delivery: Delivery): Promise<void> {
    const webhook = await this.projects.with(delivery.project, false, (ctx) =>
      getWebhook(ctx.db, delivery.webhookId).catch(() => undefined),
    );
    if (!webhook) return this.abandon(delivery, 'the webhook was deleted');
    if (webhook.status !== 'ACTIVE') return this.abandon(delivery, 'the webhook was disabled');
    const sent = await this.send(webhook, delivery);
    delivery.attempts++;
    const retryable = 'error' in sent ? sent.error.retryable : RETRY_STATUSES.includes(sent.status);
    const canRetry = retryable && delivery.attempts <= this.config.webhookMaxRetries;
    const delayMs = canRetry
      ? this.backoffMs(delivery.attempts, 'status' in sent ? sent.retryAfterSeconds : undefined)
      : 0;
    const outcome: AttemptOutcome = {
      status:
        'status' in sent && sent.status < 400 ? 'SUCCEEDED' : canRetry ? 'RETRYING' : 'FAILED',
      responseStatus: 'status' in sent ? sent.status : null,
      error: 'error' in sent ? sent.error.pythonRepr() : null,
      nextAttemptAt: canRetry ? Date.now() + delayMs : undefined,
    };
    await this.projects.with(delivery.project, false, (ctx) =>
      recordAttempt(ctx.db, delivery.deliveryId, outcome),
    );
    if (outcome.status === 'FAILED') {
      this.logger.warn(
        {
          project: delivery.project,
          webhook: delivery.webhookId,
          delivery: delivery.deliveryId,
          event: eventName(delivery.event),
          status: outcome.responseStatus ?? undefined,
          error: outcome.error ?? undefined,
          attempts: delivery.attempts,
        },
        'webhook delivery failed',
      );
    }
    if (outcome.status !== 'RETRYING') return;
    if (this.closing) return this.abandon(delivery, 'the server stopped before the next attempt');
    const timer = setTimeout(() => {
      this.waiting.delete(timer);
      this.queue.push({ kind: 'attempt', delivery });
      this.pump();
    }, delayMs);
    timer.unref();
    this.waiting.set(timer, delivery);
  }

  /** One attempt: the answer, or why there was none. Never throws. */
  private async send(
    webhook: Webhook,
    delivery: Delivery,
  ): Promise<
    { status: number; body: string; retryAfterSeconds?: number } | { error: AttemptError }
  > {
    let secret: string | null = null;
    if (webhook.secretToken) {
      try {
        secret = this.secrets.decrypt(webhook.secretToken);
      } catch (err) {
        const reason = `cannot read the webhook's secret: ${(err as Error).message}`;
        return { error: new AttemptError('MlflowException', reason) };
      }
    }
    try {
      return await postJson(this.policy, {
        url: webhook.url,
        body: delivery.body,
        headers: deliveryHeaders(secret, delivery.deliveryId, delivery.body, Date.now()),
        timeoutMs: this.config.webhookTimeoutSeconds * 1000,
        signal: this.abort.signal,
      });
    } catch (err) {
      if (err instanceof AttemptError) return { error: err };
      return { error: new AttemptError('ConnectionError', (err as Error).message) };
    }
  }

  /** base·2^(n−1), capped, with up to a fifth more at random so retries do not arrive in step. */
  private backoffMs(attempts: number, retryAfterSeconds: number | undefined): number {
    const { webhookBackoffSeconds: base, webhookBackoffMaxSeconds: cap } = this.config;
    const exponential = Math.min(cap, base * 2 ** (attempts - 1));
    const asked = Math.min(cap, retryAfterSeconds ?? 0);
    const delay = Math.max(exponential, asked);
    return Math.round(delay * 1000 * (1 + Math.random() / 5));
  }

  private async abandon(delivery: Delivery, reason: string): Promise<void> {
    try {
      await this.projects.with(delivery.project, false, (ctx) =>
        abandonDelivery(ctx.db, delivery.deliveryId, reason),
      );
    } catch (err) {
      this.logger.warn(
        { err, delivery: delivery.deliveryId },
        'could not log an abandoned delivery',
      );
    }
  }
}
