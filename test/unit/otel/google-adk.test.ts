// Google ADK spans as MLflow's server translates them.
import { describe, expect, it } from 'vitest';
import { json, translate } from './span.js';

describe('Google ADK', () => {
  it('takes an LLM call its request and response, with GenAI kind, model and usage', () => {
    const request = { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] };
    const { mlflow } = translate({
      'gen_ai.system': 'gcp.vertex.agent',
      'gen_ai.operation.name': 'generate_content',
      'gen_ai.request.model': 'gemini-2.0-flash',
      'gcp.vertex.agent.llm_request': json(request),
      'gcp.vertex.agent.llm_response': json({ content: { parts: [{ text: 'yo' }] } }),
      'gen_ai.usage.input_tokens': 8,
      'gen_ai.usage.output_tokens': 2,
    });
    expect(mlflow['mlflow.spanType']).toBe('LLM');
    expect(mlflow['mlflow.spanInputs']).toEqual(request);
    expect(mlflow['mlflow.spanOutputs']).toEqual({ content: { parts: [{ text: 'yo' }] } });
    expect(mlflow['mlflow.llm.model']).toBe('gemini-2.0-flash');
    expect(mlflow['mlflow.chat.tokenUsage']).toEqual({
      input_tokens: 8,
      output_tokens: 2,
      total_tokens: 10,
    });
  });

  it('takes a tool call its arguments and response', () => {
    const { mlflow } = translate({
      'gen_ai.operation.name': 'execute_tool',
      'gcp.vertex.agent.tool_call_args': json({ a: 1 }),
      'gcp.vertex.agent.tool_response': json({ r: 2 }),
    });
    expect(mlflow['mlflow.spanType']).toBe('TOOL');
    expect(mlflow['mlflow.spanInputs']).toEqual({ a: 1 });
    expect(mlflow['mlflow.spanOutputs']).toEqual({ r: 2 });
  });
});
