// The input rules MLflow enforces (mlflow/utils/validation.py), with its messages, so clients see
// the same INVALID_PARAMETER_VALUE errors from us as from MLflow's server.
import path from 'node:path';
import { parseArtifactPath } from '../artifacts/safe-path.js';
import { MlflowError } from '../errors.js';

export const LIMITS = {
  paramsTagsPerBatch: 100,
  metricsPerBatch: 1000,
  entitiesPerBatch: 1000,
  paramValueLength: 6000,
  tagValueLength: 8000,
  experimentNameLength: 500,
  experimentTagKeyLength: 250,
  experimentTagValueLength: 20000,
  entityKeyLength: 250,
  artifactLocationLength: 2048,
  datasetNameLength: 500,
  datasetDigestLength: 36,
  datasetSchemaLength: 1048575,
  datasetSourceLength: 65535,
  datasetProfileLength: 16777215,
  inputTagKeyLength: 255,
  inputTagValueLength: 500,
} as const;

// Python's `\w` is Unicode-aware (letters and numbers of any script, plus `_`).
const NAME_CHARS = /^[/\p{L}\p{N}_.\- :]*$/u;
const RUN_ID = /^[a-zA-Z0-9][\w-]{0,255}$/;
const MISSING_KEY = 'A key name must be provided.';

/** json.dumps(value, sort_keys=True, separators=(",", ":")) for the values MLflow prints. */
function pyJson(value: unknown): string {
  // json.dumps escapes everything outside ASCII (ensure_ascii), one \uXXXX per UTF-16 unit.
  return (JSON.stringify(value) ?? 'null').replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

export function invalidValue(field: string, value: unknown, hint?: string): string {
  return hint
    ? `Invalid value ${pyJson(value)} for parameter '${field}' supplied: ${hint}`
    : `Invalid value ${pyJson(value)} for parameter '${field}' supplied.`;
}

export function joinPath(prefix: string, field: string): string {
  return prefix ? `${prefix}.${field}` : field;
}

const BAD_CHARACTERS =
  'Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).';

/** Python's posixpath.normpath, enough to tell whether a name would resolve to another. */
function pyNormpath(name: string): string {
  if (name === '') return '.';
  const norm = path.posix.normalize(name);
  return norm.length > 1 && norm.endsWith('/') ? norm.slice(0, -1) : norm;
}

export function resolvesElsewhere(name: string): boolean {
  const norm = pyNormpath(name);
  return norm !== name || norm === '.' || norm.startsWith('..') || norm.startsWith('/');
}

export function badPath(name: string): string {
  return (
    'Names may be treated as files in certain cases, and must not resolve to other names' +
    ` when treated as such. This name would resolve to '${pyNormpath(name)}'`
  );
}

/** Shared key rule for params, metrics and tags: allowed characters and no path tricks. */
export function checkKeyName(name: string, field: string): void {
  if (!NAME_CHARS.test(name)) {
    throw MlflowError.invalidParameter(invalidValue(field, name, BAD_CHARACTERS));
  }
  if (resolvesElsewhere(name)) {
    throw MlflowError.invalidParameter(invalidValue(field, name, badPath(name)));
  }
}

export function exceedsMaximumLength(field: string, limit: number): string {
  return `'${field}' exceeds the maximum length of ${limit} characters`;
}

export function checkLength(field: string, limit: number, value: string | undefined): void {
  if (value !== undefined && value.length > limit) {
    throw MlflowError.invalidParameter(exceedsMaximumLength(field, limit));
  }
}

/** Long param and tag values are cut to the limit, as MLflow does by default. */
function truncate(value: string, limit: number): string {
  return value.length > limit ? value.slice(0, limit) : value;
}

export function validateParam(
  key: string | undefined,
  value: string,
  prefix = '',
): { key: string; value: string } {
  if (key === undefined) {
    throw MlflowError.invalidParameter(invalidValue(joinPath(prefix, 'key'), '', MISSING_KEY));
  }
  checkKeyName(key, joinPath(prefix, 'key'));
  checkLength('Param key', LIMITS.entityKeyLength, key);
  return { key, value: truncate(value, LIMITS.paramValueLength) };
}

export function validateTag(
  key: string | undefined,
  value: string,
  prefix = '',
): { key: string; value: string } {
  if (key === undefined) {
    throw MlflowError.invalidParameter(
      `Missing value for required parameter '${joinPath(prefix, 'key')}'.`,
    );
  }
  checkKeyName(key, joinPath(prefix, 'key'));
  checkLength(joinPath(prefix, 'key'), LIMITS.entityKeyLength, key);
  return { key, value: truncate(value, LIMITS.tagValueLength) };
}

export function validateExperimentTag(key: string | undefined, value: string): void {
  if (key === undefined)
    throw MlflowError.invalidParameter("Missing value for required parameter 'key'.");
  checkKeyName(key, 'key');
  checkLength('key', LIMITS.experimentTagKeyLength, key);
  checkLength('value', LIMITS.experimentTagValueLength, value);
}

export interface MetricInput {
  key?: string;
  value?: number;
  timestamp?: number;
  step?: number;
}

export function validateMetric(metric: MetricInput, prefix = ''): void {
  const { key, value, timestamp } = metric;
  const nameField = joinPath(prefix, 'name');
  if (key === undefined) {
    throw MlflowError.invalidParameter(
      invalidValue(nameField, null, `Metric name cannot be None. ${MISSING_KEY}`),
    );
  }
  checkKeyName(key, nameField);
  if (value === undefined) {
    throw MlflowError.invalidParameter(
      `Missing value for required parameter '${joinPath(prefix, 'value')}'.`,
    );
  }
  if (timestamp === undefined || timestamp < 0) {
    throw MlflowError.invalidParameter(
      invalidValue(
        joinPath(prefix, 'timestamp'),
        timestamp ?? null,
        `metric '${key}' (value=${pyFloat(value)}). Timestamp must be a nonnegative long (64-bit integer) `,
      ),
    );
  }
  checkLength('Metric name', LIMITS.entityKeyLength, key);
}

/** Python's str() of a float, for messages that echo a metric value. */
export function pyFloat(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  return Number.isInteger(value) ? value.toFixed(1) : String(value);
}

export function validateRunId(runId: string, field = 'run_id'): void {
  if (!RUN_ID.test(runId)) throw MlflowError.invalidParameter(invalidValue(field, runId));
}

export function validateExperimentName(name: string | undefined): string {
  if (name === undefined || name === '') {
    throw MlflowError.invalidParameter(`Invalid experiment name: '${name ?? 'None'}'`);
  }
  checkLength('name', LIMITS.experimentNameLength, name);
  return name;
}

const URI_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]+:/;

/**
 * MLflow never keeps a relative experiment location as given: its store makes it absolute against
 * the server's working directory. Here the place that plays that part is the project's artifact
 * folder, so `my_location` becomes `mlflow-artifacts:/my_location`, served inside the project; the
 * path is held to the artifact-path rules, so `../x` and the like are refused instead of resolved.
 * Absolute paths and URIs are kept as given (the server never reads or writes through them).
 */
export function absoluteArtifactLocation(location: string): string {
  validateArtifactLocation(location);
  const relative =
    !URI_SCHEME.test(location) && !/^[/\\]/.test(location) && !/^[A-Za-z]:/.test(location);
  if (!relative) return location;
  return `mlflow-artifacts:/${parseArtifactPath(location)}`;
}

export function validateArtifactLocation(location: string): void {
  if (location.startsWith('runs:')) {
    throw MlflowError.invalidParameter(
      `Artifact location cannot be a runs:/ URI. Given: '${location}'`,
    );
  }
  if (location.length > LIMITS.artifactLocationLength) {
    throw MlflowError.invalidParameter(
      'Invalid artifact path length. The length of the artifact path cannot be greater than ' +
        `${LIMITS.artifactLocationLength} characters. To configure this limit, please set the ` +
        'MLFLOW_ARTIFACT_LOCATION_MAX_LENGTH environment variable.',
    );
  }
}

function checkBatchLimit(entity: string, limit: number, length: number): void {
  if (length > limit) {
    throw MlflowError.invalidParameter(
      `A batch logging request can contain at most ${limit} ${entity}. Got ${length} ${entity}. ` +
        `Please split up ${entity} across multiple requests and try again.`,
    );
  }
}

export function validateBatchLimits(metrics: number, params: number, tags: number): void {
  checkBatchLimit('metrics', LIMITS.metricsPerBatch, metrics);
  checkBatchLimit('params', LIMITS.paramsTagsPerBatch, params);
  checkBatchLimit('tags', LIMITS.paramsTagsPerBatch, tags);
  checkBatchLimit('metrics, params, and tags', LIMITS.entitiesPerBatch, metrics + params + tags);
}

export function validateUniqueParamKeys(keys: string[]): void {
  const seen = new Set<string>();
  const dupes: string[] = [];
  for (const key of keys) {
    if (seen.has(key)) dupes.push(key);
    seen.add(key);
  }
  if (dupes.length) {
    throw MlflowError.invalidParameter(
      `Duplicate parameter keys have been submitted: [${dupes.map((k) => `'${k}'`).join(', ')}]. ` +
        'Please ensure the request contains only one param value per param key.',
    );
  }
}

export interface DatasetInputShape {
  dataset: {
    name: string;
    digest: string;
    source_type: string;
    source: string;
    schema?: string;
    profile?: string;
  };
  tags?: { key: string; value: string }[];
}

export function validateDatasetInputs(inputs: DatasetInputShape[]): void {
  for (const { dataset, tags } of inputs) {
    checkLength('name', LIMITS.datasetNameLength, dataset.name);
    checkLength('digest', LIMITS.datasetDigestLength, dataset.digest);
    checkLength('source', LIMITS.datasetSourceLength, dataset.source);
    checkLength('schema', LIMITS.datasetSchemaLength, dataset.schema);
    checkLength('profile', LIMITS.datasetProfileLength, dataset.profile);
    for (const tag of tags ?? []) {
      checkLength('key', LIMITS.inputTagKeyLength, tag.key);
      checkLength('value', LIMITS.inputTagValueLength, tag.value);
    }
  }
}
