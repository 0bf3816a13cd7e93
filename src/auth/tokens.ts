// Personal access tokens: `trkd_<public id>_<secret>`. The prefix makes a leaked token easy to
// recognise (and to scan for); the public id finds its row; only a hash of the secret is stored,
// so the database cannot give a token back, and the token is shown once, when it is made.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const TOKEN_PREFIX = 'trkd_';
export const TOKEN_SCOPES = ['read', 'write'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

const TOKEN_PATTERN = /^trkd_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export interface NewToken {
  publicId: string;
  secretHash: string;
  /** The whole token, for the one answer that shows it. */
  text: string;
}

function alphanumeric(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(length * 2);
  let out = '';
  // Rejection sampling keeps every character equally likely (256 is not a multiple of 62).
  for (const b of bytes) {
    if (b < 248) out += alphabet[b % 62];
    if (out.length === length) return out;
  }
  return out + alphanumeric(length - out.length);
}

export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function newToken(): NewToken {
  const publicId = alphanumeric(12);
  const secret = randomBytes(32).toString('base64url');
  return { publicId, secretHash: secretHash(secret), text: `${TOKEN_PREFIX}${publicId}_${secret}` };
}

/** The parts of a token's text, or undefined when it is not one of ours. */
export function parseToken(text: string): { publicId: string; secret: string } | undefined {
  const match = TOKEN_PATTERN.exec(text);
  return match ? { publicId: match[1], secret: match[2] } : undefined;
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const actual = Buffer.from(secretHash(secret), 'hex');
  const expected = Buffer.from(storedHash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
