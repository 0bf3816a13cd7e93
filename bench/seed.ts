// Where the benchmark's seeded rows go: straight into a server's database, behind its back (the API
// would take hours for 100k runs). The same rows on every backend: the SQLite file of a server
// (data.ts, traces.ts) or its PostgreSQL schema (postgres.ts).
import { seedHistory, seedRuns } from './data.js';
import { seedTraces } from './traces.js';

export interface Seeder {
  /** The backend, for log lines ("seeded … directly in SQLite"). */
  name: string;
  /** Runs `from` … `from + count - 1` of experiment `experimentId` (data.ts `seededRun`). */
  runs(opts: {
    experimentId: number;
    artifactRoot: string;
    from: number;
    count: number;
  }): Promise<void>;
  /** `points` points of metric `key` of the existing run `runId`, and its latest value. */
  history(runId: string, key: string, points: number): Promise<void>;
  /** Traces `0 … count-1` of experiment `experimentId` (traces.ts `seededTrace`). */
  traces(experimentId: number, artifactRoot: string, count: number): Promise<void>;
}

/** Seeding into the SQLite file `file` (ours or MLflow's). */
export function sqliteSeeder(file: string): Seeder {
  return {
    name: 'SQLite',
    runs: async (opts) => seedRuns(file, opts),
    history: async (runId, key, points) => seedHistory(file, runId, key, points),
    traces: async (experimentId, artifactRoot, count) =>
      seedTraces(file, experimentId, artifactRoot, count),
  };
}
