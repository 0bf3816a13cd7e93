// Claude Code spans as MLflow's server translates them.
import { describe, expect, it } from 'vitest';
import { json, translate } from './span.js';

describe('Claude Code', () => {
  it('maps span.type, with or without the claude_code. prefix', () => {
    expect(translate({ 'span.type': 'claude_code.interaction' }).mlflow['mlflow.spanType']).toBe(
      'AGENT',
    );
    expect(translate({ 'span.type': 'llm_request' }).mlflow['mlflow.spanType']).toBe('LLM');
    expect(translate({ 'span.type': 'claude_code.tool' }).mlflow['mlflow.spanType']).toBe('TOOL');
    expect(
      translate({ 'span.type': 'claude_code.other' }).mlflow['mlflow.spanType'],
    ).toBeUndefined();
  });

  it('counts cached tokens into an LLM request’s input tokens', () => {
    const { mlflow } = translate({
      'span.type': 'claude_code.llm_request',
      input_tokens: 10,
      output_tokens: 20,
      cache_read_tokens: 100,
      cache_creation_tokens: 5,
      new_context: 'the context',
      'response.model_output': 'the answer',
    });
    expect(mlflow['mlflow.chat.tokenUsage']).toEqual({
      input_tokens: 115,
      output_tokens: 20,
      total_tokens: 135,
      cache_read_input_tokens: 100,
      cache_creation_input_tokens: 5,
    });
    expect(mlflow['mlflow.spanInputs']).toBe('the context');
    expect(mlflow['mlflow.spanOutputs']).toBe('the answer');
  });

  it('ignores token counts on spans that are not LLM requests', () => {
    const { mlflow } = translate({ 'span.type': 'interaction', input_tokens: 10 });
    expect(mlflow['mlflow.chat.tokenUsage']).toBeUndefined();
  });

  it('ignores redacted content and falls back to tool details and the tool.output event', () => {
    const { mlflow } = translate(
      {
        'span.type': 'claude_code.tool',
        tool_input: '<REDACTED>',
        full_command: 'ls -la',
        file_path: '<REDACTED>',
        skill_name: json({ n: 1 }),
      },
      [{ name: 'tool.output', attributes: { output: '<REDACTED>', content: json({ files: 3 }) } }],
    );
    expect(mlflow['mlflow.spanInputs']).toEqual({ full_command: 'ls -la', skill_name: { n: 1 } });
    expect(mlflow['mlflow.spanOutputs']).toEqual({ files: 3 });
  });

  it('takes an interaction’s user prompt', () => {
    const { mlflow } = translate({
      'span.type': 'claude_code.interaction',
      user_prompt: 'fix the bug',
      new_context: 'ctx',
    });
    expect(mlflow['mlflow.spanInputs']).toBe('fix the bug');
  });
});
