// Turns a request (JSON body or query string) into the handler's typed input, and zod's complaints
// into the messages MLflow's server gives for the same mistakes.
import { z } from 'zod';
import { MlflowError } from '../errors.js';
import { isPyDict, pyDumps, PyFloat, pyLoads, type PyJson } from '../python-json.js';

const API_DOCS_HINT = ' See the API docs for more information about request parameters.';

/** MLflow's answer to a request that lacks a required parameter. */
export function missingParameter(field: string): MlflowError {
  return MlflowError.invalidParameter(
    `Missing value for required parameter '${field}'.${API_DOCS_HINT}`,
  );
}

/** MLflow's answer to an out-of-range query-string parameter (its check sees the raw string). */
export function invalidQueryParameter(field: string, value: string | number): MlflowError {
  return MlflowError.invalidParameter(
    `Invalid value "${value}" for parameter '${field}' supplied:  Hint: Value was of type 'str'.${API_DOCS_HINT}`,
  );
}

/** Python's name for a JSON value's type, as MLflow's hints print it. */
function pythonTypeName(value: unknown): string {
  if (value === null) return 'NoneType';
  if (Array.isArray(value)) return 'list';
  switch (typeof value) {
    case 'string':
      return 'str';
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isInteger(value) ? 'int' : 'float';
    case 'object':
      return 'dict';
    default:
      return typeof value;
  }
}

function pythonJson(value: unknown): string {
  // Mirrors json.dumps(value, sort_keys=True, separators=(",", ":")), ASCII-escaped as Python does.
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  ).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let current = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** `metrics[0].key`, as MLflow names a nested field in its messages. */
export function formatPath(path: PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('');
}

/**
 * A number as the client wrote it, read again from the request's JSON text: JavaScript's parser
 * makes `9.0` the integer 9, and MLflow's messages name the value and its Python type as sent.
 */
function writtenNumber(
  rawJson: string,
  path: PropertyKey[],
): { text: string; type: string } | undefined {
  let current: PyJson | undefined;
  try {
    current = pyLoads(rawJson);
  } catch {
    return undefined;
  }
  for (const key of path) {
    if (isPyDict(current) && typeof key === 'string') current = current.get(key);
    else if (Array.isArray(current) && typeof key === 'number') current = current[key];
    else return undefined;
  }
  if (current instanceof PyFloat) return { text: pyDumps(current), type: 'float' };
  if (typeof current === 'bigint') return { text: current.toString(), type: 'int' };
  return undefined;
}

export function toMlflowError(error: z.ZodError, input: unknown, rawJson?: string): MlflowError {
  const issue = error.issues[0];
  const fieldPath = formatPath(issue.path) || 'request';
  const value = valueAt(input, issue.path);
  const empty = value === '' || (Array.isArray(value) && value.length === 0);
  if (value === undefined || (issue.code === 'too_small' && empty)) {
    return missingParameter(fieldPath);
  }
  // Only our own refinements carry MLflow's wording; zod's defaults ("Too big: …") never do.
  if (issue.code === 'custom' && issue.message && !issue.message.startsWith('Invalid input')) {
    return MlflowError.invalidParameter(issue.message);
  }
  const number =
    typeof value === 'number' && rawJson !== undefined
      ? writtenNumber(rawJson, issue.path)
      : undefined;
  const text = number?.text ?? pythonJson(value);
  const type = number?.type ?? pythonTypeName(value);
  return MlflowError.invalidParameter(
    `Invalid value ${text} for parameter '${fieldPath}' supplied:  Hint: Value was of type '${type}'.${API_DOCS_HINT}`,
  );
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current: z.ZodType = schema;
  for (;;) {
    if (
      current instanceof z.ZodOptional ||
      current instanceof z.ZodDefault ||
      current instanceof z.ZodNullable
    ) {
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodPipe) {
      current = current.out as z.ZodType;
    } else {
      return current;
    }
  }
}

/**
 * GET parameters arrive as strings; like MLflow, a field declared repeated takes every occurrence,
 * a boolean takes `true`/`false`, and anything else takes the first occurrence.
 */
export function queryToJson(
  schema: z.ZodType,
  query: Record<string, unknown>,
): Record<string, unknown> {
  const shape = schema instanceof z.ZodObject ? (schema.shape as Record<string, z.ZodType>) : {};
  const json: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(query)) {
    const field = shape[key];
    const values = Array.isArray(raw) ? raw : [raw];
    if (!field) {
      json[key] = values[0];
      continue;
    }
    const inner = unwrap(field);
    if (inner instanceof z.ZodArray) {
      json[key] = values;
    } else if (inner instanceof z.ZodBoolean) {
      const text = String(values[0]).toLowerCase();
      if (text !== 'true' && text !== 'false') {
        throw MlflowError.invalidParameter(
          `Invalid boolean value: ${String(values[0])}, must be 'true' or 'false'.`,
        );
      }
      json[key] = text === 'true';
    } else {
      json[key] = values[0];
    }
  }
  return json;
}

function containsNull(value: unknown): boolean {
  if (value === null) return true;
  if (typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some(containsNull);
  for (const key in value) if (containsNull((value as Record<string, unknown>)[key])) return true;
  return false;
}

/**
 * Protobuf's JSON parser reads `"field": null` as an absent field; so do we. Requests rarely hold
 * a null, so they are only looked through, and copied only when one is found (a log-batch of 1000
 * metrics was copied object by object on every request).
 */
function dropNullFields(value: unknown): unknown {
  if (Array.isArray(value)) return value.some(containsNull) ? value.map(dropNullFields) : value;
  if (value === null || typeof value !== 'object' || !containsNull(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, dropNullFields(v)]),
  );
}

export function parseRequest<S extends z.ZodType>(
  schema: S,
  input: unknown,
  opts: { keepNulls?: boolean; rawJson?: string } = {},
): z.infer<S> {
  const present = opts.keepNulls ? input : dropNullFields(input);
  const result = schema.safeParse(present);
  if (!result.success) throw toMlflowError(result.error, present, opts.rawJson);
  return result.data;
}
