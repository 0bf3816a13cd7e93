// A registered scorer's definition as the server reads it: its judge's gateway endpoint, what is
// refused at registration, and the Python-formatted text written back.
import { describe, expect, it } from 'vitest';
import { MlflowError } from '../../src/errors.js';
import { ScorerPayload } from '../../src/gateway/scorer-payload.js';

const refusal = (text: string) => {
  try {
    ScorerPayload.parse(text);
  } catch (err) {
    if (err instanceof MlflowError) return `${err.code}: ${err.message}`;
    throw err;
  }
  return 'accepted';
};

describe('ScorerPayload', () => {
  it("finds the gateway endpoint wherever the scorer's kind keeps its model", () => {
    const judge = ScorerPayload.parse(
      '{"instructions_judge_pydantic_data": {"model": "gateway:/my-endpoint"}}',
    );
    expect(judge.gatewayEndpoint).toBe('my-endpoint');
    const memory = ScorerPayload.parse(
      '{"memory_augmented_judge_data": {"base_judge": {"builtin_scorer_pydantic_data": {"model": "gateway:/e2"}}}}',
    );
    expect(memory.gatewayEndpoint).toBe('e2');
    expect(
      ScorerPayload.parse('{"builtin_scorer_pydantic_data": {"model": "openai:/gpt-4"}}')
        .gatewayEndpoint,
    ).toBeUndefined();
    expect(ScorerPayload.parse('{"name": "plain"}').gatewayEndpoint).toBeUndefined();
  });

  it('rewrites the endpoint reference as json.dumps would, keeping everything else', () => {
    const payload = ScorerPayload.parse(
      '{"name":"j","instructions_judge_pydantic_data":{"model":"gateway:/old","temperature":0.0}}',
    );
    expect(payload.withGatewayEndpoint('e-123')).toBe(
      '{"name": "j", "instructions_judge_pydantic_data": {"model": "gateway:/e-123", "temperature": 0.0}}',
    );
    expect(payload.withGatewayEndpoint(null)).toBe(
      '{"name": "j", "instructions_judge_pydantic_data": {"model": null, "temperature": 0.0}}',
    );
  });

  it('refuses what MLflow refuses to store', () => {
    expect(refusal('not json')).toBe(
      'INVALID_PARAMETER_VALUE: serialized_scorer must be valid JSON',
    );
    expect(refusal('[1]')).toMatch(
      /^INVALID_PARAMETER_VALUE: serialized_scorer must be a JSON object/,
    );
    // Decorator scorers carry code that runs wherever they are loaded, nested ones too.
    expect(
      refusal('{"ensemble_scorer_data": {"scorers": [{"call_source": "import os"}]}}'),
    ).toMatch(/^INVALID_PARAMETER_VALUE: Scorers defined with the @scorer decorator/);
    expect(refusal('{"builtin_scorer_pydantic_data": {"model": 5}}')).toBe(
      'INVALID_PARAMETER_VALUE: Scorer model must be a string, got int.',
    );
    expect(refusal('{"builtin_scorer_pydantic_data": {"model": "  "}}')).toBe(
      'INVALID_PARAMETER_VALUE: Scorer model cannot be empty or contain only whitespace.',
    );
    expect(
      refusal(
        '{"third_party_scorer_data": {"kwargs": {"completion_kwargs": {"api_base": "http://10.0.0.1"}}}}',
      ),
    ).toMatch(/kwargs must not contain 'api_base'/);
    expect(refusal('{"third_party_scorer_data": {"kwargs": [["base_url", "x"]]}}')).toMatch(
      /kwargs must be a JSON object, got list/,
    );
    expect(refusal('{"name": "fine", "call_source": null}')).toBe('accepted');
  });

  it('knows a judge that needs expected answers', () => {
    const needs = ScorerPayload.parse(
      '{"instructions_judge_pydantic_data": {"instructions": "Compare {{ outputs }} to {{expectations}}"}}',
    );
    expect(needs.needsExpectations).toBe(true);
    const not = ScorerPayload.parse(
      '{"instructions_judge_pydantic_data": {"instructions": "Is {{ outputs }} polite?"}}',
    );
    expect(not.needsExpectations).toBe(false);
  });
});
