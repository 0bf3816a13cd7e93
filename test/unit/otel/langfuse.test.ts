// Langfuse observations as MLflow's server translates them.
import { describe, expect, it } from 'vitest';
import { json, translate } from './span.js';

describe('Langfuse', () => {
  it('maps langfuse.observation.type and reads the observation input and output', () => {
    const { mlflow } = translate({
      'langfuse.observation.type': 'agent',
      'langfuse.observation.input': json({ q: 'x' }),
      'langfuse.observation.output': 'answer',
    });
    expect(mlflow['mlflow.spanType']).toBe('AGENT');
    expect(mlflow['mlflow.spanInputs']).toEqual({ q: 'x' });
    expect(mlflow['mlflow.spanOutputs']).toBe('answer');
    for (const [kind, type] of [
      ['generation', 'LLM'],
      ['retriever', 'RETRIEVER'],
      ['guardrail', 'GUARDRAIL'],
      ['span', 'UNKNOWN'],
    ]) {
      expect(translate({ 'langfuse.observation.type': kind }).mlflow['mlflow.spanType']).toBe(type);
    }
  });
});
