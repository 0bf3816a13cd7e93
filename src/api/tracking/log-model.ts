// LogModel (`runs/log-model`): what `Model.log` in the Python client (2.x and 3.x) reports after
// saving a model under a run. MLflow keeps it as the run's `mlflow.log-model.history` tag, a JSON
// list with one entry per model logged (its run, path, creation time, uuid and flavors), which the
// web UI reads to list a run's models. The client swallows a failure with a warning, so a server
// without this endpoint lost the entry silently.
//
// The model JSON is read and the tag written as Python's json module does (key order, float text,
// ASCII escapes), so the tag reads the same as one MLflow's server wrote.
import { z } from 'zod';
import { MlflowError } from '../../errors.js';
import { endpoint } from '../../http/endpoint.js';
import {
  isPyDict,
  pyDumps,
  pyLoads,
  pyStrOf,
  pyTruthy,
  type PyDict,
  type PyJson,
} from '../../python-json.js';
import { validateTag } from '../../services/validation.js';
import { updateRunTag } from '../../store/runs.js';
import type { Db } from '../../store/experiments.js';
import { emptySchema } from '../wire/entities.js';
import { requiredString } from '../wire/fields.js';

export const LOGGED_MODELS_TAG = 'mlflow.log-model.history';
const MANDATORY_FIELDS = ['artifact_path', 'flavors', 'utc_time_created', 'run_id'];

/** `str(datetime.now(timezone.utc).replace(tzinfo=None))`: naive UTC, microseconds if any. */
export function pythonUtcNow(now = new Date()): string {
  const iso = now.toISOString(); // 2026-12-04T15:42:22.254Z
  const seconds = `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
  const micros = now.getUTCMilliseconds() * 1000;
  return micros === 0 ? seconds : `${seconds}.${String(micros).padStart(6, '0')}`;
}

/**
 * The history entry MLflow keeps for a model (`Model.from_dict(model).get_tags_dict()`): run id and
 * artifact path unless null, the creation time (now if unset), the uuid (null if not given), and
 * each flavor's settings without its `config`.
 */
export function historyEntry(model: PyDict): PyDict {
  const entry: PyDict = new Map();
  const runId = model.get('run_id');
  if (runId !== undefined && runId !== null) entry.set('run_id', runId);
  const artifactPath = model.get('artifact_path');
  if (artifactPath !== undefined && artifactPath !== null) entry.set('artifact_path', artifactPath);
  const created = model.get('utc_time_created');
  entry.set('utc_time_created', pyTruthy(created) ? pyStrOf(created!) : pythonUtcNow());
  entry.set('model_uuid', model.get('model_uuid') ?? null);
  const flavors = model.get('flavors');
  if (flavors !== undefined && flavors !== null && !isPyDict(flavors)) {
    throw MlflowError.invalidParameter(
      `Model json field 'flavors' must be an object of flavor settings, got ${pyDumps(flavors)}.`,
    );
  }
  const stripped: PyDict = new Map();
  for (const [name, settings] of flavors ?? new Map<string, PyJson>()) {
    stripped.set(
      name,
      isPyDict(settings) ? new Map([...settings].filter(([k]) => k !== 'config')) : settings,
    );
  }
  entry.set('flavors', stripped);
  return entry;
}

/** Appends a model to the run's history tag, as MLflow's store does (one transaction). */
export async function recordLoggedModel(db: Db, runId: string, model: PyDict): Promise<void> {
  const entry = historyEntry(model);
  await updateRunTag(db, runId, LOGGED_MODELS_TAG, (current) => {
    let history: PyJson[] = [];
    if (current !== undefined) {
      try {
        const parsed = pyLoads(current);
        history = Array.isArray(parsed) ? parsed : [parsed];
      } catch {
        // A history some other writer left unreadable is started afresh rather than refused.
      }
    }
    return validateTag(LOGGED_MODELS_TAG, pyDumps([...history, entry])).value;
  });
}

/** A model's JSON as sent (`model_json`), refused as MLflow does when it is not a JSON object. */
function parseModel(text: string): PyDict {
  let model: PyJson | undefined;
  try {
    model = pyLoads(text);
  } catch {
    // Refused below.
  }
  if (!isPyDict(model)) {
    throw MlflowError.invalidParameter(`Malformed model info. \n ${text} \n is not a valid JSON.`);
  }
  const missing = MANDATORY_FIELDS.filter((f) => !model.has(f)).sort();
  if (missing.length > 0) {
    throw MlflowError.invalidParameter(
      `Model json is missing mandatory fields: {${missing.map((f) => `'${f}'`).join(', ')}}`,
    );
  }
  return model;
}

export const logModelEndpoints = [
  endpoint({
    method: 'POST',
    paths: ['/2.0/mlflow/runs/log-model'],
    access: 'edit',
    tag: 'Runs',
    summary: "Record a model logged under a run (the run's mlflow.log-model.history tag)",
    request: z.object({ run_id: requiredString(), model_json: requiredString() }),
    response: emptySchema,
    handler: async (input, { project }) => {
      await recordLoggedModel(project.db, input.run_id, parseModel(input.model_json));
      return {};
    },
  }),
];
