// Page tokens of logged-model searches, as MLflow makes them: base64 of a JSON object holding the
// offset and the query it belongs to. A token is only valid for the same experiment ids, filter
// and order_by, so a client cannot page through one query with the token of another.
import { MlflowError } from '../errors.js';
import { pyRepr, type PyValue } from './python-repr.js';

/** What a token pins: the request's fields as MLflow's handler normalises them. */
export interface LoggedModelQuery {
  experiment_ids: string[];
  filter_string: string | null;
  order_by:
    | {
        field_name: string;
        ascending: boolean;
        dataset_name: string | null;
        dataset_digest: string | null;
      }[]
    | null;
}

export function createLoggedModelPageToken(query: LoggedModelQuery, offset: number): string {
  return Buffer.from(JSON.stringify({ ...query, offset })).toString('base64');
}

function decode(token: string): Record<string, unknown> {
  const bytes = /^[A-Za-z0-9+/]*={0,2}$/.test(token) ? Buffer.from(token, 'base64') : undefined;
  try {
    const parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
  } catch {
    // Reported below with the token itself.
  }
  throw MlflowError.invalidParameter(
    `Invalid page token: ${token}. It is not a token this search handed out.`,
  );
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** The offset a token points at, after checking that it belongs to `query` (MLflow's messages). */
export function parseLoggedModelPageToken(
  token: string | undefined,
  query: LoggedModelQuery,
): number {
  if (!token) return 0;
  const parsed = decode(token);
  const shown = (v: unknown) => (v === undefined || v === null ? 'None' : pyRepr(v as PyValue));
  if (!same(parsed.experiment_ids, query.experiment_ids)) {
    throw MlflowError.invalidParameter(
      'Experiment IDs in the page token do not match the requested experiment IDs. ' +
        `Expected: ${shown(query.experiment_ids)}. Found: ${shown(parsed.experiment_ids)}`,
    );
  }
  if (!same(parsed.filter_string || null, query.filter_string)) {
    throw MlflowError.invalidParameter(
      'Filter string in the page token does not match the requested filter string. ' +
        `Expected: ${query.filter_string ?? 'None'}. Found: ${String(parsed.filter_string ?? 'None')}`,
    );
  }
  if (!same(parsed.order_by || null, query.order_by)) {
    throw MlflowError.invalidParameter(
      'Order by in the page token does not match the requested order by. ' +
        `Expected: ${shown(query.order_by)}. Found: ${shown(parsed.order_by)}`,
    );
  }
  const offset = parsed.offset ?? 0;
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
    throw MlflowError.invalidParameter(
      `Invalid page token: ${token}. Its offset is not a non-negative integer.`,
    );
  }
  return offset;
}
