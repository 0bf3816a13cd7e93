// An experiment as MLflow's server writes it (tags left out when there are none), shared by the
// REST experiment endpoints and the GraphQL resolvers so both answer alike.
import type { Experiment } from '../../store/experiments.js';
import type { ExperimentJson } from './entities.js';

export function experimentJson(e: Experiment, project: string): ExperimentJson {
  return {
    experiment_id: String(e.experiment_id),
    name: e.name,
    artifact_location: e.artifact_location,
    lifecycle_stage: e.lifecycle_stage as ExperimentJson['lifecycle_stage'],
    last_update_time: Number(e.last_update_time),
    creation_time: Number(e.creation_time),
    ...(e.tags.length ? { tags: e.tags } : {}),
    workspace: project,
  };
}
