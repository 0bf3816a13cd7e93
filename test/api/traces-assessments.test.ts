// Assessments on traces: create/get/update/delete, overrides and validity, value encodings, and
// assessments in trace infos and in trace search filters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { otlpProtobuf } from '../support/otlp.js';
import { post, startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
let experimentId: string;
const traceHex = 'c'.repeat(32);
const traceId = `tr-${traceHex}`;
const base = `/api/3.0/mlflow/traces/${traceId}/assessments`;

beforeAll(async () => {
  t = await startTestApp();
  experimentId = (await post(t, '/api/2.0/mlflow/experiments/create', { name: 'assess' })).body
    .experiment_id;
  const res = await t.api
    .post('/v1/traces')
    .set('Content-Type', 'application/x-protobuf')
    .set('x-mlflow-experiment-id', experimentId)
    .send(
      otlpProtobuf([
        {
          traceId: traceHex,
          spanId: 'd'.repeat(16),
          name: 'root',
          start: '1000000',
          end: '2000000',
        },
      ]),
    );
  expect(res.status).toBe(200);
});
afterAll(async () => {
  await t.close();
});

function create(assessment: Record<string, unknown>, trace = traceId) {
  return post(t, `/api/3.0/mlflow/traces/${trace}/assessments`, { assessment });
}

const feedback = (value: unknown, extra: Record<string, unknown> = {}) => ({
  assessment_name: 'quality',
  trace_id: traceId,
  source: { source_type: 'HUMAN', source_id: 'bob' },
  create_time: '2026-12-03T16:45:30.309Z',
  last_update_time: '2026-12-03T16:45:30.309Z',
  feedback: { value },
  rationale: 'good',
  metadata: { k: 'v' },
  ...extra,
});

function search(filter: string) {
  return post(t, '/api/3.0/mlflow/traces/search', {
    locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } }],
    filter,
  });
}

describe('assessments', () => {
  it('creates a feedback with a server id, valid, echoing what was sent', async () => {
    const res = await create(feedback(true));
    expect(res.status).toBe(200);
    const a = res.body.assessment;
    expect(a.assessment_id).toMatch(/^a-[0-9a-f]{32}$/);
    expect(a).toMatchObject({
      assessment_name: 'quality',
      trace_id: traceId,
      source: { source_type: 'HUMAN', source_id: 'bob' },
      create_time: '2026-12-03T16:45:30.309Z',
      feedback: { value: true },
      rationale: 'good',
      metadata: { k: 'v' },
      valid: true,
    });
    const got = await t.api.get(`${base}/${a.assessment_id}`);
    expect(got.body.assessment).toEqual(a);
    const info = (await t.api.get(`/api/3.0/mlflow/traces/${traceId}`)).body.trace.trace_info;
    expect(info.assessments.map((x: { assessment_id: string }) => x.assessment_id)).toContain(
      a.assessment_id,
    );
    expect((await search("feedback.quality = 'true'")).body.traces).toHaveLength(1);
  });

  it('keeps expectation shapes: scalars as value, objects as serialized_value', async () => {
    const scalar = await create({
      assessment_name: 'answer',
      source: { source_type: 'HUMAN' },
      expectation: { value: 'Paris' },
    });
    expect(scalar.body.assessment.expectation).toEqual({ value: 'Paris' });
    expect(scalar.body.assessment.valid).toBe(true);
    const serialized = { serialization_format: 'JSON_FORMAT', value: '{"answer": 42}' };
    const object = await create({
      assessment_name: 'facts',
      source: { source_type: 'HUMAN' },
      expectation: { serialized_value: serialized },
    });
    expect(object.body.assessment.expectation).toEqual({ serialized_value: serialized });
    expect((await search("expectation.answer = 'Paris'")).body.traces).toHaveLength(1);
  });

  it('stores a null feedback with its error', async () => {
    const error = { error_code: 'SCORER_ERROR', error_message: 'boom', stack_trace: 'tb' };
    const res = await create({
      assessment_name: 'broken',
      source: { source_type: 'CODE', source_id: 'scorer' },
      feedback: { value: null, error },
    });
    expect(res.body.assessment.feedback).toEqual({ value: null, error });
  });

  it('compares numeric feedback with > and <', async () => {
    await create(feedback(0.75, { assessment_name: 'score' }));
    expect((await search('feedback.score > 0.5')).body.traces).toHaveLength(1);
    expect((await search('feedback.score < 0.5')).body).toEqual({});
    expect((await search("feedback.score = '0.75'")).body.traces).toHaveLength(1);
  });

  it('updates name, value and rationale from a camelCase mask, keeping the rest', async () => {
    const created = (await create(feedback('meh', { assessment_name: 'tone' }))).body.assessment;
    const res = await t.api
      .patch(`${base}/${created.assessment_id}`)
      .set('Content-Type', 'application/json')
      .send({
        assessment: {
          assessment_id: created.assessment_id,
          assessment_name: 'tone2',
          trace_id: traceId,
          feedback: { value: 'great' },
          rationale: 'better',
          metadata: { m: 'n' },
        },
        update_mask: 'assessmentName,feedback,rationale,metadata',
      });
    expect(res.status).toBe(200);
    expect(res.body.assessment).toMatchObject({
      assessment_name: 'tone2',
      feedback: { value: 'great' },
      rationale: 'better',
      metadata: { k: 'v', m: 'n' },
      source: { source_type: 'HUMAN', source_id: 'bob' },
      create_time: created.create_time,
      valid: true,
    });
    expect(res.body.assessment.last_update_time).not.toBe(created.last_update_time);
    const wrongKind = await t.api
      .patch(`${base}/${created.assessment_id}`)
      .set('Content-Type', 'application/json')
      .send({ assessment: { expectation: { value: 1 } }, update_mask: 'expectation' });
    expect(wrongKind.status).toBe(400);
    expect(wrongKind.body.message).toBe(
      'Cannot update expectation value on a Feedback assessment.',
    );
  });

  it('overrides: the old one turns invalid, and valid again when the new one is deleted', async () => {
    const old = (await create(feedback(false, { assessment_name: 'correct' }))).body.assessment;
    const newer = (
      await create(feedback(true, { assessment_name: 'correct', overrides: old.assessment_id }))
    ).body.assessment;
    expect(newer.overrides).toBe(old.assessment_id);
    expect((await t.api.get(`${base}/${old.assessment_id}`)).body.assessment.valid).toBe(false);
    expect((await search("feedback.correct = 'false'")).body).toEqual({});
    const del = await t.api
      .delete(`${base}/${newer.assessment_id}`)
      .set('Content-Type', 'application/json')
      .send({ trace_id: traceId, assessment_id: newer.assessment_id });
    expect(del.status).toBe(200);
    expect((await t.api.get(`${base}/${old.assessment_id}`)).body.assessment.valid).toBe(true);
    expect((await t.api.get(`${base}/${newer.assessment_id}`)).status).toBe(404);
    // Deleting what is gone is a no-op.
    expect((await t.api.delete(`${base}/${newer.assessment_id}`)).status).toBe(200);
  });

  it('answers 404 for a missing trace, assessment or override target', async () => {
    const noTrace = await create(feedback(1), 'tr-missing');
    expect(noTrace.status).toBe(404);
    expect(noTrace.body.message).toBe("Trace with ID 'tr-missing' not found.");
    const missing = await t.api.get(`${base}/a-nope`);
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe(
      `Assessment with ID 'a-nope' not found for trace '${traceId}'`,
    );
    const badOverride = await create(feedback(1, { overrides: 'a-nope' }));
    expect(badOverride.status).toBe(404);
  });
});
