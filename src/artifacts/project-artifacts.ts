// A project's ArtifactStore, as its context carries it (the backend is chosen in
// artifact-backend.ts when the project is opened).
import type { ProjectContext } from '../store/projects.js';
import type { ArtifactStore } from './artifact-store.js';

export function artifactStoreOf(project: Pick<ProjectContext, 'artifacts'>): ArtifactStore {
  return project.artifacts;
}
