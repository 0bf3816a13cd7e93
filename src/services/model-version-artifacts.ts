// Where a registered model version's artifacts are inside the project's artifact folder, for the
// web UI's /model-versions/get-artifact. Versions only ever hold sources inside the project (see
// model-version-source.ts); the location is resolved again here with the same confinement rules.
import { servedArtifactPath } from '../artifacts/artifact-uri.js';
import { joinArtifactPath, parseArtifactPath, type ArtifactPath } from '../artifacts/safe-path.js';
import { MlflowError } from '../errors.js';
import { getModelVersion } from '../store/model-versions.js';
import type { ProjectContext } from '../store/projects.js';
import { getRunRow } from '../store/run-rows.js';
import { parseVersion, validateModelName } from './registry-validation.js';

export async function modelVersionArtifactRoot(
  project: ProjectContext,
  name: string,
  version: string,
): Promise<ArtifactPath> {
  const mv = await getModelVersion(project.db, validateModelName(name), parseVersion(version));
  const location = mv.storage_location ?? mv.source ?? '';
  const runs = /^runs:\/([^/]+)(?:\/(.*))?$/i.exec(location);
  if (runs) {
    const run = await getRunRow(project.db, runs[1]);
    const root = servedArtifactPath(run.artifact_uri, project.name);
    return joinArtifactPath(root, parseArtifactPath(runs[2] ?? ''));
  }
  if (/^mlflow-artifacts:/i.test(location)) return servedArtifactPath(location, project.name);
  throw MlflowError.invalidParameter(
    `The artifact location '${location}' of model version ${version} of '${name}' is not served ` +
      'by this server.',
  );
}
