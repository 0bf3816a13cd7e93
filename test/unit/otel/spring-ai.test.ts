// Spring AI spans (GenAI keys, prompt and completion in events) as MLflow's server translates them.
import { describe, expect, it } from 'vitest';
import { translate } from './span.js';

describe('Spring AI', () => {
  it('takes the prompt and completion events as inputs and outputs, as plain text', () => {
    const { mlflow, stored } = translate(
      {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.usage.input_tokens': 11,
        'gen_ai.usage.output_tokens': 22,
      },
      [
        { name: 'gen_ai.content.prompt', attributes: { 'gen_ai.prompt': 'Tell me a joke' } },
        { name: 'gen_ai.content.completion', attributes: { 'gen_ai.completion': 'Why did…' } },
      ],
    );
    expect(mlflow['mlflow.spanType']).toBe('CHAT_MODEL');
    // Kept as it was sent (not JSON-encoded), as MLflow keeps it.
    expect(stored['mlflow.spanInputs']).toBe('Tell me a joke');
    expect(stored['mlflow.spanOutputs']).toBe('Why did…');
    expect(mlflow['mlflow.chat.tokenUsage']).toEqual({
      input_tokens: 11,
      output_tokens: 22,
      total_tokens: 33,
    });
  });

  it('skips an empty prompt event for a later one', () => {
    const { stored } = translate({}, [
      { name: 'gen_ai.content.prompt', attributes: { 'gen_ai.prompt': '' } },
      { name: 'gen_ai.content.prompt', attributes: { 'gen_ai.prompt': 'second' } },
    ]);
    expect(stored['mlflow.spanInputs']).toBe('second');
  });
});
