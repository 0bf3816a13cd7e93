// Reads a JSON request body the way MLflow's server does: POST/PUT must say application/json,
// a double-encoded JSON string is decoded again, and an empty body means {}.
import type { Request } from 'express';
import { MlflowError } from './errors.js';

export function requireJsonContentType(req: Request): void {
  if (req.method !== 'POST' && req.method !== 'PUT') return;
  const type = req.get('content-type');
  if (type === undefined) {
    throw MlflowError.invalidParameter('Bad Request. Content-Type header is missing.');
  }
  if (type.split(';')[0].trim().toLowerCase() !== 'application/json') {
    throw MlflowError.invalidParameter(
      "Bad Request. Content-Type must be one of ['application/json'].",
    );
  }
}

export function parseJsonBody(raw: unknown): unknown {
  const text = typeof raw === 'string' ? raw : Buffer.isBuffer(raw) ? raw.toString('utf8') : '';
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
    if (typeof parsed === 'string') parsed = JSON.parse(parsed);
  } catch (err) {
    throw MlflowError.invalidParameter(`Malformed JSON in request body: ${(err as Error).message}`);
  }
  if (parsed === null) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw MlflowError.invalidParameter('Request body must be a JSON object.');
  }
  return parsed;
}
