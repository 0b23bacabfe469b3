// The answer asked of the model (src/core/drafting/draft-answer.ts): its schema per channel, and
// what a reply may look like and still give a draft (a fence, chatter) or not (a retryable error).
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../src/core/errors.js';
import { draftSchema, parseDraftOutput } from '../../src/core/drafting/draft-answer.js';

describe('draftSchema', () => {
  it('asks for subject and body on email', () => {
    const schema = draftSchema('email');
    expect(schema.required).toEqual(['subject', 'body']);
    expect(Object.keys(schema.properties as object)).toEqual(['subject', 'body']);
  });
  it.each(['linkedin', 'sms', 'note'] as const)('asks for a body only on %s', (channel) => {
    const schema = draftSchema(channel);
    expect(schema.required).toEqual(['body']);
    expect(schema.properties).not.toHaveProperty('subject');
  });
});

describe('parseDraftOutput', () => {
  it.each<[string, string, 'email' | 'sms', { subject?: string; body: string }]>([
    ['plain JSON', '{"subject":"Hi","body":"Hello Maya"}', 'email', { subject: 'Hi', body: 'Hello Maya' }],
    ['surrounding whitespace', '\n  {"subject":"Hi","body":"Hello"}  \n', 'email', { subject: 'Hi', body: 'Hello' }],
    ['a ```json fence', '```json\n{"subject":"Hi","body":"Hello"}\n```', 'email', { subject: 'Hi', body: 'Hello' }],
    ['chatter around it', 'Here is the draft:\n{"subject":"Hi","body":"Hello"}\nHope it helps', 'email', { subject: 'Hi', body: 'Hello' }],
    ['a multi-line subject', '{"subject":"Hi\\n  there","body":"Hello"}', 'email', { subject: 'Hi there', body: 'Hello' }],
    ['no subject on email (left to the lint)', '{"body":"Hello"}', 'email', { body: 'Hello' }],
    ['a subject outside email', '{"subject":"x","body":"Hey Sam"}', 'sms', { body: 'Hey Sam' }],
    ['body line breaks kept, ends trimmed', '{"body":"  Hi\\n\\nBye\\n"}', 'sms', { body: 'Hi\n\nBye' }],
  ])('%s', (_label, text, channel, expected) => {
    expect(parseDraftOutput(text, channel)).toEqual(expected);
  });

  it.each<[string, string]>([
    ['not JSON', 'Dear Maya, I hope'],
    ['truncated JSON', '{"subject":"Hi","body":"Hello'],
    ['an array', '["Hello"]'],
    ['an empty body', '{"subject":"Hi","body":"   "}'],
    ['a body of the wrong type', '{"body": 42}'],
    ['nothing', ''],
  ])('%s is a retryable EngineError', (_label, text) => {
    let caught: unknown;
    try {
      parseDraftOutput(text, 'email');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(EngineError);
    expect((caught as EngineError).retryable).toBe(true);
    expect((caught as EngineError).message).toMatch(/model's answer/);
  });
});
