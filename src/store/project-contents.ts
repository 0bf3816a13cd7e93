// What a project still holds, for MLflow's RESTRICT workspace deletion (which refuses to delete a
// workspace that has experiments besides Default, or runs).
import type { Db } from './experiments.js';

export interface ProjectContents {
  /** Experiments other than the Default experiment `0`, deleted ones included. */
  experiments: number;
  runs: number;
}

export async function countProjectContents(db: Db): Promise<ProjectContents> {
  const experiments = await db
    .selectFrom('experiments')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('experiment_id', '!=', 0)
    .executeTakeFirstOrThrow();
  const runs = await db
    .selectFrom('runs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return { experiments: Number(experiments.n), runs: Number(runs.n) };
}
