// Vercel AI SDK spans as MLflow's server translates them.
import { describe, expect, it } from 'vitest';
import { json, translate } from './span.js';

describe('Vercel AI SDK', () => {
  it('maps ai.operationId to span types', () => {
    const types = {
      'ai.generateText': 'LLM',
      'ai.streamObject.doStream': 'LLM',
      'ai.toolCall': 'TOOL',
      'ai.embedMany': 'EMBEDDING',
    };
    for (const [operation, type] of Object.entries(types)) {
      expect(translate({ 'ai.operationId': operation }).mlflow['mlflow.spanType']).toBe(type);
    }
  });

  it('gathers a provider call’s ai.prompt.* into inputs and ai.response.* into outputs', () => {
    const { mlflow, stored } = translate({
      'ai.operationId': 'ai.generateText.doGenerate',
      'ai.prompt.format': 'messages',
      'ai.prompt.messages': json([{ role: 'user', content: [{ type: 'text', text: 'hi' }] }]),
      'ai.prompt.tools': [json({ type: 'function', name: 'weather' })],
      'ai.response.text': 'hello!',
      'ai.response.finishReason': 'stop',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.system': 'openai.chat',
      'gen_ai.usage.input_tokens': 10,
      'gen_ai.usage.output_tokens': 5,
    });
    expect(mlflow['mlflow.spanType']).toBe('LLM');
    expect(mlflow['mlflow.spanInputs']).toEqual({
      format: 'messages',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      tools: [{ type: 'function', name: 'weather' }],
    });
    expect(mlflow['mlflow.spanOutputs']).toEqual({ text: 'hello!', finishReason: 'stop' });
    // MLflow writes this one as plain text, not JSON.
    expect(stored['mlflow.message.format']).toBe('vercel_ai');
    expect(mlflow['mlflow.chat.tokenUsage']).toEqual({
      input_tokens: 10,
      output_tokens: 5,
      total_tokens: 15,
    });
    expect(mlflow['mlflow.llm.provider']).toBe('openai.chat');
  });

  it('reads prompt, tool call and embedding attributes of the other operations', () => {
    const text = translate({
      'ai.operationId': 'ai.generateText',
      'ai.prompt': json({ prompt: 'hi' }),
      'ai.response.text': 'hello!',
    });
    expect(text.mlflow['mlflow.spanInputs']).toEqual({ prompt: 'hi' });
    expect(text.mlflow['mlflow.spanOutputs']).toBe('hello!');
    expect(text.stored['mlflow.message.format']).toBeUndefined();
    const tool = translate({
      'ai.operationId': 'ai.toolCall',
      'ai.toolCall.args': json({ city: 'Rome' }),
      'ai.toolCall.result': json({ temperature: 20 }),
    });
    expect(tool.mlflow['mlflow.spanInputs']).toEqual({ city: 'Rome' });
    expect(tool.mlflow['mlflow.spanOutputs']).toEqual({ temperature: 20 });
    const embed = translate({
      'ai.operationId': 'ai.embed',
      'ai.value': 'sunny day',
      'ai.embedding': '[0.1, 0.2]',
    });
    expect(embed.mlflow['mlflow.spanInputs']).toBe('sunny day');
    expect(embed.mlflow['mlflow.spanOutputs']).toEqual([0.1, 0.2]);
  });
});
