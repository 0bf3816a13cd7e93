// One folder of a run's artifacts, as MLflow's ListArtifacts answers it (one page, paths relative
// to the run's artifact root). The REST endpoint and the GraphQL resolver both list through here.
import { servedArtifactPath } from '../artifacts/artifact-uri.js';
import { artifactStoreOf } from '../artifacts/project-artifacts.js';
import { ARTIFACT_ROOT, joinArtifactPath, parseArtifactPath } from '../artifacts/safe-path.js';
import type { ProjectContext } from '../store/projects.js';
import { getRunRow } from '../store/run-rows.js';

export interface ListedArtifact {
  /** Relative to the run's artifact root. */
  path: string;
  isDir: boolean;
  size?: number;
}

export async function listRunArtifacts(
  project: ProjectContext,
  runId: string,
  path: string | undefined,
): Promise<{ rootUri: string; files: ListedArtifact[] }> {
  const relative = path === undefined ? ARTIFACT_ROOT : parseArtifactPath(path);
  const run = await getRunRow(project.db, runId);
  const root = servedArtifactPath(run.artifact_uri, project.name);
  const entries = await artifactStoreOf(project).list(joinArtifactPath(root, relative));
  const files = entries.map((e) => ({
    path: joinArtifactPath(relative, e.name),
    isDir: e.isDir,
    ...(e.isDir ? {} : { size: e.size }),
  }));
  return { rootUri: run.artifact_uri, files };
}
