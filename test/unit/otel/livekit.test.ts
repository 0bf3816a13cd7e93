// LiveKit Agents spans as MLflow's server translates them.
import { describe, expect, it } from 'vitest';
import { json, translate } from './span.js';

describe('LiveKit Agents', () => {
  it('types spans from their lk.* attributes', () => {
    expect(
      translate({ 'lk.agent_name': 'a', 'lk.user_input': 'hi' }).mlflow['mlflow.spanType'],
    ).toBe('AGENT');
    expect(translate({ 'lk.function_tool.name': 'lookup' }).mlflow['mlflow.spanType']).toBe('TOOL');
    expect(translate({ 'lk.retry_count': 0 }).mlflow['mlflow.spanType']).toBe('LLM');
    expect(translate({ 'lk.tts.label': 'x' }).mlflow['mlflow.spanType']).toBe('UNKNOWN');
    // The first telling attribute, in the span's order, decides.
    expect(translate({ 'lk.tts.label': 'x', 'lk.agent_name': 'a' }).mlflow['mlflow.spanType']).toBe(
      'UNKNOWN',
    );
  });

  it('types any span naming a requested model as LLM, and operation names in any case', () => {
    expect(translate({ 'gen_ai.request.model': 'gpt-4o-mini' }).mlflow['mlflow.spanType']).toBe(
      'LLM',
    );
    expect(translate({ 'gen_ai.operation.name': 'Chat' }).mlflow['mlflow.spanType']).toBe(
      'CHAT_MODEL',
    );
  });

  it('reads lk.* inputs and outputs and renders in the LiveKit chat view', () => {
    const { mlflow } = translate({
      'lk.agent_name': 'assistant',
      'lk.chat_ctx': json({ items: [] }),
      'lk.response.text': 'hello there',
    });
    expect(mlflow['mlflow.spanInputs']).toEqual({ items: [] });
    expect(mlflow['mlflow.spanOutputs']).toBe('hello there');
    expect(mlflow['mlflow.message.format']).toBe('livekit');
  });
});
