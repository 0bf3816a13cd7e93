// OpenInference (Arize Phoenix) spans as MLflow's server translates them.
import { describe, expect, it } from 'vitest';
import { json, translate } from './span.js';

describe('OpenInference', () => {
  it('maps openinference.span.kind to MLflow span types, UNKNOWN included', () => {
    for (const kind of ['TOOL', 'CHAIN', 'LLM', 'RETRIEVER', 'EMBEDDING', 'AGENT', 'RERANKER']) {
      expect(translate({ 'openinference.span.kind': kind }).mlflow['mlflow.spanType']).toBe(kind);
    }
    expect(translate({ 'openinference.span.kind': 'GUARDRAIL' }).mlflow['mlflow.spanType']).toBe(
      'GUARDRAIL',
    );
    expect(translate({ 'openinference.span.kind': 'UNKNOWN' }).mlflow['mlflow.spanType']).toBe(
      'UNKNOWN',
    );
    // Kinds are case-sensitive.
    expect(
      translate({ 'openinference.span.kind': 'llm' }).mlflow['mlflow.spanType'],
    ).toBeUndefined();
  });

  it('reads an LLM span: input/output values, token counts, model and provider', () => {
    const { mlflow, stored } = translate({
      'openinference.span.kind': 'LLM',
      'input.value': json({ messages: [{ role: 'user', content: 'q' }] }),
      'input.mime_type': 'application/json',
      'output.value': 'plain answer',
      'llm.token_count.prompt': 7,
      'llm.token_count.completion': 3,
      'llm.token_count.total': 11,
      'llm.token_count.prompt_details.cache_read': 2,
      'llm.token_count.prompt_details.cache_write': 1,
      'llm.model_name': 'claude-3-haiku-20240307',
      'llm.provider': 'anthropic',
    });
    expect(mlflow['mlflow.spanType']).toBe('LLM');
    expect(mlflow['mlflow.spanInputs']).toEqual({ messages: [{ role: 'user', content: 'q' }] });
    expect(mlflow['mlflow.spanOutputs']).toBe('plain answer');
    // The total given is kept even where it is not input + output.
    expect(stored['mlflow.chat.tokenUsage']).toBe(
      '{"input_tokens": 7, "output_tokens": 3, "total_tokens": 11, "cache_read_input_tokens": 2, "cache_creation_input_tokens": 1}',
    );
    expect(mlflow['mlflow.llm.model']).toBe('claude-3-haiku-20240307');
    expect(mlflow['mlflow.llm.provider']).toBe('anthropic');
    // claude-3-haiku: $0.25 / $1.25 per million, cache reads $0.03, cache writes $0.30.
    expect(stored['mlflow.llm.cost']).toBe(
      '{"input_cost": 1.3600000000000001e-06, "output_cost": 3.7500000000000005e-06, "total_cost": 5.11e-06}',
    );
  });

  it('prefers the response model name, then the legacy name, then the request alias', () => {
    const all = translate({
      'llm.request.model_name': 'req',
      'llm.model_name': 'legacy',
      'llm.response.model_name': 'resp',
    });
    expect(all.mlflow['mlflow.llm.model']).toBe('resp');
    expect(
      translate({ 'llm.request.model_name': 'req', 'llm.model_name': 'legacy' }).mlflow[
        'mlflow.llm.model'
      ],
    ).toBe('legacy');
    expect(
      translate({ 'embedding.model_name': 'text-embedding-3-small' }).mlflow['mlflow.llm.model'],
    ).toBe('text-embedding-3-small');
  });

  it('skips empty values: an empty input.value gives no inputs', () => {
    const { mlflow } = translate({ 'openinference.span.kind': 'CHAIN', 'input.value': '' });
    expect(mlflow['mlflow.spanInputs']).toBeUndefined();
  });
});
