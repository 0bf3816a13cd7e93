// Webhook deliveries end to end: a receiver on 127.0.0.1 (allowlisted) gets every registry event
// with MLflow's payload and headers, signed as MLflow documents it; failures are retried with
// back-off; requests never wait on delivery; the test endpoint answers what the receiver said; and
// targets outside the allowlist are refused at creation, at test time and on redirect.
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { loadConfig, type ConfigFlags } from '../../src/config.js';
import { createExperiment, createRun, expectError } from '../support/fixtures.js';
import { MV, RM } from '../support/registry-fixtures.js';

const WH = '/api/2.0/mlflow/webhooks';
const SECRET = 'whsec-test-0123456789';
const MODEL_EVENTS = [
  ['REGISTERED_MODEL', 'CREATED'],
  ['MODEL_VERSION', 'CREATED'],
  ['MODEL_VERSION_TAG', 'SET'],
  ['MODEL_VERSION_TAG', 'DELETED'],
  ['MODEL_VERSION_ALIAS', 'CREATED'],
  ['MODEL_VERSION_ALIAS', 'DELETED'],
].map(([entity, action]) => ({ entity, action }));
const PROMPT_EVENTS = [
  ['PROMPT', 'CREATED'],
  ['PROMPT_VERSION', 'CREATED'],
  ['PROMPT_TAG', 'SET'],
  ['PROMPT_TAG', 'DELETED'],
  ['PROMPT_VERSION_TAG', 'SET'],
  ['PROMPT_ALIAS', 'CREATED'],
].map(([entity, action]) => ({ entity, action }));

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** For `/lookup`: the status trackd answered for the notified model at delivery time. */
  lookup?: number;
}

/** A webhook receiver whose answer depends on the path; it records every request it gets. */
class Receiver {
  readonly received: Received[] = [];
  private readonly server: http.Server;
  private readonly calls = new Map<string, number>();
  private readonly hanging: http.ServerResponse[] = [];
  lookup?: (workspace: string, name: string) => Promise<number>;

  constructor() {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => void this.answer(req, res, Buffer.concat(chunks).toString('utf8')));
    });
  }

  private async answer(req: http.IncomingMessage, res: http.ServerResponse, body: string) {
    const p = req.url ?? '/';
    const n = (this.calls.get(p) ?? 0) + 1;
    this.calls.set(p, n);
    const record: Received = { path: p, headers: req.headers, body };
    this.received.push(record);
    const reply = (status: number, text: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'Content-Type': 'text/plain', ...headers });
      res.end(text);
    };
    if (p.startsWith('/lookup') && this.lookup) {
      const { workspace, data } = JSON.parse(body) as { workspace: string; data: { name: string } };
      record.lookup = await this.lookup(workspace, data.name);
    }
    if (p.startsWith('/flaky')) return reply(n === 1 ? 500 : 200, n === 1 ? 'boom' : 'ok');
    if (p.startsWith('/fail')) return reply(500, 'boom');
    if (p.startsWith('/bad')) return reply(400, 'no thanks');
    if (p.startsWith('/hang')) return void this.hanging.push(res);
    if (p.startsWith('/empty')) return reply(204, '');
    if (p.startsWith('/to-other-loopback')) {
      return reply(307, '', { Location: `http://127.0.0.2:${this.port}/ok` });
    }
    if (p.startsWith('/to-ok')) return reply(302, '', { Location: `/ok` });
    reply(200, 'got it');
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  url(p: string): string {
    return `http://127.0.0.1:${this.port}${p}`;
  }

  at(prefix: string): Received[] {
    return this.received.filter((r) => r.path.startsWith(prefix));
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** MLflow's documented check: HMAC-SHA256 over "<delivery id>.<timestamp>.<raw body>", "v1,". */
function verifySignature(r: Received, secret: string, maxAgeSeconds = 300): boolean {
  const id = r.headers['x-mlflow-delivery-id'] as string;
  const timestamp = r.headers['x-mlflow-timestamp'] as string;
  const signature = r.headers['x-mlflow-signature'] as string;
  if (!id || !timestamp || !signature?.startsWith('v1,')) return false;
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > maxAgeSeconds) return false;
  const expected = crypto
    .createHmac('sha256', secret)
    .update(`${id}.${timestamp}.${r.body}`)
    .digest();
  const given = Buffer.from(signature.slice(3), 'base64');
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}

interface Server {
  app: App;
  api: ReturnType<typeof supertest>;
}

let dataDir: string;
let receiver: Receiver;
let s: Server;

async function serverWith(flags: ConfigFlags, env: NodeJS.ProcessEnv = {}): Promise<Server> {
  const app = await createApp(loadConfig({ dataDir, ...flags }, env));
  return { app, api: supertest(app.app) };
}

const json = (req: supertest.Test, body: unknown) =>
  req.set('Content-Type', 'application/json').send(JSON.stringify(body));

async function createWebhook(
  server: Server,
  url: string,
  events: { entity: string; action: string }[],
  extra: Record<string, unknown> = {},
  prefix = '',
): Promise<string> {
  const res = await json(server.api.post(`${prefix}${WH}`), {
    name: 'receiver',
    url,
    events,
    ...extra,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.webhook.webhook_id as string;
}

async function deliveries(server: Server, id: string, prefix = '') {
  const res = await server.api.get(`${prefix}/api/trackd/v1/webhooks/${id}/deliveries`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body.deliveries ?? []) as Record<string, unknown>[];
}

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'trackd-webhooks-'));
  receiver = await new Receiver().start();
  s = await serverWith(
    {
      webhookAllowHosts: '127.0.0.1',
      webhookAllowedSchemes: 'http,https',
      webhookMaxRetries: 2,
      webhookTimeout: 1,
    },
    { TRACKD_WEBHOOK_BACKOFF: '0.05', TRACKD_WEBHOOK_BACKOFF_MAX: '0.2' },
  );
  receiver.lookup = async (workspace, name) =>
    (await s.api.get(`/projects/${workspace}${RM}/get`).query({ name })).status;
});
afterAll(async () => {
  await s.app.close();
  await receiver.close();
  await fs.rm(dataDir, { recursive: true, force: true });
});

describe('registry events', () => {
  it("delivers each model event with MLflow's payload and headers, signed as MLflow signs", async () => {
    const p = '/projects/models';
    const id = await createWebhook(s, receiver.url('/models'), MODEL_EVENTS, { secret: SECRET }, p);
    await json(s.api.post(`${p}${RM}/create`), {
      name: 'churn',
      tags: [{ key: 'team', value: 'ds' }],
    }).expect(200);
    const exp = await createExperiment({ api: s.api } as never, 'hooks', p);
    const { runId } = await createRun({ api: s.api } as never, exp, {}, p);
    await json(s.api.post(`${p}${MV}/create`), {
      name: 'churn',
      source: `runs:/${runId}/model`,
      run_id: runId,
      tags: [{ key: 'stage', value: 'candidate' }],
    }).expect(200);
    await json(s.api.post(`${p}${MV}/set-tag`), {
      name: 'churn',
      version: '1',
      key: 'validated',
      value: 'yes ✓',
    }).expect(200);
    await json(s.api.delete(`${p}${MV}/delete-tag`), {
      name: 'churn',
      version: '1',
      key: 'validated',
    }).expect(200);
    await json(s.api.post(`${p}${RM}/alias`), {
      name: 'churn',
      alias: 'champion',
      version: '1',
    }).expect(200);
    await json(s.api.delete(`${p}${RM}/alias`), { name: 'churn', alias: 'champion' }).expect(200);
    // A registered model's own tag notifies nobody unless the model is a prompt.
    await json(s.api.post(`${p}${RM}/set-tag`), { name: 'churn', key: 'k', value: 'v' }).expect(
      200,
    );
    await s.app.webhooks.idle();

    const got = receiver.at('/models');
    const byEvent = new Map(
      got.map((r) => {
        const body = JSON.parse(r.body) as { entity: string; action: string };
        return [`${body.entity}.${body.action}`, r];
      }),
    );
    expect([...byEvent.keys()].sort()).toEqual([
      'model_version.created',
      'model_version_alias.created',
      'model_version_alias.deleted',
      'model_version_tag.deleted',
      'model_version_tag.set',
      'registered_model.created',
    ]);
    const iso = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{6})?\\+00:00';
    const envelope = (entity: string, action: string, data: string) =>
      new RegExp(
        `^\\{"entity": "${entity}", "action": "${action}", "timestamp": "${iso}", ` +
          `"data": ${data.replace(/[{}.+?()|[\]\\^$*]/g, '\\$&')}, "workspace": "models"\\}$`,
      );
    expect(byEvent.get('registered_model.created')!.body).toMatch(
      envelope(
        'registered_model',
        'created',
        '{"name": "churn", "tags": {"team": "ds"}, "description": ""}',
      ),
    );
    expect(byEvent.get('model_version.created')!.body).toMatch(
      envelope(
        'model_version',
        'created',
        `{"name": "churn", "version": "1", "source": "runs:/${runId}/model", "run_id": ` +
          `"${runId}", "tags": {"stage": "candidate"}, "description": null}`,
      ),
    );
    expect(byEvent.get('model_version_tag.set')!.body).toMatch(
      envelope(
        'model_version_tag',
        'set',
        '{"name": "churn", "version": "1", "key": "validated", "value": "yes \\u2713"}',
      ),
    );
    expect(byEvent.get('model_version_tag.deleted')!.body).toMatch(
      envelope(
        'model_version_tag',
        'deleted',
        '{"name": "churn", "version": "1", "key": "validated"}',
      ),
    );
    expect(byEvent.get('model_version_alias.created')!.body).toMatch(
      envelope(
        'model_version_alias',
        'created',
        '{"name": "churn", "alias": "champion", "version": "1"}',
      ),
    );
    expect(byEvent.get('model_version_alias.deleted')!.body).toMatch(
      envelope('model_version_alias', 'deleted', '{"name": "churn", "alias": "champion"}'),
    );

    for (const r of got) {
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['x-mlflow-delivery-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(verifySignature(r, SECRET), r.body).toBe(true);
      expect(verifySignature(r, 'another-secret')).toBe(false);
    }
    const logged = await deliveries(s, id, p);
    expect(logged).toHaveLength(6);
    for (const d of logged) {
      expect(d).toMatchObject({ webhook_id: id, status: 'SUCCEEDED', attempts: 1 });
      expect(d.response_status).toBe(200);
    }
    const ids = new Set(got.map((r) => r.headers['x-mlflow-delivery-id']));
    expect(new Set(logged.map((d) => d.delivery_id))).toEqual(ids);
  });

  it('delivers after the write has committed: the receiver can read what it is told about', async () => {
    await createWebhook(s, receiver.url('/lookup'), [MODEL_EVENTS[0]], {}, '/projects/lookups');
    await json(s.api.post(`/projects/lookups${RM}/create`), { name: 'seen' }).expect(200);
    await s.app.webhooks.idle();
    const [r] = receiver.at('/lookup');
    expect(r.lookup).toBe(200);
    // Without a secret, MLflow sends no signature.
    expect(r.headers['x-mlflow-signature']).toBeUndefined();
  });

  it('sends prompt events for prompts, with their own payloads', async () => {
    const p = '/projects/prompts';
    await createWebhook(s, receiver.url('/prompts'), [...PROMPT_EVENTS, ...MODEL_EVENTS], {}, p);
    await json(s.api.post(`${p}${RM}/create`), {
      name: 'greeter',
      description: 'says hi',
      tags: [
        { key: 'mlflow.prompt.is_prompt', value: 'true' },
        { key: 'mlflow.prompt.type', value: 'text' },
        { key: 'owner', value: 'me' },
      ],
    }).expect(200);
    await json(s.api.post(`${p}${MV}/create`), {
      name: 'greeter',
      source: 'dummy-source',
      tags: [
        { key: 'mlflow.prompt.is_prompt', value: 'true' },
        { key: 'mlflow.prompt.text', value: 'Hello {{name}}' },
        { key: 'lang', value: 'en' },
      ],
    }).expect(200);
    await json(s.api.post(`${p}${RM}/set-tag`), { name: 'greeter', key: 'k', value: 'v' }).expect(
      200,
    );
    await json(s.api.delete(`${p}${RM}/delete-tag`), { name: 'greeter', key: 'k' }).expect(200);
    await json(s.api.post(`${p}${MV}/set-tag`), {
      name: 'greeter',
      version: '1',
      key: 'a',
      value: 'b',
    }).expect(200);
    await json(s.api.post(`${p}${RM}/alias`), {
      name: 'greeter',
      alias: 'prod',
      version: '1',
    }).expect(200);
    await s.app.webhooks.idle();
    const data = new Map(
      receiver.at('/prompts').map((r) => {
        const body = JSON.parse(r.body) as { entity: string; action: string; data: unknown };
        return [`${body.entity}.${body.action}`, body.data];
      }),
    );
    expect(Object.fromEntries(data)).toEqual({
      'prompt.created': { name: 'greeter', tags: { owner: 'me' }, description: 'says hi' },
      'prompt_version.created': {
        name: 'greeter',
        version: '1',
        template: 'Hello {{name}}',
        tags: { lang: 'en' },
        description: null,
      },
      'prompt_tag.set': { name: 'greeter', key: 'k', value: 'v' },
      'prompt_tag.deleted': { name: 'greeter', key: 'k' },
      'prompt_version_tag.set': { name: 'greeter', version: '1', key: 'a', value: 'b' },
      'prompt_alias.created': { name: 'greeter', alias: 'prod', version: '1' },
    });
  });

  it('sends nothing to a disabled webhook or for events it did not subscribe to', async () => {
    const p = '/projects/quiet';
    await createWebhook(s, receiver.url('/disabled'), [MODEL_EVENTS[0]], { status: 'DISABLED' }, p);
    await createWebhook(s, receiver.url('/unsubscribed'), [MODEL_EVENTS[1]], {}, p);
    await json(s.api.post(`${p}${RM}/create`), { name: 'm' }).expect(200);
    await s.app.webhooks.idle();
    expect(receiver.at('/disabled')).toEqual([]);
    expect(receiver.at('/unsubscribed')).toEqual([]);
  });
});

describe('retries', () => {
  const notify = async (p: string, name: string) => {
    await json(s.api.post(`${p}${RM}/create`), { name }).expect(200);
    await s.app.webhooks.idle();
  };

  it('retries a receiver that fails (500, then 200) with the same delivery, signed afresh', async () => {
    const id = await createWebhook(
      s,
      receiver.url('/flaky'),
      [MODEL_EVENTS[0]],
      {
        secret: SECRET,
      },
      '/projects/flaky',
    );
    await notify('/projects/flaky', 'm');
    const got = receiver.at('/flaky');
    expect(got).toHaveLength(2);
    expect(got[0].headers['x-mlflow-delivery-id']).toBe(got[1].headers['x-mlflow-delivery-id']);
    expect(got[0].body).toBe(got[1].body);
    for (const r of got) expect(verifySignature(r, SECRET)).toBe(true);
    const [d] = await deliveries(s, id, '/projects/flaky');
    expect(d).toMatchObject({ status: 'SUCCEEDED', attempts: 2, response_status: 200 });
    expect(d.last_attempt_timestamp as number).toBeGreaterThanOrEqual(
      d.creation_timestamp as number,
    );
  });

  it('gives up after the configured retries, keeping the last answer', async () => {
    const id = await createWebhook(
      s,
      receiver.url('/fail'),
      [MODEL_EVENTS[0]],
      {},
      '/projects/failing',
    );
    await notify('/projects/failing', 'm');
    expect(receiver.at('/fail')).toHaveLength(3);
    const [d] = await deliveries(s, id, '/projects/failing');
    expect(d).toMatchObject({ status: 'FAILED', attempts: 3, response_status: 500 });
    expect(d.next_attempt_timestamp).toBeUndefined();
    expect(d.completion_timestamp).toEqual(expect.any(Number));
  });

  it('does not retry an answer that retrying cannot change (400)', async () => {
    const id = await createWebhook(s, receiver.url('/bad'), [MODEL_EVENTS[0]], {}, '/projects/bad');
    await notify('/projects/bad', 'm');
    expect(receiver.at('/bad')).toHaveLength(1);
    const [d] = await deliveries(s, id, '/projects/bad');
    expect(d).toMatchObject({ status: 'FAILED', attempts: 1, response_status: 400 });
  });

  it('answers the registry request without waiting for a receiver that hangs', async () => {
    const p = '/projects/slow';
    const id = await createWebhook(s, receiver.url('/hang'), [MODEL_EVENTS[0]], {}, p);
    const started = Date.now();
    await json(s.api.post(`${p}${RM}/create`), { name: 'm' }).expect(200);
    expect(Date.now() - started).toBeLessThan(800);
    await s.app.webhooks.idle();
    const [d] = await deliveries(s, id, p);
    expect(d).toMatchObject({ status: 'FAILED', attempts: 3 });
    expect(d.last_error).toMatch(/^Timeout\('No answer from 127\.0\.0\.1 within 1 seconds'\)$/);
  });
});

describe('shutdown', () => {
  it('does not wait on a hanging receiver for long, and logs the delivery as cut short', async () => {
    const p = '/projects/shutdown';
    const patient = await serverWith({
      webhookAllowHosts: '127.0.0.1',
      webhookAllowedSchemes: 'http',
      webhookTimeout: 60,
    });
    const id = await createWebhook(
      patient,
      receiver.url('/hang-at-shutdown'),
      [MODEL_EVENTS[0]],
      {},
      p,
    );
    await json(patient.api.post(`${p}${RM}/create`), { name: 'm' }).expect(200);
    while (receiver.at('/hang-at-shutdown').length === 0)
      await new Promise((r) => setTimeout(r, 20));
    const started = Date.now();
    await patient.app.close();
    expect(Date.now() - started).toBeLessThan(10_000);
    const [d] = await deliveries(s, id, p);
    expect(d).toMatchObject({ status: 'FAILED', attempts: 1 });
    expect(d.last_error).toBe('the server stopped before the next attempt');
  });
});

describe('the test endpoint', () => {
  it("answers the receiver's status and body, and logs the test delivery", async () => {
    const id = await createWebhook(s, receiver.url('/test-ok'), MODEL_EVENTS.slice(1, 3), {
      secret: SECRET,
    });
    const res = await json(s.api.post(`${WH}/${id}/test`), {});
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      result: { success: true, response_status: 200, response_body: 'got it' },
    });
    const [r] = receiver.at('/test-ok');
    expect(verifySignature(r, SECRET)).toBe(true);
    // The webhook's first event (in MLflow's order) and MLflow's example payload for it.
    expect(JSON.parse(r.body)).toMatchObject({
      entity: 'model_version',
      action: 'created',
      data: {
        name: 'example_model',
        version: '1',
        source: 'models:/123',
        run_id: 'abcd1234abcd5678',
        tags: { example_key: 'example_value' },
        description: 'An example model version',
      },
      workspace: 'default',
    });
    const asked = await json(s.api.post(`${WH}/${id}/test`), {
      event: { entity: 'PROMPT_ALIAS', action: 'DELETED' },
    });
    expect(asked.body.result.success).toBe(true);
    expect(JSON.parse(receiver.at('/test-ok')[1].body).data).toEqual({
      name: 'example_prompt',
      alias: 'example_alias',
    });
    const logged = await deliveries(s, id);
    expect(logged.map((d) => d.test)).toEqual([true, true]);
  });

  it('answers an empty body as "" (as MLflow does)', async () => {
    const id = await createWebhook(s, receiver.url('/empty'), [MODEL_EVENTS[0]]);
    const res = await json(s.api.post(`${WH}/${id}/test`), {});
    expect(res.body).toEqual({
      result: { success: true, response_status: 204, response_body: '' },
    });
  });

  it('reports a failing receiver once (no retries)', async () => {
    const id = await createWebhook(s, receiver.url('/fail-test'), [MODEL_EVENTS[0]]);
    const res = await json(s.api.post(`${WH}/${id}/test`), {});
    expect(res.body).toEqual({
      result: { success: false, response_status: 500, response_body: 'boom' },
    });
    expect(receiver.at('/fail-test')).toHaveLength(1);
  });

  it('checks the event pair before the webhook, as MLflow does', async () => {
    expectError(
      await json(s.api.post(`${WH}/nope/test`), { event: { entity: 'PROMPT', action: 'SET' } }),
      400,
      'INVALID_PARAMETER_VALUE',
      "Invalid action 'set' for entity 'prompt'. Valid actions are: ['created']",
    );
    expectError(
      await json(s.api.post(`${WH}/nope/test`), {}),
      404,
      'RESOURCE_DOES_NOT_EXIST',
      'Webhook with ID nope not found.',
    );
  });
});

describe('targets outside the allowlist', () => {
  it("refuses a loopback address that is not allowlisted, with MLflow's error", async () => {
    const res = await json(s.api.post(WH), {
      name: 'other',
      url: `http://127.0.0.2:${receiver.port}/ok`,
      events: [MODEL_EVENTS[0]],
    });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      "Webhook URL must not resolve to a non-public IP address. '127.0.0.2' resolves to 127.0.0.2.",
    );
  });

  it('refuses to follow a redirect to one, and follows one to an allowed target', async () => {
    const p = '/projects/redirects';
    const away = await createWebhook(
      s,
      receiver.url('/to-other-loopback'),
      [MODEL_EVENTS[0]],
      {},
      p,
    );
    const home = await createWebhook(s, receiver.url('/to-ok'), [MODEL_EVENTS[0]], {}, p);
    const before = receiver.at('/ok').length;
    await json(s.api.post(`${p}${RM}/create`), { name: 'm' }).expect(200);
    await s.app.webhooks.idle();
    const [refused] = await deliveries(s, away, p);
    expect(refused).toMatchObject({ status: 'FAILED', attempts: 1 });
    expect(refused.last_error).toBe(
      "MlflowException(\"Webhook URL must not resolve to a non-public IP address. '127.0.0.2' " +
        'resolves to 127.0.0.2.")',
    );
    const [followed] = await deliveries(s, home, p);
    expect(followed).toMatchObject({ status: 'SUCCEEDED', response_status: 200 });
    // requests turns a POST redirected by 302 into a GET; only that one reached /ok.
    const reached = receiver.at('/ok').slice(before);
    expect(reached).toHaveLength(1);
    expect(reached[0].body).toBe('');
  });

  it('refuses at test time a target the server no longer allows', async () => {
    const id = await createWebhook(
      s,
      receiver.url('/never'),
      [MODEL_EVENTS[0]],
      {},
      '/projects/moved',
    );
    const strict = await serverWith({ webhookAllowedSchemes: 'http,https' });
    try {
      const res = await json(strict.api.post(`/projects/moved${WH}/${id}/test`), {});
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        result: {
          success: false,
          error_message:
            'Failed to test webhook: MlflowException("Webhook URL must not resolve to a ' +
            "non-public IP address. '127.0.0.1' resolves to 127.0.0.1.\")",
        },
      });
      expect(receiver.at('/never')).toEqual([]);
    } finally {
      await strict.app.close();
    }
  });
});
