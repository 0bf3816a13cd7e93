// OpenTelemetry GenAI semantic conventions (`gen_ai.*`) as MLflow's server translates them.
import { describe, expect, it } from 'vitest';
import { json, translate } from './span.js';

const messages = [
  { role: 'system', content: 'be brief' },
  { role: 'user', content: 'hi' },
];

describe('GenAI semantic conventions', () => {
  it('maps every gen_ai.operation.name MLflow knows to its span type', () => {
    const types = {
      chat: 'CHAT_MODEL',
      create_agent: 'AGENT',
      embeddings: 'EMBEDDING',
      execute_tool: 'TOOL',
      generate_content: 'LLM',
      invoke_agent: 'AGENT',
      text_completion: 'LLM',
      response: 'LLM',
    };
    for (const [operation, type] of Object.entries(types)) {
      expect(translate({ 'gen_ai.operation.name': operation }).mlflow['mlflow.spanType']).toBe(
        type,
      );
    }
    expect(
      translate({ 'gen_ai.operation.name': 'dance' }).mlflow['mlflow.spanType'],
    ).toBeUndefined();
  });

  it('reads a chat call: messages, token usage with cache reads, model, provider, tools, cost', () => {
    const { mlflow, stored } = translate({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.response.model': 'gpt-4o-mini',
      'gen_ai.provider.name': 'openai',
      'gen_ai.input.messages': json(messages),
      'gen_ai.output.messages': json([{ role: 'assistant', content: 'hello' }]),
      'gen_ai.usage.input_tokens': 1000,
      'gen_ai.usage.output_tokens': 200,
      'gen_ai.usage.cache_read.input_tokens': 100,
      'gen_ai.tool.definitions': json([{ type: 'function', name: 'lookup' }]),
    });
    expect(mlflow['mlflow.spanType']).toBe('CHAT_MODEL');
    expect(mlflow['mlflow.spanInputs']).toEqual(messages);
    expect(mlflow['mlflow.spanOutputs']).toEqual([{ role: 'assistant', content: 'hello' }]);
    // The response model is preferred over the requested one.
    expect(mlflow['mlflow.llm.model']).toBe('gpt-4o-mini');
    expect(mlflow['mlflow.llm.provider']).toBe('openai');
    expect(mlflow['mlflow.chat.tools']).toEqual([{ type: 'function', name: 'lookup' }]);
    // Written as MLflow writes it (Python's json.dumps), a total made from input + output.
    expect(stored['mlflow.chat.tokenUsage']).toBe(
      '{"input_tokens": 1000, "output_tokens": 200, "total_tokens": 1200, "cache_read_input_tokens": 100}',
    );
    // gpt-4o-mini: $0.15 / $0.60 per million tokens, cached input $0.075.
    expect(stored['mlflow.llm.cost']).toBe(
      '{"input_cost": 0.0001425, "output_cost": 0.00011999999999999999, "total_cost": 0.0002625}',
    );
  });

  it('reads cache writes under the current key, else under the previous registry name', () => {
    const current = translate({
      'gen_ai.usage.input_tokens': 10,
      'gen_ai.usage.output_tokens': 1,
      'gen_ai.usage.cache_write.input_tokens': 4,
      'gen_ai.usage.cache_creation.input_tokens': 9,
    });
    expect(current.mlflow['mlflow.chat.tokenUsage']).toEqual({
      input_tokens: 10,
      output_tokens: 1,
      total_tokens: 11,
      cache_creation_input_tokens: 4,
    });
    const legacy = translate({
      'gen_ai.usage.input_tokens': 10,
      'gen_ai.usage.cache_creation.input_tokens': 9,
    });
    expect(legacy.mlflow['mlflow.chat.tokenUsage']).toEqual({
      input_tokens: 10,
      cache_creation_input_tokens: 9,
    });
  });

  it('takes a tool call its arguments and result', () => {
    const { mlflow } = translate({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.call.arguments': json({ city: 'Paris' }),
      'gen_ai.tool.call.result': '21 degrees',
    });
    expect(mlflow['mlflow.spanType']).toBe('TOOL');
    expect(mlflow['mlflow.spanInputs']).toEqual({ city: 'Paris' });
    expect(mlflow['mlflow.spanOutputs']).toBe('21 degrees');
  });

  it('gathers messages from gen_ai.*.message and gen_ai.choice events', () => {
    const { stored } = translate({ 'gen_ai.operation.name': 'chat' }, [
      { name: 'gen_ai.system.message', attributes: { content: 'be brief' } },
      { name: 'gen_ai.user.message', attributes: { content: json({ text: 'hi' }) } },
      { name: 'gen_ai.choice', attributes: { index: 0n, content: 'hello', role: 'model' } },
      { name: 'gen_ai.choice', attributes: { content: 'bye' } },
    ]);
    expect(stored['mlflow.spanInputs']).toBe(
      '[{"role": "system", "content": "be brief"}, {"role": "user", "content": {"text": "hi"}}]',
    );
    expect(stored['mlflow.spanOutputs']).toBe(
      '[{"role": "model", "content": "hello"}, {"role": "assistant", "content": "bye"}]',
    );
  });

  it('replaces an UNKNOWN span type but keeps any other the span was sent with', () => {
    const unknown = translate({ 'mlflow.spanType': 'UNKNOWN', 'gen_ai.operation.name': 'chat' });
    expect(unknown.mlflow['mlflow.spanType']).toBe('CHAT_MODEL');
    const chain = translate({ 'mlflow.spanType': 'CHAIN', 'gen_ai.operation.name': 'chat' });
    expect(chain.mlflow['mlflow.spanType']).toBe('CHAIN');
  });

  it('leaves inputs, outputs and usage the span already has', () => {
    const { mlflow } = translate({
      'gen_ai.input.messages': json(messages),
      'gen_ai.usage.input_tokens': 5,
      'mlflow.spanInputs': json({ q: 1 }),
      'mlflow.chat.tokenUsage': json({ input_tokens: 1, output_tokens: 1, total_tokens: 2 }),
    });
    expect(mlflow['mlflow.spanInputs']).toEqual({ q: 1 });
    expect(mlflow['mlflow.chat.tokenUsage']).toEqual({
      input_tokens: 1,
      output_tokens: 1,
      total_tokens: 2,
    });
  });
});
