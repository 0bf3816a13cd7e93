// Gateway secrets at rest, by envelope encryption as MLflow keeps them: each secret gets its own
// random data key (DEK); the value is sealed with it (AES-256-GCM, bound to the secret's id and
// name so a sealed value cannot be moved to another secret), and the DEK is sealed with the key
// encryption key (KEK). The KEK comes from the operator's passphrase (MLflow's variable,
// MLFLOW_CRYPTO_KEK_PASSPHRASE) by PBKDF2-HMAC-SHA256. Without one, MLflow falls back to a
// passphrase written in its source code; trackd instead makes a random one once, beside the
// projects, readable by the server's user only, and still reports that no passphrase was chosen.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

export const KEK_FILE = 'gateway-kek.passphrase';
const KEK_VERSION = 1;
const PBKDF2_ITERATIONS = 600_000;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

const pbkdf2 = promisify(crypto.pbkdf2);

export interface SealedSecret {
  encryptedValue: string;
  wrappedDek: string;
  kekVersion: number;
}

function seal(key: Buffer, plain: Buffer, aad: Buffer): string {
  const nonce = crypto.randomBytes(NONCE_BYTES);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64');
}

function open(key: Buffer, sealed: string, aad: Buffer): Buffer {
  const raw = Buffer.from(sealed, 'base64');
  if (raw.length < NONCE_BYTES + TAG_BYTES) throw new Error('malformed sealed secret');
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, raw.subarray(0, NONCE_BYTES));
  decipher.setAAD(aad);
  decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
  return Buffer.concat([
    decipher.update(raw.subarray(NONCE_BYTES, raw.length - TAG_BYTES)),
    decipher.final(),
  ]);
}

/** What a sealed value is bound to: the secret it belongs to. */
const secretAad = (secretId: string, secretName: string) =>
  Buffer.from(JSON.stringify([secretId, secretName]), 'utf8');
const DEK_AAD = Buffer.from(`trackd gateway dek v${KEK_VERSION}`, 'utf8');

export class SecretEnvelope {
  private kek?: Promise<Buffer>;

  constructor(
    private readonly dataDir: string,
    private readonly passphrase?: string,
  ) {}

  /** True when the operator set no passphrase (the UI warns about it, as MLflow's does). */
  get usingDefaultPassphrase(): boolean {
    return !this.passphrase;
  }

  private readPassphrase(): string {
    if (this.passphrase) return this.passphrase;
    const file = path.join(this.dataDir, KEK_FILE);
    if (!fs.existsSync(file)) {
      fs.mkdirSync(this.dataDir, { recursive: true });
      try {
        // `wx`: another process that made the file first keeps its passphrase.
        const made = crypto.randomBytes(32).toString('base64url');
        fs.writeFileSync(file, `${made}\n`, { mode: 0o600, flag: 'wx' });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
    return fs.readFileSync(file, 'utf8').trim();
  }

  /** Derived once per process (PBKDF2 is slow on purpose), off the event loop. */
  private keyEncryptionKey(): Promise<Buffer> {
    this.kek ??= pbkdf2(
      this.readPassphrase(),
      `trackd-gateway-kek-v${KEK_VERSION}`,
      PBKDF2_ITERATIONS,
      32,
      'sha256',
    );
    return this.kek;
  }

  async seal(value: string, secretId: string, secretName: string): Promise<SealedSecret> {
    const kek = await this.keyEncryptionKey();
    const dek = crypto.randomBytes(32);
    return {
      encryptedValue: seal(dek, Buffer.from(value, 'utf8'), secretAad(secretId, secretName)),
      wrappedDek: seal(kek, dek, DEK_AAD),
      kekVersion: KEK_VERSION,
    };
  }

  /** The plain value; throws when the KEK, the secret's identity or the bytes do not match. */
  async open(sealed: SealedSecret, secretId: string, secretName: string): Promise<string> {
    if (sealed.kekVersion !== KEK_VERSION)
      throw new Error(`unknown KEK version ${sealed.kekVersion}`);
    const dek = open(await this.keyEncryptionKey(), sealed.wrappedDek, DEK_AAD);
    return open(dek, sealed.encryptedValue, secretAad(secretId, secretName)).toString('utf8');
  }
}

/** MLflow's display mask: first 3 and last 4 characters; values under 8 characters hide fully. */
export function maskSecretValue(value: string): string {
  return value.length < 8 ? '***' : `${value.slice(0, 3)}...${value.slice(-4)}`;
}

const envelopes = new WeakMap<object, SecretEnvelope>();

/** The one envelope of a server configuration (its KEK is derived once). */
export function secretEnvelopeFor(config: {
  dataDir: string;
  gatewayKekPassphrase?: string;
}): SecretEnvelope {
  let envelope = envelopes.get(config);
  if (!envelope) {
    envelope = new SecretEnvelope(config.dataDir, config.gatewayKekPassphrase);
    envelopes.set(config, envelope);
  }
  return envelope;
}
