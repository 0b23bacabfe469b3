import { describe, expect, it } from 'vitest';
import { lintDraft } from '../../src/core/lint/lint-draft.js';
import { memoryFindings, openingSentence, similarity, normaliseForCompare, REPEAT_SIMILARITY } from '../../src/core/lint/repeats.js';
import type { HistoryItem } from '../../src/core/memory/records.js';

const sent = (subject: string, text: string, state: HistoryItem['state'] = 'sent'): HistoryItem => ({ at: '2026-10-03T09:00:00.000Z', state, subject, text });

describe('similarity of normalised texts', () => {
  const table: [string, string, boolean][] = [
    ['Quick idea for your team', 'Quick idea for your team', true],
    ['Quick idea for your team', 'quick idea for your team!', true],
    ['Quick idea for your team', 'A quick idea for your team', true],
    ['I loved your talk at PyCon about streaming parsers', 'I loved your talk at PyCon on streaming parsers', true],
    ['Café au lait meeting', 'Cafe au lait meeting', true],
    ['Quick idea for your team', 'Following up on our October call', false],
    ['I loved your talk at PyCon', 'Your team shipped a great release this week', false],
    ['Hiring at Acme', 'Pricing at Acme', false],
  ];
  it.each(table)('%j vs %j -> repeat %s', (a, b, same) => {
    expect(similarity(normaliseForCompare(a), normaliseForCompare(b)) >= REPEAT_SIMILARITY).toBe(same);
  });
  it('is 1 for the same text and 0 for nothing in common', () => {
    expect(similarity('abc', 'abc')).toBe(1);
    expect(similarity('ab', 'xy')).toBe(0);
  });
});

describe('openingSentence', () => {
  const table: [string, string | undefined][] = [
    ['Hi Ana,\nI loved your talk at PyCon. Would you share the slides?', 'i loved your talk at pycon'],
    ['Dear Dr. Weber\n\nYour paper on caching made my week! More soon.', 'your paper on caching made my week'],
    ['I loved your talk at PyCon. More below.', 'i loved your talk at pycon'],
    ['Hi Ana,\nThanks!', undefined],
    ['', undefined],
  ];
  it.each(table)('%j -> %j', (body, opening) => {
    expect(openingSentence(body)).toBe(opening);
  });
});

describe('memory findings', () => {
  const body = 'Hi Ana,\nI loved your talk at PyCon about parsers. Could we talk?\n\nBest,\nSam';
  it('warns when the subject repeats one sent before (Re: prefixes ignored)', () => {
    const f = memoryFindings('Quick idea', body, { history: [sent('Re: Quick idea', 'Hello again, something else entirely here.')] });
    expect(f).toEqual([{ level: 'warning', code: 'repeats-earlier', message: 'the subject is nearly the same as the one sent on 2026-10-03' }]);
  });
  it('warns when the opening sentence repeats one approved before', () => {
    const f = memoryFindings('New subject', body, { history: [sent('Other', 'Dear Ana,\nI loved your talk at PyCon on parsers. Other text.', 'approved')] });
    expect(f.map((x) => [x.code, x.message])).toEqual([['repeats-earlier', 'the opening sentence is nearly the same as the one approved on 2026-10-03']]);
  });
  it('ignores what the person wrote to us, and different messages', () => {
    expect(memoryFindings('Quick idea', body, { history: [sent('Quick idea', body, 'received')] })).toEqual([]);
    expect(memoryFindings('Quick idea', body, { history: [sent('Your invoice', 'Hi Ana,\nThe invoice for October is attached. Thanks.')] })).toEqual([]);
  });
  it('opted-out and undeliverable are errors naming the reason', () => {
    const f = lintDraft({ subject: 'Quick idea', body, recipient: { email: 'ana@example.org' }, memory: { history: [], suppression: { kind: 'opted-out', reason: 'history optout', at: '2026-10-03T00:00:00Z' } } }, {});
    expect(f[0]).toEqual({ level: 'error', code: 'opted-out', message: 'the recipient asked not to be contacted: history optout' });
    const g = memoryFindings('s', body, { history: [], suppression: { kind: 'undeliverable', reason: 'bounce of 2026-10-01', at: '' } });
    expect(g[0]!.message).toContain('bounced');
  });
  it('lintDraft without a memory has no memory findings', () => {
    const codes = lintDraft({ subject: 'Quick idea', body, recipient: {} }, {}).map((f) => f.code);
    expect(codes).not.toContain('repeats-earlier');
    expect(codes).not.toContain('opted-out');
  });
});
