// VoltAgent spans as MLflow's server translates them.
import { describe, expect, it } from 'vitest';
import { json, translate } from './span.js';

const messages = [{ role: 'user', content: 'hi' }];

describe('VoltAgent', () => {
  it('types a child span by span.type before the entity.type it inherits', () => {
    const child = translate({ 'entity.type': 'agent', 'span.type': 'llm' });
    expect(child.mlflow['mlflow.spanType']).toBe('LLM');
    expect(translate({ 'entity.type': 'agent' }).mlflow['mlflow.spanType']).toBe('AGENT');
    expect(translate({ 'span.type': 'memory' }).mlflow['mlflow.spanType']).toBe('MEMORY');
  });

  it('reads agent and llm messages, plain input/output and its token keys', () => {
    const agent = translate({
      'entity.type': 'agent',
      'voltagent.operation_id': 'op-1',
      'agent.messages': json(messages),
      output: 'done',
    });
    expect(agent.mlflow['mlflow.spanInputs']).toEqual(messages);
    expect(agent.mlflow['mlflow.spanOutputs']).toBe('done');
    expect(agent.mlflow['mlflow.message.format']).toBe('voltagent');

    const llm = translate({
      'span.type': 'llm',
      'llm.messages': json(messages),
      'usage.prompt_tokens': 5,
      'llm.usage.completion_tokens': 6,
    });
    expect(llm.mlflow['mlflow.spanInputs']).toEqual(messages);
    expect(llm.mlflow['mlflow.chat.tokenUsage']).toEqual({
      input_tokens: 5,
      output_tokens: 6,
      total_tokens: 11,
    });
  });

  it('loses its token counts to Traceloop’s llm.usage.total_tokens, as in MLflow', () => {
    const { mlflow } = translate({
      'span.type': 'llm',
      'usage.prompt_tokens': 5,
      'llm.usage.completion_tokens': 6,
      'llm.usage.total_tokens': 13,
    });
    expect(mlflow['mlflow.chat.tokenUsage']).toEqual({ total_tokens: 13 });
  });
});
