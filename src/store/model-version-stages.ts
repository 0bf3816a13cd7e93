// The stages a model version is stored in (MLflow's model_version_stages.py); the registry's
// rules (services/registry-validation.ts) and its searches read them from here.
export const STAGES = ['None', 'Staging', 'Production', 'Archived'] as const;
export type Stage = (typeof STAGES)[number];
/** Stages whose versions `archive_existing_versions` may push out. */
export const ACTIVE_STAGES: readonly Stage[] = ['Staging', 'Production'];
/** How a deleted version is kept, so its number is never reused. */
export const STAGE_DELETED_INTERNAL = 'Deleted_Internal';
