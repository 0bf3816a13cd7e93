// Traceloop / OpenLLMetry spans as MLflow's server translates them.
import { describe, expect, it } from 'vitest';
import { json, translate } from './span.js';

describe('Traceloop / OpenLLMetry', () => {
  it('maps traceloop.span.kind and reads the entity input and output', () => {
    const { mlflow } = translate({
      'traceloop.span.kind': 'workflow',
      'traceloop.entity.input': json({ inputs: { q: 'x' } }),
      'traceloop.entity.output': json({ outputs: 'done' }),
    });
    expect(mlflow['mlflow.spanType']).toBe('WORKFLOW');
    expect(mlflow['mlflow.spanInputs']).toEqual({ inputs: { q: 'x' } });
    expect(mlflow['mlflow.spanOutputs']).toEqual({ outputs: 'done' });
    for (const [kind, type] of [
      ['task', 'TASK'],
      ['agent', 'AGENT'],
      ['tool', 'TOOL'],
      ['unknown', 'UNKNOWN'],
    ]) {
      expect(translate({ 'traceloop.span.kind': kind }).mlflow['mlflow.spanType']).toBe(type);
    }
  });

  it('reads an LLM call from flattened prompts and completions, with its token counts', () => {
    const { mlflow } = translate({
      'llm.request.type': 'chat',
      'gen_ai.system': 'OpenAI',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.prompt.0.role': 'user',
      'gen_ai.prompt.0.content': 'hello',
      'gen_ai.completion.0.role': 'assistant',
      'gen_ai.completion.0.content': 'hey',
      'gen_ai.usage.prompt_tokens': 12,
      'gen_ai.usage.completion_tokens': 4,
      'llm.usage.total_tokens': 16,
    });
    // No traceloop kind: a span naming a requested model is an LLM span (MLflow's LiveKit rule).
    expect(mlflow['mlflow.spanType']).toBe('LLM');
    expect(mlflow['mlflow.spanInputs']).toBe('hello');
    expect(mlflow['mlflow.spanOutputs']).toBe('hey');
    expect(mlflow['mlflow.chat.tokenUsage']).toEqual({
      input_tokens: 12,
      output_tokens: 4,
      total_tokens: 16,
    });
    expect(mlflow['mlflow.llm.provider']).toBe('OpenAI');
    expect(mlflow['mlflow.llm.model']).toBe('gpt-4o');
  });

  it('takes tool call arguments as inputs when there is no prompt', () => {
    const { mlflow } = translate({
      'gen_ai.completion.0.tool_calls.0.arguments': json({ city: 'Oslo' }),
    });
    expect(mlflow['mlflow.spanInputs']).toEqual({ city: 'Oslo' });
  });

  it('keeps a lone total token count', () => {
    expect(translate({ 'llm.usage.total_tokens': 5 }).mlflow['mlflow.chat.tokenUsage']).toEqual({
      total_tokens: 5,
    });
  });
});
