// Which ArtifactStore serves a project: its own `artifacts/` folder, staged through a sibling
// `uploads/` folder (same filesystem, never listed). The one place a backend is chosen.
import path from 'node:path';
import type { ProjectContext } from '../store/projects.js';
import type { ArtifactStore } from './artifact-store.js';
import { STAGING_FOLDER } from './leftovers.js';
import { LocalArtifactStore } from './local-store.js';

export function artifactStoreOf(project: Pick<ProjectContext, 'artifactDir'>): ArtifactStore {
  const stagingDir = path.join(path.dirname(project.artifactDir), STAGING_FOLDER);
  return new LocalArtifactStore(project.artifactDir, stagingDir);
}
