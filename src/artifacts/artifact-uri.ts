// Reads the artifact locations stored on experiments and runs. Only `mlflow-artifacts:` locations
// are served, and their path is held to the same rules as a request's: an experiment created with
// a location such as `mlflow-artifacts:/x/../../..` or `file:///etc` gives no way out.
import { MlflowError } from '../errors.js';
import {
  ARTIFACT_ROOT,
  parseArtifactPath,
  relativeArtifactPath,
  type ArtifactPath,
} from './safe-path.js';

const SCHEME = /^mlflow-artifacts:/i;

/**
 * An artifact path inside a project. With workspaces on, MLflow's server keeps each workspace's
 * artifacts below `workspaces/<name>/` (its experiments get `mlflow-artifacts:/workspaces/<name>/…`)
 * and accepts paths that spell the prefix out; here the project folder is that scope, so a prefix
 * naming this project is dropped and one naming another project is refused, as MLflow refuses it.
 */
export function projectScoped(p: ArtifactPath, project: string): ArtifactPath {
  const [first, second] = p.split('/');
  if (first !== 'workspaces') return p;
  if (!second) {
    throw MlflowError.invalidParameter(
      "Artifact paths prefixed with 'workspaces/' must include a workspace name.",
    );
  }
  if (second !== project) {
    throw MlflowError.invalidParameter(
      `Artifact path targets workspace '${second}' but the workspace specified in the request ` +
        `is '${project}'.`,
    );
  }
  return relativeArtifactPath(parseArtifactPath(`workspaces/${second}`), p) ?? ARTIFACT_ROOT;
}

/** The path below the project's artifact folder that an `mlflow-artifacts:` URI names. */
export function servedArtifactPath(uri: string, project: string): ArtifactPath {
  if (!SCHEME.test(uri)) {
    throw MlflowError.invalidParameter(
      `The artifact location '${uri}' is not served by this server: only 'mlflow-artifacts:' ` +
        'locations are, which resolve inside the project.',
    );
  }
  let rest = uri.replace(SCHEME, '');
  // mlflow-artifacts://<netloc>/path: MLflow's server uses the path alone, and so do we.
  if (rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    rest = slash < 0 ? '' : rest.slice(slash);
  }
  return projectScoped(parseArtifactPath(rest.replace(/^\/+/, '')), project);
}
