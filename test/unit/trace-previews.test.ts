// A trace's request and response previews from its root span, as MLflow's server writes them.
import { describe, expect, it } from 'vitest';
import { PREVIEW_FAILED, tracePreview } from '../../src/store/trace-previews.js';

const json = (value: unknown) => JSON.stringify(value);

describe('trace previews', () => {
  it('shows the last user message of chat inputs and the assistant message of a choice', () => {
    const inputs = json({
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'first question' },
        { role: 'assistant', content: 'an answer' },
        { role: 'user', content: [{ type: 'image_url' }, { type: 'text', text: 'last question' }] },
      ],
    });
    expect(tracePreview(inputs, 'user')).toBe('last question');
    const outputs = json({ choices: [{ message: { role: 'assistant', content: 'hello' } }] });
    expect(tracePreview(outputs, 'assistant')).toBe('hello');
  });

  it('reads Responses API input and output, and a ResponsesAgent request', () => {
    const request = json({ request: { input: [{ role: 'user', content: 'from request' }] } });
    expect(tracePreview(request, 'user')).toBe('from request');
    const output = json({
      output: [
        { type: 'reasoning', summary: [] },
        { role: 'assistant', content: [{ type: 'output_text', text: 'answer' }] },
      ],
    });
    expect(tracePreview(output, 'assistant')).toBe('answer');
  });

  it('takes the last message when none has the role', () => {
    const inputs = json({ messages: [{ role: 'system', content: 'only system' }] });
    expect(tracePreview(inputs, 'user')).toBe('only system');
  });

  it('keeps the JSON text where there is no message text to show', () => {
    for (const text of [
      json({ question: 'hi' }),
      json([{ role: 'user', content: 'a list is not a chat payload' }]),
      json({ messages: [] }),
      json({ messages: [{ role: 'user', content: [{ type: 'image_url' }] }] }),
      '"plain"',
      'not json at all',
    ]) {
      expect(tracePreview(text, 'user')).toBe(text);
    }
  });

  it('cuts at 1,000 characters (code points) with an ellipsis', () => {
    expect(tracePreview('x'.repeat(1000), 'user')).toBe('x'.repeat(1000));
    expect(tracePreview('x'.repeat(1001), 'user')).toBe(`${'x'.repeat(997)}...`);
    // 1,000 emoji are 2,000 UTF-16 units but 1,000 characters: kept whole.
    expect(tracePreview('😀'.repeat(1000), 'user')).toBe('😀'.repeat(1000));
    expect(tracePreview('😀'.repeat(1001), 'user')).toBe(`${'😀'.repeat(997)}...`);
  });

  it('fails where MLflow fails: a message text that is not a string', () => {
    const inputs = json({ messages: [{ role: 'user', content: [{ type: 'text', text: 5 }] }] });
    expect(tracePreview(inputs, 'user')).toBe(PREVIEW_FAILED);
  });
});
