// MLflow's webhook API: create, list, get, update, delete with MLflow's answers and messages, the
// SSRF refusal of private targets, secrets that never come back, per-project isolation and the
// manage role it takes to change webhooks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, PASSWORD } from '../support/auth.js';
import { expectError } from '../support/fixtures.js';
import { send } from '../support/registry-fixtures.js';
import { post, startTestApp, type TestApp } from '../support/test-app.js';

const WH = '/api/2.0/mlflow/webhooks';
const URL = 'https://8.8.8.8/hook';
const EVENT = { entity: 'MODEL_VERSION', action: 'CREATED' };

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

async function create(body: Record<string, unknown>, prefix = '') {
  const res = await post(t, `${prefix}${WH}`, { name: 'hook', url: URL, events: [EVENT], ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.webhook as Record<string, unknown> & { webhook_id: string };
}

describe('webhooks create and get', () => {
  it("answers the webhook as MLflow does: events in MLflow's order, ACTIVE, no secret", async () => {
    const res = await post(t, WH, {
      name: 'ci.notify_1',
      url: URL,
      events: [
        { entity: 'MODEL_VERSION_TAG', action: 'SET' },
        { entity: 'MODEL_VERSION', action: 'CREATED' },
      ],
      secret: 'shh-very-secret',
    });
    expect(res.status).toBe(200);
    const webhook = res.body.webhook;
    expect(webhook).toEqual({
      webhook_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'ci.notify_1',
      url: URL,
      events: [
        { entity: 'MODEL_VERSION', action: 'CREATED' },
        { entity: 'MODEL_VERSION_TAG', action: 'SET' },
      ],
      status: 'ACTIVE',
      creation_timestamp: expect.any(Number),
      last_updated_timestamp: webhook.creation_timestamp,
    });
    expect(JSON.stringify(res.body)).not.toContain('shh-very-secret');
    const got = await t.api.get(`${WH}/${webhook.webhook_id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual({ webhook });
  });

  it('reads enum numbers and status names as protobuf does (an unknown name is ignored)', async () => {
    const numbered = await create({ events: [{ entity: 3, action: '4' }], status: 2 });
    expect(numbered.events).toEqual([{ entity: 'MODEL_VERSION_TAG', action: 'SET' }]);
    expect(numbered.status).toBe('DISABLED');
    expect((await create({ status: 'paused' })).status).toBe('ACTIVE');
    const described = await create({ description: 'pings CI', status: 'DISABLED' });
    expect(described).toMatchObject({ description: 'pings CI', status: 'DISABLED' });
  });

  it('keeps the secret encrypted at rest', async () => {
    const webhook = await create({ secret: 'plain-text-secret' });
    const db = await import('better-sqlite3').then(
      (m) => new m.default(`${t.dataDir}/default/mlflow.db`, { readonly: true }),
    );
    const row = db
      .prepare('select secret from webhooks where webhook_id = ?')
      .get(webhook.webhook_id) as { secret: string };
    db.close();
    expect(row.secret).toMatch(/^gAAAAA/);
    expect(row.secret).not.toContain('plain-text-secret');
  });

  it.each([
    [{ url: URL, events: [EVENT] }, "Missing value for required parameter 'name'"],
    [{ name: '', url: URL, events: [EVENT] }, "Missing value for required parameter 'name'"],
    [{ name: 'h', events: [EVENT] }, "Missing value for required parameter 'url'"],
    [{ name: 'h', url: URL }, "Missing value for required parameter 'events'"],
    [
      { name: 'h', url: URL, events: 'x' },
      `Invalid value "x" for parameter 'events' supplied:  Hint: Value was of type 'str'.`,
    ],
    [
      { name: 5, url: URL, events: [EVENT] },
      "Invalid value 5 for parameter 'name' supplied:  Hint: Value was of type 'int'.",
    ],
    [
      { name: 'h', url: URL, events: [EVENT], status: 3 },
      "Invalid value 3 for parameter 'status' supplied:  Hint: Value was of type 'int'.",
    ],
    [
      { name: '-h', url: URL, events: [EVENT] },
      "Webhook name '-h' is invalid. It must start and end with a letter or digit, be less " +
        'than 63 characters long, and contain only letters, digits, dots (.), underscores (_), ' +
        'and hyphens (-).',
    ],
    [{ name: 'a'.repeat(64), url: URL, events: [EVENT] }, `Webhook name '${'a'.repeat(64)}'`],
    [
      { name: 'h', url: URL, events: [] },
      'Webhook events must be a non-empty list of WebhookEvent objects: [].',
    ],
    [
      { name: 'h', url: URL, events: [{ entity: 'REGISTERED_MODEL', action: 'SET' }] },
      "Invalid action 'set' for entity 'registered_model'. Valid actions are: ['created']",
    ],
    [
      { name: '-h', url: URL, events: [{ entity: 'MODEL_VERSION_ALIAS', action: 'SET' }] },
      "Invalid action 'set' for entity 'model_version_alias'. Valid actions are: ['created', 'deleted']",
    ],
    [
      { name: 'h', url: URL, events: [{ entity: 'FOO', action: 'CREATED' }] },
      `Invalid value "FOO" for parameter 'events[0].entity' supplied:`,
    ],
    [
      { name: 'h', url: URL, events: [{ entity: 'PROMPT' }] },
      "Missing value for required parameter 'events[0].action'",
    ],
  ])('refuses %j with INVALID_PARAMETER_VALUE', async (body, message) => {
    expectError(await post(t, WH, body), 400, 'INVALID_PARAMETER_VALUE', message);
  });

  it('refuses an event listed twice as MLflow does (BAD_REQUEST)', async () => {
    const res = await post(t, WH, { name: 'h', url: URL, events: [EVENT, EVENT] });
    expectError(res, 400, 'BAD_REQUEST', 'UNIQUE constraint failed: webhook_events');
  });
});

describe('webhook URLs', () => {
  it.each([
    ['http://8.8.8.8/h', "Invalid webhook URL scheme: 'http'. Allowed schemes are: https."],
    ['ftp://8.8.8.8/h', "Invalid webhook URL scheme: 'ftp'. Allowed schemes are: https."],
    ['//8.8.8.8/h', "Invalid webhook URL scheme: ''. Allowed schemes are: https."],
    ['   ', "Webhook URL cannot be empty or just whitespace: '   '"],
    ['https:///h', "Webhook URL must include a hostname: 'https:///h'"],
    ['https://[zz]/h', "Invalid webhook URL 'https://[zz]/h'"],
  ])('refuses %s', async (url, message) => {
    const res = await post(t, WH, { name: 'h', url, events: [EVENT] });
    expectError(res, 400, 'INVALID_PARAMETER_VALUE', message);
  });

  it.each([
    ['https://127.0.0.1/h', "'127.0.0.1' resolves to 127.0.0.1."],
    ['https://localhost:8443/h', "'localhost' resolves to "],
    ['https://169.254.169.254/latest/meta-data', "'169.254.169.254' resolves to 169.254.169.254."],
    ['https://[::1]/h', "'::1' resolves to ::1."],
    ['https://[::ffff:127.0.0.1]/h', "'::ffff:127.0.0.1' resolves to ::ffff:7f00:1."],
    ['https://[fd00:ec2::254]/h', "'fd00:ec2::254' resolves to fd00:ec2::254."],
    ['https://[2002:a00:1::]/h', "'2002:a00:1::' resolves to 2002:a00:1::."],
    ['https://10.1.2.3/h', "'10.1.2.3' resolves to 10.1.2.3."],
    ['https://192.168.0.10/h', "'192.168.0.10' resolves to 192.168.0.10."],
    ['https://100.64.0.1/h', "'100.64.0.1' resolves to 100.64.0.1."],
    ['https://0.0.0.0/h', "'0.0.0.0' resolves to 0.0.0.0."],
  ])('refuses the private, loopback or metadata target %s', async (url, message) => {
    const res = await post(t, WH, { name: 'h', url, events: [EVENT] });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      `Webhook URL must not resolve to a non-public IP address. ${message}`,
    );
  });

  it('refuses a host name that does not resolve, in MLflow words', async () => {
    const res = await post(t, WH, {
      name: 'h',
      url: 'https://no-such-host.invalid/h',
      events: [EVENT],
    });
    expectError(
      res,
      400,
      'INVALID_PARAMETER_VALUE',
      "Cannot resolve Webhook URL hostname 'no-such-host.invalid': ",
    );
  });

  it('accepts public addresses, including IPv4 carried in IPv6', async () => {
    for (const url of [
      'https://8.8.8.8:8443/h?x=1',
      'https://[::ffff:8.8.8.8]/h',
      'HTTPS://1.1.1.1/h',
    ]) {
      expect((await create({ url })).url).toBe(url);
    }
  });
});

describe('webhooks list', () => {
  let listing: TestApp;
  beforeAll(async () => {
    listing = await startTestApp();
    for (const name of ['first', 'second', 'third']) {
      const res = await post(listing, `/projects/listing${WH}`, {
        name,
        url: URL,
        events: [EVENT],
      });
      expect(res.status).toBe(200);
      await new Promise((r) => setTimeout(r, 3));
    }
  });
  afterAll(async () => {
    await listing.close();
  });
  const list = (query: Record<string, unknown>) =>
    listing.api.get(`/projects/listing${WH}`).query(query);

  it('lists newest first in pages with MLflow page tokens', async () => {
    const page1 = await list({ max_results: 2 });
    expect(page1.status).toBe(200);
    expect(page1.body.webhooks.map((w: { name: string }) => w.name)).toEqual(['third', 'second']);
    expect(page1.body.next_page_token).toBe(Buffer.from('{"offset": 2}').toString('base64'));
    const page2 = await list({ max_results: 2, page_token: page1.body.next_page_token });
    expect(page2.body.webhooks.map((w: { name: string }) => w.name)).toEqual(['first']);
    expect(page2.body.next_page_token).toBeUndefined();
    const all = await list({ max_results: 0 });
    expect(all.body.webhooks).toHaveLength(3);
  });

  it('answers {} where there are none', async () => {
    const res = await listing.api.get(`/projects/empty-one${WH}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
  });

  it.each([
    [{ max_results: 1001 }, 'max_results must be between 1 and 1000.'],
    [{ max_results: -1 }, 'max_results must be between 1 and 1000.'],
    [
      { max_results: 'abc' },
      `Invalid value "abc" for parameter 'max_results' supplied:  Hint: Value was of type 'str'.`,
    ],
    [{ page_token: 'abc' }, 'Invalid page token, could not base64-decode'],
  ])('refuses %j', async (query, message) => {
    expectError(await list(query), 400, 'INVALID_PARAMETER_VALUE', message);
  });

  it('keeps each project to its own webhooks', async () => {
    const other = await listing.api.get(`/projects/other-team${WH}`);
    expect(other.body).toEqual({});
    const id = (await list({})).body.webhooks[0].webhook_id;
    expectError(
      await listing.api.get(`/projects/other-team${WH}/${id}`),
      404,
      'RESOURCE_DOES_NOT_EXIST',
      `Webhook with ID ${id} not found.`,
    );
  });
});

describe('webhooks update and delete', () => {
  it('changes only the fields given; empty name, URL or events change nothing', async () => {
    const made = await create({ name: 'before', description: 'd', secret: 's' });
    await new Promise((r) => setTimeout(r, 3));
    const unchanged = await send(t, 'PATCH', `${WH}/${made.webhook_id}`, {
      name: '',
      url: '',
      events: [],
    });
    expect(unchanged.status).toBe(200);
    expect(unchanged.body.webhook).toMatchObject({ name: 'before', url: URL, description: 'd' });
    expect(unchanged.body.webhook.last_updated_timestamp).toBeGreaterThan(
      made.creation_timestamp as number,
    );
    const changed = await send(t, 'PATCH', `${WH}/${made.webhook_id}`, {
      name: 'after',
      description: '',
      url: 'https://1.1.1.1/x',
      events: [{ entity: 'PROMPT_ALIAS', action: 'DELETED' }],
      status: 'DISABLED',
      secret: 'new-secret',
    });
    expect(changed.status).toBe(200);
    expect(changed.body.webhook).toEqual({
      webhook_id: made.webhook_id,
      name: 'after',
      url: 'https://1.1.1.1/x',
      events: [{ entity: 'PROMPT_ALIAS', action: 'DELETED' }],
      status: 'DISABLED',
      creation_timestamp: made.creation_timestamp,
      last_updated_timestamp: expect.any(Number),
    });
    expect(JSON.stringify(changed.body)).not.toContain('new-secret');
  });

  it('checks event pairs before the webhook exists, then the name and URL', async () => {
    expectError(
      await send(t, 'PATCH', `${WH}/nope`, { events: [{ entity: 'PROMPT', action: 'SET' }] }),
      400,
      'INVALID_PARAMETER_VALUE',
      "Invalid action 'set' for entity 'prompt'.",
    );
    expectError(
      await send(t, 'PATCH', `${WH}/nope`, { name: '-x' }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
      'Webhook with ID nope not found.',
    );
    const made = await create({});
    expectError(
      await send(t, 'PATCH', `${WH}/${made.webhook_id}`, { url: 'https://127.0.0.1/' }),
      400,
      'INVALID_PARAMETER_VALUE',
      "Webhook URL must not resolve to a non-public IP address. '127.0.0.1' resolves to 127.0.0.1.",
    );
  });

  it('deletes a webhook; it is then not found anywhere', async () => {
    const made = await create({ name: 'doomed' });
    const res = await send(t, 'DELETE', `${WH}/${made.webhook_id}`, {});
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    for (const req of [
      t.api.get(`${WH}/${made.webhook_id}`),
      send(t, 'DELETE', `${WH}/${made.webhook_id}`, {}),
      post(t, `${WH}/${made.webhook_id}/test`, {}),
      t.api.get(`/api/trackd/v1/webhooks/${made.webhook_id}/deliveries`),
    ]) {
      expectError(await req, 404, 'RESOURCE_DOES_NOT_EXIST', `Webhook with ID ${made.webhook_id}`);
    }
    const listed = await t.api.get(WH).query({ max_results: 1000 });
    const ids = listed.body.webhooks.map((w: { webhook_id: string }) => w.webhook_id);
    expect(ids).not.toContain(made.webhook_id);
  });

  it('answers an unknown method on a webhook path with 405', async () => {
    const res = await t.api.put(`${WH}/x`).set('Content-Type', 'application/json').send('{}');
    expect(res.status).toBe(405);
  });
});

describe('the delivery log endpoint', () => {
  it('answers {} for a webhook that has sent nothing, and is in the OpenAPI document', async () => {
    const made = await create({});
    const res = await t.api.get(`/api/trackd/v1/webhooks/${made.webhook_id}/deliveries`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    const doc = await t.api.get('/openapi.json');
    const paths = Object.keys(doc.body.paths as Record<string, unknown>);
    expect(paths).toContain('/api/trackd/v1/webhooks/{webhook_id}/deliveries');
    expect(paths).toContain('/api/2.0/mlflow/webhooks/{webhook_id}/test');
  });
});

describe('who may manage webhooks', () => {
  let secured: TestApp;
  const as = (user: string) => ({ Authorization: basic(user), 'Content-Type': 'application/json' });
  beforeAll(async () => {
    secured = await startTestApp({ auth: 'basic' });
    for (const [user, role] of [
      ['reader', 'read'],
      ['editor', 'edit'],
      ['manager', 'manage'],
    ]) {
      await secured.accounts.addUser(user, PASSWORD);
      await secured.accounts.grant(user, 'team-a', role);
    }
  });
  afterAll(async () => {
    await secured.close();
  });
  const base = `/projects/team-a${WH}`;
  const body = JSON.stringify({ name: 'h', url: URL, events: [EVENT] });

  it('lets a manager create, update and delete; an editor or reader only read', async () => {
    for (const user of ['reader', 'editor']) {
      const refused = await secured.api.post(base).set(as(user)).send(body);
      expect(refused.status, user).toBe(403);
    }
    const made = await secured.api.post(base).set(as('manager')).send(body);
    expect(made.status).toBe(200);
    const id = made.body.webhook.webhook_id as string;
    for (const user of ['reader', 'editor']) {
      expect((await secured.api.get(base).set(as(user))).status, user).toBe(200);
      expect((await secured.api.get(`${base}/${id}`).set(as(user))).status, user).toBe(200);
      const patch = await secured.api.patch(`${base}/${id}`).set(as(user)).send('{"name":"x"}');
      expect(patch.status, user).toBe(403);
      const test = await secured.api.post(`${base}/${id}/test`).set(as(user)).send('{}');
      expect(test.status, user).toBe(403);
      const del = await secured.api.delete(`${base}/${id}`).set(as(user)).send('{}');
      expect(del.status, user).toBe(403);
    }
    const del = await secured.api.delete(`${base}/${id}`).set(as('manager')).send('{}');
    expect(del.status).toBe(200);
  });
});
