// What the translation does across conventions: MLflow's order when two conventions share a
// span, spans from MLflow's own client, the model found in inputs, and cost.
import { describe, expect, it } from 'vitest';
import { json, translate } from './span.js';

describe('span translation', () => {
  it('lets the earlier convention answer: OpenInference before GenAI', () => {
    const { mlflow } = translate({
      'gen_ai.operation.name': 'chat',
      'openinference.span.kind': 'AGENT',
      'gen_ai.input.messages': json([{ role: 'user', content: 'genai' }]),
      'input.value': 'openinference',
      'gen_ai.usage.input_tokens': 1,
      'llm.token_count.prompt': 2,
    });
    expect(mlflow['mlflow.spanType']).toBe('AGENT');
    expect(mlflow['mlflow.spanInputs']).toBe('openinference');
    expect(mlflow['mlflow.chat.tokenUsage']).toEqual({ input_tokens: 2 });
  });

  it('adds nothing to a span of MLflow’s own client without usage or model', () => {
    const attributes = {
      'mlflow.spanType': json('CHAIN'),
      'mlflow.spanInputs': json({ question: 'hi' }),
      'mlflow.spanOutputs': json('HI'),
      'mlflow.spanFunctionName': json('f'),
    };
    expect(translate(attributes).stored).toEqual(
      Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, v])),
    );
  });

  it('prices a span of MLflow’s own client that has token usage and a model', () => {
    const { stored } = translate({
      'mlflow.spanType': json('CHAT_MODEL'),
      'mlflow.llm.model': json('gpt-4o-mini'),
      'mlflow.chat.tokenUsage': json({
        input_tokens: 1000,
        output_tokens: 200,
        total_tokens: 1200,
      }),
    });
    expect(stored['mlflow.llm.cost']).toBe(
      '{"input_cost": 0.00015, "output_cost": 0.00011999999999999999, "total_cost": 0.00026999999999999995}',
    );
  });

  it('finds the model in the inputs, else the outputs, when no attribute names it', () => {
    const fromInputs = translate({
      'mlflow.spanInputs': json({ model: 'gpt-4o', messages: [] }),
      'mlflow.spanOutputs': json({ model: 'other' }),
    });
    expect(fromInputs.mlflow['mlflow.llm.model']).toBe('gpt-4o');
    const fromOutputs = translate({
      'mlflow.spanInputs': json({ x: 1 }),
      'mlflow.spanOutputs': json({ model: 'gpt-4o-mini' }),
    });
    expect(fromOutputs.mlflow['mlflow.llm.model']).toBe('gpt-4o-mini');
    // A model that is not text ends the search.
    const notText = translate({
      'mlflow.spanInputs': json({ model: 5 }),
      'mlflow.spanOutputs': json({ model: 'gpt-4o' }),
    });
    expect(notText.mlflow['mlflow.llm.model']).toBeUndefined();
  });

  it('keeps a cost the span carries, and prices nothing for unknown models or gateway URIs', () => {
    const usage = json({ input_tokens: 10, output_tokens: 10, total_tokens: 20 });
    const given = translate({
      'mlflow.llm.model': json('gpt-4o'),
      'mlflow.chat.tokenUsage': usage,
      'mlflow.llm.cost': json({ input_cost: 1, output_cost: 2, total_cost: 3 }),
    });
    expect(given.mlflow['mlflow.llm.cost']).toEqual({
      input_cost: 1,
      output_cost: 2,
      total_cost: 3,
    });
    for (const model of ['no-such-model', 'gateway:/chat', 'endpoints:/chat']) {
      const { stored } = translate({
        'mlflow.llm.model': json(model),
        'mlflow.chat.tokenUsage': usage,
      });
      expect(stored['mlflow.llm.cost']).toBeUndefined();
    }
  });

  it('prices under the span’s provider first, even a model it lists without prices', () => {
    const usage = { 'gen_ai.usage.input_tokens': 1000, 'gen_ai.usage.output_tokens': 100 };
    const anyProvider = translate({ 'gen_ai.request.model': 'gpt-4o', ...usage });
    expect(anyProvider.mlflow['mlflow.llm.cost']).toEqual({
      input_cost: 0.0025,
      output_cost: 0.001,
      total_cost: 0.0035,
    });
    // Provider names are matched in lower case.
    const azure = translate({
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.provider.name': 'Azure',
      ...usage,
    });
    expect(azure.mlflow['mlflow.llm.cost']).toEqual({
      input_cost: 0.0025,
      output_cost: 0.001,
      total_cost: 0.0035,
    });
  });

  it('does not count floats or words as tokens', () => {
    const { mlflow } = translate({
      'gen_ai.usage.input_tokens': '26',
      'gen_ai.usage.output_tokens': 1.5,
    });
    expect(mlflow['mlflow.chat.tokenUsage']).toEqual({ input_tokens: 26 });
    expect(
      translate({ 'llm.token_count.prompt': 'many' }).mlflow['mlflow.chat.tokenUsage'],
    ).toBeUndefined();
  });
});
