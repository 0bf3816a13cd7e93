// MLflow's legacy (V2) trace lifecycle, still served by 3.17: StartTrace makes an IN_PROGRESS trace
// under a random 32-hex request id, EndTrace sets its status and duration and merges tags and
// metadata. Both write the same tables as StartTraceV3 and span ingest (traces.ts, spans.ts).
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { MlflowError } from '../errors.js';
import { assertExperimentActive } from './experiments.js';
import type { Database } from './schema.js';
import {
  ARTIFACT_LOCATION_TAG,
  TRACE_NAME_TAG,
  getTraceInfo,
  traceArtifactLocation,
  upsertKeyValues,
  type TraceInfoRecord,
} from './traces.js';
import { canonicalTraceMetadata } from './trace-analytics.js';
import { refreshTraceInfoJson } from './trace-info-text.js';

/** MLflow's limits on what it keeps in columns: the trace name and the session id. */
const MAX_TRACE_NAME_CHARS = 4096;
const MAX_SESSION_ID_CHARS = 250;
const SESSION_KEY = 'mlflow.trace.session';

/** The statuses a V2 trace can be stored with (TraceStatus names; UNSPECIFIED has no state). */
export const V2_END_STATUSES = ['OK', 'ERROR', 'IN_PROGRESS'] as const;
export type V2EndStatus = (typeof V2_END_STATUSES)[number];

export interface StartTraceV2Input {
  experimentId: number;
  timestampMs: number;
  metadata: Record<string, string>;
  tags: Record<string, string>;
}

export interface EndTraceV2Input {
  timestampMs: number;
  /** TraceStatus name as sent; anything but an end status is refused. */
  status: string;
  metadata: Record<string, string>;
  tags: Record<string, string>;
}

function checkLength(what: string, limit: number, value: string | undefined): void {
  if (value !== undefined && value.length > limit) {
    throw MlflowError.invalidParameter(
      `'${what}' exceeds the maximum length of ${limit} characters`,
    );
  }
}

/** StartTrace (V2): a new IN_PROGRESS trace with no duration yet. */
export async function startTraceV2(
  db: Kysely<Database>,
  input: StartTraceV2Input,
): Promise<TraceInfoRecord> {
  const { [TRACE_NAME_TAG]: traceName, ...tags } = input.tags;
  checkLength('Trace name', MAX_TRACE_NAME_CHARS, traceName);
  return db.transaction().execute(async (trx) => {
    const experiment = await assertExperimentActive(trx, input.experimentId);
    checkLength('Session ID', MAX_SESSION_ID_CHARS, input.metadata[SESSION_KEY]);
    const requestId = randomUUID().replaceAll('-', '');
    await trx
      .insertInto('trace_info')
      .values({
        request_id: requestId,
        experiment_id: input.experimentId,
        timestamp_ms: input.timestampMs,
        execution_time_ms: null,
        status: 'IN_PROGRESS',
        client_request_id: null,
        request_preview: null,
        response_preview: null,
        trace_name: traceName ?? null,
      })
      .execute();
    await upsertKeyValues(trx, 'trace_tags', requestId, {
      ...tags,
      [ARTIFACT_LOCATION_TAG]: traceArtifactLocation(experiment.artifact_location, requestId),
    });
    await upsertKeyValues(
      trx,
      'trace_request_metadata',
      requestId,
      canonicalTraceMetadata(input.metadata),
    );
    await refreshTraceInfoJson(trx, [requestId]);
    return getTraceInfo(trx, requestId);
  });
}

/**
 * EndTrace (V2): the duration is the end time less the stored start, tags and metadata merge into
 * what is there. MLflow fails (500) on a status that is not an end status, storing nothing; we
 * refuse it as invalid input.
 */
export async function endTraceV2(
  db: Kysely<Database>,
  requestId: string,
  input: EndTraceV2Input,
): Promise<TraceInfoRecord> {
  return db.transaction().execute(async (trx) => {
    const existing = await getTraceInfo(trx, requestId);
    checkLength('Session ID', MAX_SESSION_ID_CHARS, input.metadata[SESSION_KEY]);
    const { [TRACE_NAME_TAG]: traceName, ...tags } = input.tags;
    checkLength('Trace name', MAX_TRACE_NAME_CHARS, traceName);
    if (!(V2_END_STATUSES as readonly string[]).includes(input.status)) {
      throw MlflowError.invalidParameter(
        `Invalid trace status '${input.status}': a trace ends with one of ` +
          `${V2_END_STATUSES.join(', ')}.`,
      );
    }
    await trx
      .updateTable('trace_info')
      .set({
        execution_time_ms: input.timestampMs - Number(existing.timestamp_ms),
        status: input.status,
        ...(traceName !== undefined ? { trace_name: traceName } : {}),
      })
      .where('request_id', '=', requestId)
      .execute();
    await upsertKeyValues(
      trx,
      'trace_request_metadata',
      requestId,
      canonicalTraceMetadata(input.metadata),
    );
    await upsertKeyValues(trx, 'trace_tags', requestId, tags);
    await refreshTraceInfoJson(trx, [requestId]);
    return getTraceInfo(trx, requestId);
  });
}
