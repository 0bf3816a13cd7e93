// Searches answered as pages of whole entities: the ids a search grammar matched, in order, then
// loaded. The REST search endpoints and the GraphQL resolvers both answer from these, so the two
// agree on every page.
import type { Kysely } from 'kysely';
import { searchModelVersionKeys, type RegistrySearchOptions } from '../search/registry-search.js';
import { searchRunIds, type RunSearchOptions } from '../search/run-search.js';
import { loadModelVersions, type ModelVersion } from '../store/model-versions.js';
import { loadRuns, type Run } from '../store/runs.js';
import type { Database } from '../store/schema.js';

export async function searchRuns(
  db: Kysely<Database>,
  opts: RunSearchOptions,
): Promise<{ runs: Run[]; nextPageToken?: string }> {
  const page = await searchRunIds(db, opts);
  return { runs: await loadRuns(db, page.runIds), nextPageToken: page.nextPageToken };
}

export async function searchModelVersions(
  db: Kysely<Database>,
  opts: RegistrySearchOptions,
): Promise<{ versions: ModelVersion[]; nextPageToken?: string }> {
  const page = await searchModelVersionKeys(db, opts);
  return { versions: await loadModelVersions(db, page.items), nextPageToken: page.nextPageToken };
}
