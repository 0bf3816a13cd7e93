// Which project a request is for: the `/projects/<name>` path prefix or MLflow's workspace header.
// Names are validated here, before anything can turn them into a path on disk.
import type { Request } from 'express';
import type { Config } from '../config.js';
import { MlflowError } from '../errors.js';
import { DEFAULT_PROJECT } from '../store/projects.js';

export const WORKSPACE_HEADER = 'x-mlflow-workspace';

// MLflow's WorkspaceNameValidator: Kubernetes-style DNS labels, 2..63 chars, some names reserved.
const NAME_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const MIN_LENGTH = 2;
const MAX_LENGTH = 63;
const RESERVED = new Set(['workspaces', 'api', 'ajax-api', 'static-files']);

/** Throws INVALID_PARAMETER_VALUE unless `name` is a valid project (workspace) name. */
export function validateProjectName(name: string): string {
  if (name === DEFAULT_PROJECT) return name;
  const shown = JSON.stringify(name).slice(1, -1);
  if (name.length < MIN_LENGTH || name.length > MAX_LENGTH) {
    throw MlflowError.invalidParameter(
      `Workspace name '${shown}' must be between ${MIN_LENGTH} and ${MAX_LENGTH} characters.`,
    );
  }
  if (!NAME_PATTERN.test(name)) {
    throw MlflowError.invalidParameter(
      `Workspace name '${shown}' must match the pattern ${NAME_PATTERN.source} ` +
        '(lowercase alphanumeric with optional internal hyphens).',
    );
  }
  if (RESERVED.has(name)) {
    throw MlflowError.invalidParameter(`Workspace name '${shown}' is reserved and cannot be used.`);
  }
  return name;
}

/** Resolves the project of a request; a prefix and a header that disagree are rejected. */
export function projectOf(req: Request): string {
  const fromPath = (req.params as Record<string, string | undefined>).project;
  const header = req.get(WORKSPACE_HEADER);
  const fromHeader = header === undefined || header.trim() === '' ? undefined : header.trim();
  if (fromPath !== undefined) validateProjectName(fromPath);
  if (fromHeader !== undefined) validateProjectName(fromHeader);
  if (fromPath !== undefined && fromHeader !== undefined && fromPath !== fromHeader) {
    throw MlflowError.invalidParameter(
      `The project in the URL ('${fromPath}') and the ${WORKSPACE_HEADER.toUpperCase()} header ` +
        `('${fromHeader}') disagree.`,
    );
  }
  return fromPath ?? fromHeader ?? DEFAULT_PROJECT;
}

/**
 * The project's URL for links in answers (the root stands for `default`): below the configured
 * public URL, else on the Host the request named, which the Host check has already held against
 * the allowed names, so no other name can be planted in an answer.
 */
export function projectUrl(req: Request, project: string, config: Config): string {
  const origin = config.publicUrl ?? `http://${req.get('host') ?? 'localhost'}`;
  return project === DEFAULT_PROJECT ? origin : `${origin}/projects/${project}`;
}
