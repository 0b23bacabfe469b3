// The embedded engine's pure helpers: closing a cut JSON answer, bounding the schema, and the
// plain prompt for models without a chat template.
import { describe, expect, it } from 'vitest';
import { SHORT_FIELD_MAX_CHARS, boundSchema, buildPlainPrompt, closeJsonPrefix } from '../../src/engines/llama-cpp/json-answer.js';
import { draftSchema } from '../../src/core/drafting/draft-answer.js';

const emailSchema = draftSchema('email');
const bodySchema = draftSchema('linkedin');

describe('structured answers (pure)', () => {
  it.each([
    // [cut answer, expected object]
    ['{"subject": "Hi", "body": "Once upon a ti', { subject: 'Hi', body: 'Once upon a ti' }],
    ['{"subject": "Hi", "body": "line\\', { subject: 'Hi', body: 'line' }],
    ['{"subject": "Hi", "body": "x\\u00', { subject: 'Hi', body: 'x' }],
    ['{"subject": "Hi", "body": "a\\nb', { subject: 'Hi', body: 'a\nb' }],
    ['{"subject": "Hi", "body": "smile \\ud83d', { subject: 'Hi', body: 'smile ' }],
    ['{"subject": "Hi", "body": "half \uFFFD', { subject: 'Hi', body: 'half ' }],
    ['{"subject": "Hi", "body": ', { subject: 'Hi', body: '' }],
    ['{"subject": "Hi", "bo', { subject: 'Hi', body: '' }],
    ['{"subject": "Hi",\n    ', { subject: 'Hi', body: '' }],
    ['{"subject": "A long subj', { subject: 'A long subj', body: '' }],
    ['{ ', { subject: '', body: '' }],
    ['{"subject": "Hi", "body": "done"}', { subject: 'Hi', body: 'done' }],
  ])('closes %j', (cut, expected) => {
    const closed = closeJsonPrefix(cut, emailSchema);
    expect(closed).toBeDefined();
    expect(JSON.parse(closed!)).toEqual(expected);
  });

  it('gives up on what it cannot close soundly', () => {
    expect(closeJsonPrefix('', emailSchema)).toBeUndefined();
    expect(closeJsonPrefix('{"list": [1, 2', { type: 'object', properties: { list: { type: 'array' } }, required: ['list'] })).toBeUndefined();
    expect(closeJsonPrefix('{"n": 1', { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] })).toBeUndefined();
    expect(closeJsonPrefix('{"n": 12, "s": "x', { type: 'object', properties: { n: { type: 'number' }, s: { type: 'string' } }, required: ['n', 's'] })).toBe('{"n": 12, "s": "x"}');
  });

  it('bounds every string field but the last, and the last is never empty', () => {
    const b = boundSchema(emailSchema) as { properties: Record<string, { maxLength?: number; minLength?: number }> };
    expect(b.properties.subject!.maxLength).toBe(SHORT_FIELD_MAX_CHARS);
    expect(b.properties.body!.maxLength).toBeUndefined();
    // The body may not be empty: "" would be a useless draft the grammar itself allowed.
    expect(b.properties.body!.minLength).toBe(1);
    expect((boundSchema(bodySchema) as typeof b).properties.body!.minLength).toBe(1);
    expect(emailSchema).toEqual(draftSchema('email')); // not mutated
  });

  it('builds a plain prompt for models without a chat template: system, turns, answer cue', () => {
    const prompt = buildPlainPrompt([
      { role: 'system', content: 'SYSTEM' },
      { role: 'user', content: 'FIRST' },
      { role: 'assistant', content: '{"body": "x"}' },
      { role: 'user', content: 'AGAIN' },
    ]);
    expect(prompt).toBe('SYSTEM\n\n### Request\nFIRST\n\n### Answer (JSON)\n{"body": "x"}\n\n### Request\nAGAIN\n\n### Answer (JSON)\n');
  });
});
