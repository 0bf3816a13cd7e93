// Webhook secrets at rest, encrypted as MLflow encrypts them: a Fernet token (AES-128-CBC with an
// HMAC-SHA256 over it) under MLflow's key variable, MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY, or
// trackd's --webhook-secret-key. Where MLflow makes a new key per process when none is set (so
// secrets stored before a restart can no longer be read), trackd makes one once and keeps it
// beside the projects, readable by the server's user only.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const KEY_FILE = 'webhook-secret.key';
const VERSION = 0x80;

function decodeKey(text: string): { signing: Buffer; encryption: Buffer } {
  // Node's base64 decoder reads both alphabets, with or without padding.
  const raw = Buffer.from(text.trim(), 'base64');
  if (raw.length !== 32) {
    throw new Error(
      'the webhook secret key must be 32 url-safe base64-encoded bytes (a Fernet key)',
    );
  }
  return { signing: raw.subarray(0, 16), encryption: raw.subarray(16) };
}

/** Url-safe base64 with padding, as Fernet writes keys and tokens. */
function urlsafeBase64(bytes: Buffer): string {
  return bytes.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

export function newFernetKey(): string {
  return urlsafeBase64(crypto.randomBytes(32));
}

export class SecretBox {
  private key?: { signing: Buffer; encryption: Buffer };

  /**
   * `configuredKey` wins; otherwise the key file under `dataDir`, made on the first encryption.
   * A configured key that is malformed fails here, at startup.
   */
  constructor(
    private readonly dataDir: string,
    configuredKey?: string,
  ) {
    if (configuredKey) this.key = decodeKey(configuredKey);
  }

  private keyFile(): string {
    return path.join(this.dataDir, KEY_FILE);
  }

  private loadKey(create: boolean): { signing: Buffer; encryption: Buffer } {
    if (this.key) return this.key;
    const file = this.keyFile();
    if (!fs.existsSync(file)) {
      if (!create) throw new Error(`no webhook secret key: ${file} is missing`);
      fs.mkdirSync(this.dataDir, { recursive: true });
      try {
        // `wx`: another process that made the key first keeps its key.
        fs.writeFileSync(file, `${newFernetKey()}\n`, { mode: 0o600, flag: 'wx' });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
    this.key = decodeKey(fs.readFileSync(file, 'utf8'));
    return this.key;
  }

  encrypt(secret: string): string {
    const { signing, encryption } = this.loadKey(true);
    const header = Buffer.alloc(9);
    header[0] = VERSION;
    header.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000)), 1);
    const iv = crypto.randomBytes(16);
    const cipher = crypto.createCipheriv('aes-128-cbc', encryption, iv);
    const body = Buffer.concat([header, iv, cipher.update(secret, 'utf8'), cipher.final()]);
    const mac = crypto.createHmac('sha256', signing).update(body).digest();
    return urlsafeBase64(Buffer.concat([body, mac]));
  }

  /** The secret, or an Error saying why the token cannot be read (another key, tampering). */
  decrypt(token: string): string {
    const { signing, encryption } = this.loadKey(false);
    const raw = Buffer.from(token, 'base64');
    if (raw.length < 57 || raw[0] !== VERSION) throw new Error('malformed secret token');
    const body = raw.subarray(0, raw.length - 32);
    const mac = crypto.createHmac('sha256', signing).update(body).digest();
    if (!crypto.timingSafeEqual(mac, raw.subarray(raw.length - 32))) {
      throw new Error('the secret was encrypted with another key');
    }
    const decipher = crypto.createDecipheriv('aes-128-cbc', encryption, body.subarray(9, 25));
    return Buffer.concat([decipher.update(body.subarray(25)), decipher.final()]).toString('utf8');
  }
}
