// Gemini CLI spans as MLflow's server translates them.
import { describe, expect, it } from 'vitest';
import { json, translate } from './span.js';

const gemini = { 'gen_ai.agent.name': 'gemini-cli' };

describe('Gemini CLI', () => {
  it('maps its operation names only on spans from gemini-cli', () => {
    for (const [operation, type] of [
      ['llm_call', 'LLM'],
      ['tool_call', 'TOOL'],
      ['agent_call', 'AGENT'],
    ]) {
      expect(
        translate({ ...gemini, 'gen_ai.operation.name': operation }).mlflow['mlflow.spanType'],
      ).toBe(type);
      expect(
        translate({ 'gen_ai.operation.name': operation }).mlflow['mlflow.spanType'],
      ).toBeUndefined();
    }
    expect(
      translate({ ...gemini, 'gen_ai.operation.name': 'user_prompt' }).mlflow['mlflow.spanType'],
    ).toBeUndefined();
  });

  it('wraps messages in the Gemini SDK shapes the chat view renders', () => {
    const { mlflow } = translate({
      ...gemini,
      'gen_ai.operation.name': 'llm_call',
      'gen_ai.request.model': 'gemini-2.5-pro',
      'gen_ai.input.messages': json([{ role: 'user', parts: [{ text: 'q' }] }]),
      'gen_ai.output.messages': json([
        { role: 'model', parts: [{ text: 'a' }] },
        { role: 'model', parts: [{ text: 'b' }] },
      ]),
    });
    expect(mlflow['mlflow.spanInputs']).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'q' }] }],
    });
    // Streamed chunks become one candidate holding every part.
    expect(mlflow['mlflow.spanOutputs']).toEqual({
      candidates: [{ content: { role: 'model', parts: [{ text: 'a' }, { text: 'b' }] } }],
    });
    expect(mlflow['mlflow.message.format']).toBe('gemini');
    expect(mlflow['mlflow.llm.model']).toBe('gemini-2.5-pro');
  });

  it('wraps a plain prompt and keeps payloads already in the SDK shape', () => {
    const plain = translate({ ...gemini, 'gen_ai.input.messages': 'do stuff' });
    expect(plain.mlflow['mlflow.spanInputs']).toEqual({ contents: 'do stuff' });
    const wrapped = translate({
      ...gemini,
      'gen_ai.output.messages': json({ candidates: [] }),
    });
    expect(wrapped.mlflow['mlflow.spanOutputs']).toEqual({ candidates: [] });
  });
});
