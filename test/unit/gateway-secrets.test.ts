// Gateway secrets at rest: sealed per secret under a key derived from the operator's passphrase
// (or a passphrase file made once in the data dir), masked for display.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KEK_FILE, maskSecretValue, SecretEnvelope } from '../../src/gateway/secret-envelope.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trackd-kek-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const VALUE = JSON.stringify({ api_key: 'sk-live-abcdef123456' });

describe('SecretEnvelope', () => {
  it('seals a value that only the same passphrase and secret can open', async () => {
    const envelope = new SecretEnvelope(tempDir(), 'operator passphrase of some length');
    const sealed = await envelope.seal(VALUE, 's-1', 'openai-key');
    expect(sealed.encryptedValue).not.toContain('sk-live');
    expect(Buffer.from(sealed.encryptedValue, 'base64').toString('latin1')).not.toContain(
      'sk-live',
    );
    expect(await envelope.open(sealed, 's-1', 'openai-key')).toBe(VALUE);

    const other = new SecretEnvelope(tempDir(), 'another passphrase entirely');
    await expect(other.open(sealed, 's-1', 'openai-key')).rejects.toThrow();
  });

  it('binds a sealed value to its secret: moved to another secret, it does not open', async () => {
    const envelope = new SecretEnvelope(tempDir(), 'operator passphrase of some length');
    const sealed = await envelope.seal(VALUE, 's-1', 'openai-key');
    await expect(envelope.open(sealed, 's-2', 'openai-key')).rejects.toThrow();
    await expect(envelope.open(sealed, 's-1', 'renamed')).rejects.toThrow();
  });

  it('gives each seal its own data key, so equal values seal differently', async () => {
    const envelope = new SecretEnvelope(tempDir(), 'operator passphrase of some length');
    const a = await envelope.seal(VALUE, 's-1', 'k');
    const b = await envelope.seal(VALUE, 's-1', 'k');
    expect(a.encryptedValue).not.toBe(b.encryptedValue);
    expect(a.wrappedDek).not.toBe(b.wrappedDek);
  });

  it('without a passphrase, makes one file (owner-only) and keeps using it', async () => {
    const dir = tempDir();
    const first = new SecretEnvelope(dir);
    expect(first.usingDefaultPassphrase).toBe(true);
    const sealed = await first.seal(VALUE, 's-1', 'k');
    const file = path.join(dir, KEK_FILE);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    // A restarted server reads the same file and opens what the first one sealed.
    expect(await new SecretEnvelope(dir).open(sealed, 's-1', 'k')).toBe(VALUE);
    expect(new SecretEnvelope(dir, 'chosen passphrase').usingDefaultPassphrase).toBe(false);
  });
});

describe('maskSecretValue', () => {
  it('shows the first 3 and last 4 characters, and nothing of short values', () => {
    expect(maskSecretValue('sk-test-12345')).toBe('sk-...2345');
    expect(maskSecretValue('AKIATEST1234')).toBe('AKI...1234');
    expect(maskSecretValue('12345678')).toBe('123...5678');
    expect(maskSecretValue('short')).toBe('***');
    expect(maskSecretValue('')).toBe('***');
  });
});
