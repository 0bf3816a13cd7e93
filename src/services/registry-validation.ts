// The model registry's input rules (MLflow's validation.py and model_version_stages.py): registered
// model names, version numbers, aliases, tags and stages, with MLflow's messages.
import { MlflowError } from '../errors.js';
import { STAGES, type Stage } from '../store/model-version-stages.js';
import {
  badPath,
  checkKeyName,
  checkLength,
  invalidValue,
  resolvesElsewhere,
} from './validation.js';

export const REGISTRY_LIMITS = {
  /** The column's width in MLflow's schema; MLflow itself lets the database complain. */
  modelNameLength: 256,
  tagKeyLength: 250,
  tagValueLength: 100_000,
  aliasLength: 255,
  descriptionLength: 5000,
} as const;

export function validateModelName(name: string, field = 'name'): string {
  if (name.trim() === '') {
    throw MlflowError.invalidParameter(`Missing value for required parameter '${field}'.`);
  }
  if (name.includes('/') || name.includes(':')) {
    throw MlflowError.invalidParameter(
      `Invalid model name '${name}'. Names cannot contain '/' or ':'.`,
    );
  }
  if (resolvesElsewhere(name)) {
    throw MlflowError.invalidParameter(invalidValue(field, name, badPath(name)));
  }
  checkLength(field, REGISTRY_LIMITS.modelNameLength, name);
  return name;
}

/** A version number as MLflow reads it: Python's int() of the string. */
export function parseVersion(version: string, field = 'version'): number {
  const text = version.trim().replace(/(\d)_(?=\d)/g, '$1');
  if (!/^[+-]?\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw MlflowError.invalidParameter(
      `Parameter '${field}' must be an integer, got '${version}'.`,
    );
  }
  return Number(text);
}

export function validateRegistryTag(key: string, value: string): void {
  checkKeyName(key, 'key');
  checkLength('key', REGISTRY_LIMITS.tagKeyLength, key);
  checkLength('value', REGISTRY_LIMITS.tagValueLength, value);
}

/** A version tag; the prompt template gets MLflow's own message when it is too long. */
export function validateModelVersionTag(key: string, value: string): void {
  checkKeyName(key, 'key');
  checkLength('key', REGISTRY_LIMITS.tagKeyLength, key);
  if (key === 'mlflow.prompt.text' && value.length > REGISTRY_LIMITS.tagValueLength) {
    throw MlflowError.invalidParameter(
      `Prompt text exceeds max length of ${REGISTRY_LIMITS.tagValueLength} characters.`,
    );
  }
  checkLength('value', REGISTRY_LIMITS.tagValueLength, value);
}

export function validateTagKey(key: string): void {
  checkKeyName(key, 'key');
}

export function validateDescription(description: string | undefined): void {
  checkLength('description', REGISTRY_LIMITS.descriptionLength, description);
}

export function validateAliasName(alias: string): void {
  if (alias === '') {
    throw MlflowError.invalidParameter('Registered model alias name cannot be empty.');
  }
  if (!/^[\p{L}\p{N}_-]*$/u.test(alias)) {
    throw MlflowError.invalidParameter(
      `Invalid alias name: '${alias}'. Names may only contain alphanumerics, underscores (_), ` +
        'and dashes (-).',
    );
  }
  checkLength('Registered model alias name', REGISTRY_LIMITS.aliasLength, alias);
}

/** Names an alias may not take because model URIs already give them a meaning. */
export function validateAliasNotReserved(alias: string): void {
  if (alias.toLowerCase() === 'latest') {
    throw MlflowError.invalidParameter("'latest' alias name (case insensitive) is reserved.");
  }
  if (/^[vV]\d+$/.test(alias)) {
    throw MlflowError.invalidParameter(`Version alias name '${alias}' is reserved.`);
  }
}

/** MLflow accepts any letter case (`production`) and stores the canonical spelling. */
export function canonicalStage(stage: string): Stage {
  const found = STAGES.find((s) => s.toLowerCase() === stage.toLowerCase());
  if (!found) {
    throw MlflowError.invalidParameter(
      `Invalid Model Version stage: ${stage}. Value must be one of ${STAGES.join(', ')}.`,
    );
  }
  return found;
}
