// The pieces of webhook delivery that must match MLflow byte for byte or bit for bit: which
// addresses count as public (Python 3.11's ipaddress, after MLflow's unwrapping), the operator's
// allowlist, the Fernet tokens secrets are stored as, the signature and the payload's JSON text.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatIp, isPublicIp, parseIp } from '../../src/webhooks/ip-address.js';
import { envelopeJson, pythonUtcNow, registeredModelCreated } from '../../src/webhooks/payloads.js';
import { KEY_FILE, SecretBox } from '../../src/webhooks/secret-box.js';
import { deliveryHeaders, signature } from '../../src/webhooks/signature.js';
import { TargetPolicy } from '../../src/webhooks/target-policy.js';

// [address, Python's str(ip_address(address)), MLflow's _is_public_ip] from mlflow==3.17.2 on
// Python 3.11.7.
const PYTHON_TABLE: [string, string, boolean][] = [
  ['127.0.0.1', '127.0.0.1', false],
  ['8.8.8.8', '8.8.8.8', true],
  ['::1', '::1', false],
  ['::', '::', false],
  ['::ffff:127.0.0.1', '::ffff:7f00:1', false],
  ['::ffff:8.8.8.8', '::ffff:808:808', true],
  ['2002:7f00:1::', '2002:7f00:1::', false],
  ['2002:808:808::', '2002:808:808::', true],
  ['64:ff9b::7f00:1', '64:ff9b::7f00:1', false],
  ['64:ff9b::808:808', '64:ff9b::808:808', true],
  ['fe80::1', 'fe80::1', false],
  ['fd00:ec2::254', 'fd00:ec2::254', false],
  ['2606:4700::1', '2606:4700::1', true],
  ['1:0:1:1:1:1:1:1', '1:0:1:1:1:1:1:1', true],
  ['1:0:0:1::1', '1:0:0:1::1', true],
  ['2001:db8::1', '2001:db8::1', false],
  ['100.64.0.1', '100.64.0.1', false],
  ['224.0.0.1', '224.0.0.1', true],
  ['192.0.0.9', '192.0.0.9', true],
  ['192.0.0.1', '192.0.0.1', false],
  ['0.0.0.0', '0.0.0.0', false],
  ['169.254.169.254', '169.254.169.254', false],
  ['172.31.255.255', '172.31.255.255', false],
  ['172.32.0.1', '172.32.0.1', true],
  ['198.18.0.1', '198.18.0.1', false],
  ['203.0.113.9', '203.0.113.9', false],
  ['255.255.255.255', '255.255.255.255', false],
  ['240.0.0.1', '240.0.0.1', false],
  ['2001:4860:4860::8888', '2001:4860:4860::8888', true],
  ['2001:1::1', '2001:1::1', false],
  ['2001:2::1', '2001:2::1', false],
];

describe('public addresses', () => {
  it.each(PYTHON_TABLE)('%s prints as %s; public: %s', (address, printed, pub) => {
    const ip = parseIp(address)!;
    expect(formatIp(ip)).toBe(printed);
    expect(isPublicIp(ip)).toBe(pub);
  });

  it('treats a deprecated IPv4-compatible address by the IPv4 it carries (stricter than MLflow)', () => {
    expect(isPublicIp(parseIp('::7f00:1')!)).toBe(false);
    expect(isPublicIp(parseIp('::808:808')!)).toBe(true);
  });

  it('reads no non-canonical IPv4 text as an address', () => {
    for (const text of ['127.1', '0177.0.0.1', '1.2.3.256', '1.2.3', '2130706433']) {
      expect(parseIp(text), text).toBeUndefined();
    }
  });

  it('judges a scoped IPv6 address by the address alone', () => {
    expect(formatIp(parseIp('fe80::1%eth0')!)).toBe('fe80::1');
    expect(isPublicIp(parseIp('fe80::1%eth0')!)).toBe(false);
  });
});

describe('the allowlist', () => {
  const policy = new TargetPolicy({
    allowedSchemes: ['https'],
    allowHosts: ['hooks.internal', '127.0.0.1', '10.0.0.0/8', '[fd00::1]'],
  });
  const refused = (host: string, address: string) => policy.refusal(host, parseIp(address)!);

  it('lets named hosts, addresses and networks be private; nothing else', () => {
    expect(refused('hooks.internal', '192.168.1.5')).toBeUndefined();
    expect(refused('HOOKS.internal.', '192.168.1.5')).toBeUndefined();
    expect(refused('127.0.0.1', '127.0.0.1')).toBeUndefined();
    expect(refused('build.local', '10.20.30.40')).toBeUndefined();
    expect(refused('fd00::1', 'fd00::1')).toBeUndefined();
    expect(refused('127.0.0.2', '127.0.0.2')).toBe(
      "Webhook URL must not resolve to a non-public IP address. '127.0.0.2' resolves to 127.0.0.2.",
    );
    expect(refused('evil.example', '169.254.169.254')).toContain('resolves to 169.254.169.254.');
    expect(refused('example.com', '93.184.216.34')).toBeUndefined();
  });

  it('refuses a name when any one of its addresses is refused', async () => {
    const strict = new TargetPolicy({ allowedSchemes: ['https'], allowHosts: [] });
    await expect(strict.validate('https://localhost/h')).rejects.toThrow(
      /^Webhook URL must not resolve to a non-public IP address\. 'localhost' resolves to /,
    );
  });
});

describe('secrets at rest', () => {
  const KEY = 'PWpuSfNB0ag0uzmTxBjyrWzjf7XSV0XWzn1Q2q-XyU4=';

  it("reads a token Python's Fernet made with the same key, and Fernet-shaped tokens of its own", () => {
    const box = new SecretBox('/nonexistent', KEY);
    const fromPython =
      'gAAAAABrEdASnAXn7ObJBV7pIxWzuP-3n0ZAUoeU8o-AJfqtQ8jCWQ2q3EdpluOp3mgTncx9c1uP-453JQfMOj0' +
      'ASpZ7B6unvQ==';
    expect(box.decrypt(fromPython)).toBe('top secret é');
    const token = box.encrypt('hunter2');
    expect(token).toMatch(/^gAAAAA[A-Za-z0-9_-]+=*$/);
    expect(token).not.toContain('hunter2');
    expect(box.decrypt(token)).toBe('hunter2');
  });

  it('refuses a token of another key or one tampered with', () => {
    const token = new SecretBox('/nonexistent', KEY).encrypt('hunter2');
    const other = new SecretBox('/nonexistent', 'a'.repeat(43) + '=');
    expect(() => other.decrypt(token)).toThrow('encrypted with another key');
    const flipped = `${token.slice(0, 30)}${token[30] === 'A' ? 'B' : 'A'}${token.slice(31)}`;
    expect(() => new SecretBox('/nonexistent', KEY).decrypt(flipped)).toThrow();
  });

  it('refuses a configured key that is not a Fernet key', () => {
    expect(() => new SecretBox('/nonexistent', 'too-short')).toThrow(/32 url-safe base64/);
  });

  it('without a configured key, makes one key file (owner-only) and keeps using it', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'trackd-key-'));
    try {
      const token = new SecretBox(dir).encrypt('kept across restarts');
      const stat = await fs.stat(path.join(dir, KEY_FILE));
      expect(stat.mode & 0o777).toBe(0o600);
      expect(new SecretBox(dir).decrypt(token)).toBe('kept across restarts');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

describe('what a delivery carries', () => {
  it("signs as MLflow's _generate_hmac_signature does", () => {
    // The value mlflow.webhooks.delivery._generate_hmac_signature gives for these inputs.
    expect(
      signature(
        's3crét',
        'a1b2',
        '1700000000',
        '{"entity": "prompt", "data": {"name": "\\u00e9"}}',
      ),
    ).toBe('v1,JK75eVxJyQUBXMXJx3GPv/IC4JyuGZ09FQ1xaOoz7DM=');
  });

  it('sends no signature header for a webhook without a secret', () => {
    const headers = deliveryHeaders(null, 'id-1', '{}', 1_700_000_000_999);
    expect(headers).toEqual({
      'Content-Type': 'application/json',
      'X-MLflow-Delivery-Id': 'id-1',
      'X-MLflow-Timestamp': '1700000000',
    });
  });

  it("writes the timestamp as Python's isoformat() and the envelope as json.dumps", () => {
    expect(pythonUtcNow(1_700_000_000_123_456n)).toBe('2023-11-14T22:13:20.123456+00:00');
    expect(pythonUtcNow(1_700_000_000_000_000n)).toBe('2023-11-14T22:13:20+00:00');
    const message = registeredModelCreated({
      name: 'modèle',
      tags: [
        { key: 'b', value: '1' },
        { key: 'a', value: '2' },
        { key: 'b', value: '3' },
      ],
      description: undefined,
    });
    expect(envelopeJson(message, 'team-a', 1_700_000_000_000_001n)).toBe(
      '{"entity": "registered_model", "action": "created", "timestamp": ' +
        '"2023-11-14T22:13:20.000001+00:00", "data": {"name": "mod\\u00e8le", "tags": ' +
        '{"b": "3", "a": "2"}, "description": ""}, "workspace": "team-a"}',
    );
  });
});
