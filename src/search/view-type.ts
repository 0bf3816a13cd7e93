// Which lifecycle stages a search covers: MLflow's ViewType.

export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

export function lifecycleStages(viewType: ViewType): Array<'active' | 'deleted'> {
  if (viewType === 'ACTIVE_ONLY') return ['active'];
  if (viewType === 'DELETED_ONLY') return ['deleted'];
  return ['active', 'deleted'];
}
