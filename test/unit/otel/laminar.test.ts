// Laminar spans as MLflow's server translates them.
import { describe, expect, it } from 'vitest';
import { json, translate } from './span.js';

describe('Laminar', () => {
  it('maps lmnr.span.type and reads its input, output, usage, model and provider', () => {
    const messages = [{ role: 'user', content: 'hi' }];
    const { mlflow } = translate({
      'lmnr.span.type': 'LLM',
      'lmnr.span.input': json(messages),
      'lmnr.span.output': json('hello'),
      'gen_ai.system': 'anthropic',
      'gen_ai.request.model': 'claude-3-haiku-20240307',
      'gen_ai.usage.input_tokens': 40,
      'gen_ai.usage.output_tokens': 2,
    });
    expect(mlflow['mlflow.spanType']).toBe('LLM');
    expect(mlflow['mlflow.spanInputs']).toEqual(messages);
    expect(mlflow['mlflow.spanOutputs']).toBe('hello');
    expect(mlflow['mlflow.llm.provider']).toBe('anthropic');
    expect(mlflow['mlflow.message.format']).toBe('openai');
    expect(mlflow['mlflow.chat.tokenUsage']).toEqual({
      input_tokens: 40,
      output_tokens: 2,
      total_tokens: 42,
    });
    for (const [kind, type] of [
      ['DEFAULT', 'CHAIN'],
      ['EXECUTOR', 'AGENT'],
      ['HUMAN_EVALUATOR', 'EVALUATOR'],
      ['CACHED', 'LLM'],
    ]) {
      expect(translate({ 'lmnr.span.type': kind }).mlflow['mlflow.spanType']).toBe(type);
    }
  });
});
