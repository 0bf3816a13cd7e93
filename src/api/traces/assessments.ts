// Assessments on traces (MLflow 3): create, get, update (FieldMask as a comma-joined camelCase
// string), delete. Feedback values are any JSON value; expectations that are not scalars travel
// as `serialized_value` JSON text. Answers use the shape trace infos embed (trace-json.ts).
import { z } from 'zod';
import { endpoint, type Endpoint } from '../../http/endpoint.js';
import { MlflowError } from '../../errors.js';
import { stringifyJson64, type JsonValue } from '../../json-int64.js';
import {
  createAssessment,
  deleteAssessment,
  getAssessment,
  updateAssessment,
  type AssessmentInput,
} from '../../store/assessments.js';
import { requiredString } from '../wire/fields.js';
import { assessmentJson, parseTimestamp } from './trace-json.js';

const PATH = '/3.0/mlflow/traces/:trace_id/assessments';
const TAG = 'Assessments';

const valueSchema = z.unknown().optional();
const assessmentSchema = z.object({
  assessment_id: z.string().optional(),
  assessment_name: z.string().optional(),
  trace_id: z.string().optional(),
  span_id: z.string().optional(),
  source: z
    .object({ source_type: z.string().optional(), source_id: z.string().optional() })
    .optional(),
  create_time: z.string().optional(),
  last_update_time: z.string().optional(),
  feedback: z
    .object({
      value: valueSchema,
      error: z
        .object({
          error_code: z.string().optional(),
          error_message: z.string().optional(),
          stack_trace: z.string().optional(),
        })
        .optional(),
    })
    .optional(),
  expectation: z
    .object({
      value: valueSchema,
      serialized_value: z
        .object({ serialization_format: z.string().optional(), value: z.string().optional() })
        .optional(),
    })
    .optional(),
  rationale: z.string().optional(),
  metadata: z.record(z.string(), z.string()).optional(),
  overrides: z.string().optional(),
  valid: z.boolean().optional(),
});
type AssessmentBody = z.infer<typeof assessmentSchema>;

const responseSchema = z.object({
  assessment: z.record(z.string(), z.unknown()).meta({
    description: 'The assessment (MLflow Assessment proto JSON)',
  }),
});

/** The stored value (json.dumps text, Python spacing) of a feedback or expectation. */
function storedValue(
  body: AssessmentBody,
): Pick<AssessmentInput, 'type' | 'value' | 'parsedValue' | 'error'> {
  if (body.expectation) {
    const serialized = body.expectation.serialized_value;
    if (serialized?.value !== undefined) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(serialized.value);
      } catch {
        parsed = undefined;
      }
      return { type: 'expectation', value: serialized.value, parsedValue: parsed, error: null };
    }
    const value = body.expectation.value;
    return {
      type: 'expectation',
      value:
        value === undefined || value === null ? null : stringifyJson64(value as JsonValue, true),
      parsedValue: value,
      error: null,
    };
  }
  if (body.feedback) {
    const { value, error } = body.feedback;
    return {
      type: 'feedback',
      value:
        value === undefined || value === null ? null : stringifyJson64(value as JsonValue, true),
      parsedValue: value,
      error: error ? JSON.stringify(error) : null,
    };
  }
  throw MlflowError.invalidParameter(
    'An assessment must have either a feedback or an expectation value.',
  );
}

function timeOf(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const ms = parseTimestamp(text);
  if (ms === undefined) throw MlflowError.invalidParameter(`Invalid timestamp '${text}'.`);
  return ms;
}

/** `assessmentName,feedback` → [`assessment_name`, `feedback`] (proto JSON's FieldMask form). */
export function maskPaths(mask: string | { paths?: string[] }): string[] {
  const paths = typeof mask === 'string' ? mask.split(',') : (mask.paths ?? []);
  return paths
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => p.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));
}

export const assessmentEndpoints: Endpoint[] = [
  endpoint({
    method: 'POST',
    paths: [PATH],
    access: 'edit',
    tag: TAG,
    summary: 'Create a feedback or an expectation on a trace (optionally overriding another)',
    request: z.object({ trace_id: requiredString(), assessment: assessmentSchema }),
    response: responseSchema,
    handler: async ({ trace_id, assessment: a }, { project }) => {
      if (!a.assessment_name) {
        throw MlflowError.invalidParameter(
          "Missing value for required parameter 'assessment.assessment_name'.",
        );
      }
      const now = Date.now();
      const created = await createAssessment(project.db, trace_id, {
        name: a.assessment_name,
        ...storedValue(a),
        sourceType: a.source?.source_type ?? 'SOURCE_TYPE_UNSPECIFIED',
        sourceId: a.source?.source_id ?? null,
        spanId: a.span_id || null,
        rationale: a.rationale ?? null,
        metadata: a.metadata ?? null,
        overrides: a.overrides || null,
        createTime: timeOf(a.create_time, now),
        lastUpdateTime: timeOf(a.last_update_time, now),
      });
      return { assessment: assessmentJson(created) };
    },
  }),
  endpoint({
    method: 'GET',
    paths: [`${PATH}/:assessment_id`],
    access: 'read',
    tag: TAG,
    summary: 'One assessment of a trace',
    request: z.object({ trace_id: requiredString(), assessment_id: requiredString() }),
    response: responseSchema,
    handler: async ({ trace_id, assessment_id }, { project }) => ({
      assessment: assessmentJson(await getAssessment(project.db, trace_id, assessment_id)),
    }),
  }),
  endpoint({
    method: 'PATCH',
    paths: [`${PATH}/:assessment_id`],
    access: 'edit',
    tag: TAG,
    summary: "Update an assessment's name, value, rationale or metadata (update_mask names which)",
    request: z.object({
      trace_id: requiredString(),
      assessment_id: requiredString(),
      assessment: assessmentSchema,
      update_mask: z.union([z.string().min(1), z.object({ paths: z.array(z.string()) })]),
    }),
    response: responseSchema,
    handler: async ({ trace_id, assessment_id, assessment: a, update_mask }, { project }) => {
      const paths = maskPaths(update_mask);
      const updated = await updateAssessment(project.db, trace_id, assessment_id, {
        ...(paths.includes('assessment_name') ? { name: a.assessment_name ?? '' } : {}),
        ...(paths.includes('feedback')
          ? { value: storedValue({ feedback: a.feedback ?? {} }) }
          : paths.includes('expectation')
            ? { value: storedValue({ expectation: a.expectation ?? {} }) }
            : {}),
        ...(paths.includes('rationale') ? { rationale: a.rationale ?? '' } : {}),
        ...(paths.includes('metadata') ? { metadata: a.metadata ?? {} } : {}),
      });
      return { assessment: assessmentJson(updated) };
    },
  }),
  endpoint({
    method: 'DELETE',
    paths: [`${PATH}/:assessment_id`],
    access: 'edit',
    tag: TAG,
    summary: 'Delete an assessment (restores the one it overrode)',
    request: z.object({ trace_id: requiredString(), assessment_id: requiredString() }),
    response: z.object({}),
    handler: async ({ trace_id, assessment_id }, { project }) => {
      await deleteAssessment(project.db, trace_id, assessment_id);
      return {};
    },
  }),
];
