import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { renderDryRun } from '../../src/ui/dry-run.js';
import { renderFullView } from '../../src/ui/review/screen.js';
import { chooseExamples, describeChoice, exampleScore, sharedWords } from '../../src/core/memory/example-choice.js';
import { EXAMPLES_LABEL, exampleFields, examplesBlock, examplesIn, withExamples } from '../../src/core/drafting/examples-block.js';
import type { ExampleCandidate } from '../../src/core/memory/records.js';
import type { ChatMessage } from '../../src/core/engine.js';

const NOW = new Date('2026-11-25T12:00:00.000Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000).toISOString();

// Earlier approvals in the memory, as the store hands them over (match: bm25 made positive, per query).
const approval = (id: number, fields: Record<string, string>, o: { days: number; edited?: boolean; match: number }): ExampleCandidate => ({
  id,
  campaign: '/c/spring.drafts.jsonl',
  at: daysAgo(o.days),
  edited: o.edited ?? false,
  subject: `Subject ${id}`,
  body: `Body ${id}`,
  fields,
  match: o.match,
});
const dataEng = { role: 'Data Engineer', company: 'Ledgerly', industry: 'fintech', notes: 'likes Rust' };
const dataEngEdited = { role: 'Data Engineer', company: 'Payfin', industry: 'fintech' };
const nurse = { role: 'Nurse', company: 'St. Mary', industry: 'health care' };
const chef = { role: 'Chef', company: 'Bistro Été', city: 'Lyon' };

describe('chooseExamples: which earlier messages are picked for which recipient, and why', () => {
  it.each([
    {
      who: 'a data engineer in fintech: the edited data engineer first (x1.5), then the other one',
      terms: ['data', 'engineer', 'fintech'],
      candidates: [approval(1, dataEng, { days: 10, match: 6 }), approval(2, dataEngEdited, { days: 10, edited: true, match: 6 }), approval(3, nurse, { days: 10, match: 0.5 })],
      k: 2,
      picked: [2, 1],
      why: ['#2: shared data, engineer, fintech · edited · 10 days old (score 8.66)', '#1: shared data, engineer, fintech · 10 days old (score 5.77)'],
    },
    {
      who: 'a nurse: the close match from a year ago (weight 1/4) beats a weak one from last week',
      terms: ['nurse', 'health'],
      candidates: [approval(3, nurse, { days: 360, match: 8 }), approval(1, dataEng, { days: 7, match: 1 })],
      k: 1,
      picked: [3],
      why: ['#3: shared nurse, health · 360 days old (score 2.00)'],
    },
    {
      who: 'a chef in Lyon: the same match, the newer first (recency halves every 180 days)',
      terms: ['chef', 'ete'],
      candidates: [approval(4, chef, { days: 200, match: 4 }), approval(5, chef, { days: 20, match: 4 })],
      k: 3,
      picked: [5, 4],
      why: ['#5: shared chef, ete · 20 days old (score 3.70)', '#4: shared chef, ete · 200 days old (score 1.85)'],
    },
    {
      who: 'equal scores and times: the smaller id first, whatever the input order',
      terms: ['chef'],
      candidates: [approval(9, chef, { days: 5, match: 2 }), approval(7, chef, { days: 5, match: 2 }), approval(8, chef, { days: 5, match: 2 })],
      k: 2,
      picked: [7, 8],
      why: ['#7: shared chef · 5 days old (score 1.96)', '#8: shared chef · 5 days old (score 1.96)'],
    },
    {
      who: 'k = 0 (memory.examples: 0) picks none',
      terms: ['chef'],
      candidates: [approval(4, chef, { days: 1, match: 4 })],
      k: 0,
      picked: [],
      why: [],
    },
    {
      who: 'no candidates, no picks',
      terms: ['chef'],
      candidates: [],
      k: 3,
      picked: [],
      why: [],
    },
  ])('$who', ({ terms, candidates, k, picked, why }) => {
    const chosen = chooseExamples(candidates, { k, now: NOW, terms });
    expect(chosen.map((c) => c.id)).toEqual(picked);
    expect(chosen.map(describeChoice)).toEqual(why);
    // Deterministic: the reversed input gives the same picks.
    expect(chooseExamples([...candidates].reverse(), { k, now: NOW, terms }).map((c) => c.id)).toEqual(picked);
  });

  it('keeps the k best of thousands in score order (the same as a full sort)', () => {
    const many = Array.from({ length: 4000 }, (_, i) => approval(i + 1, dataEng, { days: (i * 37) % 700, edited: i % 3 === 0, match: ((i * 7919) % 1000) / 100 }));
    const sorted = [...many].sort((a, b) => exampleScore(b, NOW) - exampleScore(a, NOW) || (a.at < b.at ? 1 : a.at > b.at ? -1 : 0) || a.id - b.id);
    expect(chooseExamples(many, { k: 10, now: NOW }).map((c) => c.id)).toEqual(sorted.slice(0, 10).map((c) => c.id));
  });

  it('scores: edited x1.5, half the weight at 180 days, a future time counts as now, a bad time as very old', () => {
    expect(exampleScore({ match: 2, edited: false, at: daysAgo(0) }, NOW)).toBeCloseTo(2);
    expect(exampleScore({ match: 2, edited: true, at: daysAgo(0) }, NOW)).toBeCloseTo(3);
    expect(exampleScore({ match: 2, edited: false, at: daysAgo(180) }, NOW)).toBeCloseTo(1);
    expect(exampleScore({ match: 2, edited: false, at: daysAgo(-30) }, NOW)).toBeCloseTo(2);
    expect(exampleScore({ match: 2, edited: false, at: 'yesterday' }, NOW)).toBeLessThan(1e-10);
  });

  it.each([
    [['etoile', 'chef', 'paris'], { role: 'Chef', company: 'Étoile' }, ['etoile', 'chef']],
    [['münchen'], { city: 'MÜNCHEN' }, ['münchen']],
    [['rust'], { notes: 'likes Rust-lang, not Go' }, ['rust']],
    [['ust'], { notes: 'likes Rust' }, []],
  ])('shared words of %j in %j: %j', (terms, fields, shared) => expect(sharedWords(terms, fields)).toEqual(shared));
});

describe('the examples block in the prompt', () => {
  const messages: ChatMessage[] = [
    { role: 'system', content: 'You write.' },
    { role: 'user', content: 'Recipient data:\n```json\n{}\n```' },
  ];
  const chosen = [
    { id: 12, subject: 'Hello `there`', body: 'Hi Ana,\n\nBest,\nElena', fields: { first_name: 'Ana', email: 'ana@x.example', role: 'CTO', site: 'https://ana.example', linkedin: 'linkedin.com/in/ana', company: 'Acme' } },
    { id: 40, body: 'Hey Bo', fields: { role: 'Chef', notes: '' } },
  ];

  it('goes first in the user message, labelled as messages to other people, without names, addresses or links; the ids come back', () => {
    const r = withExamples(messages, chosen);
    expect(r.memoryExamples).toEqual([12, 40]);
    expect(r.messages[0]).toEqual(messages[0]);
    const user = r.messages[1]!.content;
    expect(user.startsWith(EXAMPLES_LABEL)).toBe(true);
    expect(user).toContain('OTHER people');
    expect(user).toContain('never copy their facts, names or details');
    expect(user.endsWith(messages[1]!.content)).toBe(true);
    expect(user).not.toMatch(/ana@x|https:|linkedin\.com|first_name/);
    // The backtick in the subject cannot close the fence.
    expect(user.split('```').length).toBe(5);
    expect(examplesIn(r.messages)).toEqual([
      { recipient: { role: 'CTO', company: 'Acme' }, subject: 'Hello `there`', body: 'Hi Ana,\n\nBest,\nElena' },
      { recipient: { role: 'Chef' }, body: 'Hey Bo' },
    ]);
  });

  it('without examples the messages are exactly the same, and no ids are recorded', () => {
    const r = withExamples(messages, []);
    expect(r).toEqual({ messages });
    expect(examplesBlock([])).toBeUndefined();
    expect(examplesIn(messages)).toEqual([]);
    expect(examplesIn(undefined)).toEqual([]);
  });

  it.each([
    [{ a: 'x@y.example' }, {}],
    [{ a: 'see www.acme.example' }, {}],
    [{ a: 'ftp://files.example/x' }, {}],
    [{ a: 'Dr. Smith & Co.', b: '  ' }, { a: 'Dr. Smith & Co.' }],
    [{ a: 'v1.2 release' }, { a: 'v1.2 release' }],
  ])('fields %j -> %j', (fields, shown) => expect(exampleFields(fields)).toEqual(shown));
});

describe('where a reviewer sees the examples', () => {
  const plain = new Chalk({ level: 0 });
  const base: ChatMessage[] = [
    { role: 'system', content: 'You write.' },
    { role: 'user', content: 'Recipient data' },
  ];
  const { messages, memoryExamples } = withExamples(base, [
    { id: 12, subject: 'Your \u001b[31mdata\u001b[0m team', body: 'Hi Ana', fields: { 'Job Title': 'CTO', Company: 'Acme', email: 'a@b.example' } },
    { id: 40, body: 'Hey Bo, quick one', fields: { notes: 'met in Lyon' } },
  ]);

  it("review's v view lists each example: id, role and company, subject, without terminal controls", () => {
    const view = renderFullView({ email: 'x@y.example' }, () => false, messages, 100, plain, memoryExamples);
    const lines = view.split('\n');
    const at = lines.indexOf('Examples from the memory (2 approved message(s) to other people)');
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 1]).toBe('  #12     CTO · Acme — “Your data team”');
    expect(lines[at + 2]).toBe('  #40     (no role or company) — Hey Bo, quick one');
    expect(view).not.toContain('\u001b');
    // A draft whose prompt carried none: no such section.
    expect(renderFullView({}, () => false, base, 100, plain)).not.toContain('Examples from the memory');
  });

  it('--dry-run names the ids in text and carries them in JSONL; without examples the output is as before', () => {
    const options = { temperature: 0.7 };
    const text = renderDryRun({ row: 3, messages, schema: {}, options, memoryExamples: [12, 40] }, 'text');
    expect(text.split('\n').slice(0, 2)).toEqual(['===== row 3 =====', '(examples from the memory: #12, #40)']);
    expect(JSON.parse(renderDryRun({ row: 3, messages, schema: {}, options, memoryExamples: [12, 40] }, 'jsonl'))).toMatchObject({ memoryExamples: [12, 40] });
    expect(renderDryRun({ row: 3, messages: base, schema: {}, options }, 'text')).toBe('===== row 3 =====\n--- system ---\nYou write.\n--- user ---\nRecipient data\n\n');
  });
});
