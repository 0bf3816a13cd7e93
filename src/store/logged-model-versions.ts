// The link from a logged model back to the registry: MLflow keeps the versions registered from a
// model in its `mlflow.modelVersions` tag, a JSON list of {"name", "version"} that its web UI reads.
import type { Kysely } from 'kysely';
import { findLoggedModel, setLoggedModelTags } from './logged-models.js';
import type { Database } from './schema.js';

export const MODEL_VERSIONS_TAG = 'mlflow.modelVersions';

interface VersionRef {
  name: string;
  version: number;
}

/** json.dumps of the list as Python writes it (`, ` and `: ` separators, ASCII-escaped). */
function pythonJson(refs: VersionRef[]): string {
  const ascii = (text: string) =>
    text.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const items = refs.map(
    (r) => `{"name": ${ascii(JSON.stringify(r.name))}, "version": ${JSON.stringify(r.version)}}`,
  );
  return `[${items.join(', ')}]`;
}

function parseRefs(text: string | undefined): VersionRef[] {
  if (!text) return [];
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? (parsed as VersionRef[]) : [];
  } catch {
    // A tag someone overwrote by hand is replaced rather than failing the registration.
    return [];
  }
}

/** Adds `name`/`version` to the model's tag unless it is listed already. */
export async function recordModelVersionOnLoggedModel(
  db: Kysely<Database>,
  modelId: string,
  ref: VersionRef,
): Promise<void> {
  const model = await findLoggedModel(db, modelId);
  if (!model) return;
  const existing = parseRefs(model.tags.find((t) => t.key === MODEL_VERSIONS_TAG)?.value);
  const version = Number(ref.version);
  if (existing.some((r) => r.name === ref.name && Number(r.version) === version)) return;
  const refs = [...existing, { name: ref.name, version }];
  await setLoggedModelTags(db, modelId, [{ key: MODEL_VERSIONS_TAG, value: pythonJson(refs) }]);
}
