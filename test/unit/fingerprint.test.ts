import { describe, expect, it } from 'vitest';
import { draftFingerprint, fingerprint, legacyDraftFingerprint, stableStringify, type DraftInputs } from '../../src/core/drafting/fingerprint.js';

const parts = {
  row: 3,
  messages: [
    { role: 'system', content: 'You write short emails.' },
    { role: 'user', content: 'Data: {"first_name":"Zoë"}' },
  ],
  schema: { type: 'object', properties: { subject: { type: 'string' }, body: { type: 'string' } } },
  model: 'llama3.2',
  engine: 'ollama',
  options: { temperature: 0.7, seed: 42 },
};

describe('stableStringify', () => {
  it.each([
    ['key order', { b: 1, a: 2 }, { a: 2, b: 1 }],
    ['nested key order', { x: { d: [1, { z: 1, y: 2 }], c: 'q' } }, { x: { c: 'q', d: [1, { y: 2, z: 1 }] } }],
    ['undefined members dropped', { a: 1, b: undefined }, { a: 1 }],
  ])('treats %s as equal', (_label, a, b) => {
    expect(stableStringify(a)).toBe(stableStringify(b));
  });

  it('is valid JSON equal to the value', () => {
    const value = { b: [1, 'two', null, true], a: { 'ü': 'ß', n: -1.5 } };
    expect(JSON.parse(stableStringify(value))).toEqual(value);
    expect(stableStringify(value).indexOf('"a"')).toBeLessThan(stableStringify(value).indexOf('"b"'));
  });

  it.each<[string, unknown, unknown]>([
    ['function and symbol members dropped', { a: 1, f: () => 1, s: Symbol('s') }, { a: 1 }],
  ])('treats %s as equal', (_label, a, b) => {
    expect(stableStringify(a)).toBe(stableStringify(b));
  });

  it('writes a value JSON has no text for (undefined at the top) as null', () => {
    expect(stableStringify(undefined)).toBe('null');
  });

  it('writes long strings (the system prompt) as JSON does, every time', () => {
    // Past the 16 strings its cache holds, so that entries are dropped and quoted again.
    const long = Array.from({ length: 20 }, (_, i) => `"quoted" \\ line\n ${i} `.repeat(80));
    for (let round = 0; round < 2; round++) {
      for (const s of long) expect(stableStringify({ content: s })).toBe(JSON.stringify({ content: s }));
    }
  });

  it('keeps array order and writes undefined in arrays as null', () => {
    expect(stableStringify([2, 1])).not.toBe(stableStringify([1, 2]));
    expect(stableStringify([undefined])).toBe('[null]');
  });
});

describe('fingerprint', () => {
  it('is a stable hex string, independent of key order', () => {
    const a = fingerprint(parts);
    const reordered = fingerprint({
      options: { seed: 42, temperature: 0.7 },
      engine: 'ollama',
      model: 'llama3.2',
      schema: { properties: { body: { type: 'string' }, subject: { type: 'string' } }, type: 'object' },
      messages: parts.messages,
      row: 3,
    });
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(reordered).toBe(a);
    expect(fingerprint(structuredClone(parts))).toBe(a);
  });

  it.each([
    ['row', { ...parts, row: 4 }],
    ['a message', { ...parts, messages: [parts.messages[0], { role: 'user', content: 'Data: {"first_name":"Zoe"}' }] }],
    ['message order', { ...parts, messages: [...parts.messages].reverse() }],
    ['schema', { ...parts, schema: { type: 'object', properties: { body: { type: 'string' } } } }],
    ['model', { ...parts, model: 'llama3.1' }],
    ['engine', { ...parts, engine: 'llama-cpp' }],
    ['temperature', { ...parts, options: { temperature: 0.8, seed: 42 } }],
    ['an added option', { ...parts, options: { ...parts.options, num_ctx: 4096 } }],
  ])('changes when %s changes', (_label, changed) => {
    expect(fingerprint(changed)).not.toBe(fingerprint(parts));
  });
});

describe('draftFingerprint', () => {
  const inputs: DraftInputs = { messages: parts.messages, schema: parts.schema, options: parts.options, engine: 'ollama', model: 'llama3.2' };
  it('hashes the draft inputs (equal copies alike), and a changed model changes it', () => {
    expect(draftFingerprint(structuredClone(inputs))).toBe(draftFingerprint(inputs));
    expect(draftFingerprint(inputs)).toMatch(/^[0-9a-f]{32}$/);
    expect(draftFingerprint({ ...inputs, model: 'llama3.1' })).not.toBe(draftFingerprint(inputs));
  });

  it('legacyDraftFingerprint folds in the row, as drafts written before recipient keys did', () => {
    expect(legacyDraftFingerprint(inputs, 3)).toBe(fingerprint(parts));
    expect(legacyDraftFingerprint(inputs, 4)).not.toBe(legacyDraftFingerprint(inputs, 3));
  });
});
