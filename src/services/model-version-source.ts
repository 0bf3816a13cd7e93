// Decides whether a model version's `source` may be registered in a project, and where its
// artifacts then are. Only sources inside the project are accepted: `runs:/<run_id>/…` naming the
// run given as run_id (which, as in MLflow, need not exist: it is resolved in this project only), `models:/<model_id>` of one of its logged models, `models:/<name>/<version>` (or
// `@alias`) of one of its versions, and `mlflow-artifacts:` locations below one of its runs',
// logged models' or experiments' artifact roots. Local paths, other schemes, other projects'
// resources and `..` tricks in any encoding are refused with INVALID_PARAMETER_VALUE.
// (A prompt's version takes MLflow's placeholder source instead: see prompt-versions.ts.)
import { servedArtifactPath } from '../artifacts/artifact-uri.js';
import type { ArtifactPath } from '../artifacts/safe-path.js';
import { MlflowError } from '../errors.js';
import { experimentArtifactLocations, type Db } from '../store/experiments.js';
import { getLoggedModel, type LoggedModel } from '../store/logged-models.js';
import {
  getModelVersion,
  getModelVersionByAlias,
  latestModelVersion,
  type ModelVersion,
} from '../store/model-versions.js';
import { getRegisteredModelRow } from '../store/registered-models.js';
import { findRunRow } from '../store/run-rows.js';
import { canonicalStage, parseVersion } from './registry-validation.js';

export interface SourceRequest {
  source: string;
  /** As sent; `undefined` when the request did not carry the field. */
  runId?: string;
  modelId?: string;
}

export interface ResolvedSource {
  /** What the version records as `source` (a registry reference is normalized). */
  source: string;
  /** Where the artifacts are: what get-download-uri answers. */
  storageLocation: string;
  runId: string | null;
  modelId: string | null;
}

const ARTIFACT_ROOT_HINT =
  'Sources must be runs:/<run_id>/<path>, models:/<model_id>, models:/<name>/<version> or an ' +
  "mlflow-artifacts: location inside this project's artifact roots.";

function invalidSource(source: string, why: string): MlflowError {
  return MlflowError.invalidParameter(`Invalid model version source: '${source}'. ${why}`);
}

function notContaining(source: string, field: 'run_id' | 'model_id'): MlflowError {
  return invalidSource(
    source,
    `The ${field} request parameter must identify the resource that contains the source.`,
  );
}

/** Decodes `%xx` (and `+`) until nothing changes, as MLflow's check does, then looks for tricks. */
function assertNoTraversal(source: string): void {
  let text = source;
  for (let round = 0; round < 10; round++) {
    let next: string;
    try {
      next = decodeURIComponent(text.replace(/\+/g, ' '));
    } catch {
      throw invalidSource(source, 'It is not validly percent-encoded.');
    }
    if (next === text) break;
    text = next;
  }
  // eslint-disable-next-line no-control-regex
  const control = /[\u0000-\u001f\u007f]/.test(text);
  const dotDot = text.split(/[/\\]/).some((segment) => segment === '..');
  if (control || dotDot || text.includes('\\')) {
    throw invalidSource(
      source,
      'If supplying a source as an http, https, local file path, ftp, objectstore, or ' +
        'mlflow-artifacts uri, an absolute path must be provided without relative path ' +
        'references present. Please provide an absolute path.',
    );
  }
}

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;

function schemeOf(source: string): string | undefined {
  const match = SCHEME.exec(source);
  // `C:/x` is a Windows drive, not a URI scheme.
  if (!match || match[1].length === 1) return undefined;
  return match[1].toLowerCase();
}

async function loggedModelInProject(db: Db, modelId: string): Promise<LoggedModel | undefined> {
  try {
    return await getLoggedModel(db, modelId);
  } catch (err) {
    if (err instanceof MlflowError && err.code === 'RESOURCE_DOES_NOT_EXIST') return undefined;
    throw err;
  }
}

/** The artifact path an `mlflow-artifacts:` URI names in this project, or undefined. */
function projectPath(uri: string, project: string): ArtifactPath | undefined {
  if (!/^mlflow-artifacts:(?!\/\/)/i.test(uri)) return undefined;
  try {
    return servedArtifactPath(uri, project);
  } catch (err) {
    if (err instanceof MlflowError) return undefined;
    throw err;
  }
}

function within(path: ArtifactPath, root: ArtifactPath | undefined): boolean {
  if (root === undefined || root === '') return false;
  return path === root || path.startsWith(`${root}/`);
}

async function withinSomeExperiment(db: Db, path: ArtifactPath, project: string): Promise<boolean> {
  const locations = await experimentArtifactLocations(db);
  return locations.some((location) => within(path, projectPath(location, project)));
}

/** A run id given alongside the source must name a run of this project. */
async function checkedRunId(db: Db, source: string, runId: string | undefined) {
  if (!runId) return null;
  if (!(await findRunRow(db, runId))) throw notContaining(source, 'run_id');
  return runId;
}

interface RegistryReference {
  name: string;
  resolve: (db: Db) => Promise<ModelVersion>;
}

/** `models:/<name>/<version|stage|latest>` or `models:/<name>@<alias>`; undefined for a model id. */
function parseRegistryReference(source: string): RegistryReference | string {
  const path = source.replace(/^models:/i, '');
  if (!path.startsWith('/') || path.startsWith('//') || path.length <= 1) {
    throw invalidSource(source, 'Registered model sources must use the active model registry.');
  }
  const parts = path.slice(1).split('/');
  if (parts.length > 2 || parts[0].trim() === '' || (parts.length === 2 && !parts[1].trim())) {
    throw invalidSource(source, ARTIFACT_ROOT_HINT);
  }
  if (parts.length === 2) {
    const [name, suffix] = parts;
    if (/^\d+$/.test(suffix)) {
      const version = parseVersion(suffix);
      return { name, resolve: (db) => getModelVersion(db, name, version) };
    }
    const stage = suffix.toLowerCase() === 'latest' ? undefined : canonicalStage(suffix);
    return {
      name,
      resolve: async (db) => {
        const found = await latestModelVersion(db, name, stage);
        if (!found) throw invalidSource(source, `No versions of model with name '${name}' found.`);
        return found;
      },
    };
  }
  const at = parts[0].lastIndexOf('@');
  if (at >= 0) {
    const name = parts[0].slice(0, at);
    const alias = parts[0].slice(at + 1);
    if (!name || !alias.trim()) throw invalidSource(source, ARTIFACT_ROOT_HINT);
    return { name, resolve: (db) => getModelVersionByAlias(db, name, alias) };
  }
  return parts[0];
}

async function fromLoggedModel(
  db: Db,
  request: SourceRequest,
  modelId: string,
): Promise<ResolvedSource> {
  const { source } = request;
  if (request.modelId !== modelId) throw notContaining(source, 'model_id');
  const model = await loggedModelInProject(db, modelId);
  if (!model) throw notContaining(source, 'model_id');
  const runId = await checkedRunId(db, source, request.runId);
  return {
    source,
    storageLocation: model.info.artifact_location,
    runId: runId ?? model.info.source_run_id,
    modelId,
  };
}

async function fromRegistry(
  db: Db,
  request: SourceRequest,
  reference: RegistryReference,
): Promise<ResolvedSource> {
  const { source } = request;
  await getRegisteredModelRow(db, reference.name);
  const origin = await reference.resolve(db);
  const mismatch =
    (request.runId !== undefined && request.runId !== (origin.run_id ?? '')) ||
    (request.modelId !== undefined && request.modelId !== (origin.model_id ?? ''));
  if (mismatch) {
    throw invalidSource(
      source,
      'The run_id and model_id request parameters must match the referenced model version.',
    );
  }
  return {
    source: `models:/${origin.name}/${origin.version}`,
    storageLocation: origin.storage_location ?? origin.source ?? '',
    runId: origin.run_id,
    modelId: origin.model_id,
  };
}

async function fromRun(db: Db, request: SourceRequest): Promise<ResolvedSource> {
  const { source } = request;
  if (request.modelId) throw notContaining(source, 'model_id');
  const match = /^runs:\/([^/]+)(\/.*)?$/i.exec(source);
  if (!match || source.toLowerCase().startsWith('runs://')) {
    throw notContaining(source, 'run_id');
  }
  const runId = match[1];
  // As MLflow, the run need not exist yet: the source is only a name here. Confinement applies
  // when it is resolved (model-version-artifacts.ts looks the run up in this project's store and
  // parses the path below its artifact root), so a foreign or missing run serves nothing.
  if (request.runId !== runId) throw notContaining(source, 'run_id');
  return { source, storageLocation: source, runId, modelId: null };
}

async function fromArtifactLocation(
  db: Db,
  project: string,
  request: SourceRequest,
): Promise<ResolvedSource> {
  const { source } = request;
  const path = projectPath(source, project);
  if (path === undefined) throw invalidSource(source, ARTIFACT_ROOT_HINT);
  if (request.modelId) {
    const model = await loggedModelInProject(db, request.modelId);
    if (!model || !within(path, projectPath(model.info.artifact_location, project))) {
      throw notContaining(source, 'model_id');
    }
    const runId = await checkedRunId(db, source, request.runId);
    return {
      source,
      storageLocation: source,
      runId: runId ?? model.info.source_run_id,
      modelId: request.modelId,
    };
  }
  if (request.runId) {
    const run = await findRunRow(db, request.runId);
    if (!run || !within(path, projectPath(run.artifact_uri, project))) {
      throw notContaining(source, 'run_id');
    }
    return { source, storageLocation: source, runId: request.runId, modelId: null };
  }
  if (!(await withinSomeExperiment(db, path, project))) throw notContaining(source, 'run_id');
  return { source, storageLocation: source, runId: request.runId ?? null, modelId: null };
}

export async function resolveModelVersionSource(
  db: Db,
  project: string,
  request: SourceRequest,
): Promise<ResolvedSource> {
  const { source } = request;
  assertNoTraversal(source);
  switch (schemeOf(source)) {
    case 'models': {
      const reference = parseRegistryReference(source);
      return typeof reference === 'string'
        ? fromLoggedModel(db, request, reference)
        : fromRegistry(db, request, reference);
    }
    case 'runs':
      return fromRun(db, request);
    case 'mlflow-artifacts':
      return fromArtifactLocation(db, project, request);
    case undefined:
    case 'file':
      throw invalidSource(source, `Local paths are not accepted. ${ARTIFACT_ROOT_HINT}`);
    default:
      throw invalidSource(source, ARTIFACT_ROOT_HINT);
  }
}
