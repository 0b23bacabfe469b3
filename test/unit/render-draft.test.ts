import { describe, expect, it } from 'vitest';
import { Chalk } from 'chalk';
import {
  renderDraftText,
  renderFindings,
  renderPosition,
  renderRecipientCard,
  wrapText,
  renderScreen,
} from '../../src/ui/review/screen.js';
import { renderDryRun } from '../../src/ui/dry-run.js';

const plain = new Chalk({ level: 0 });

describe('wrapText', () => {
  it.each([
    ['short line', 20, ['short line']],
    ['one two three four five', 10, ['one two', 'three four', 'five']],
    ['keeps\nbreaks', 40, ['keeps', 'breaks']],
    ['para\n\nnext', 40, ['para', '', 'next']],
    ['x'.repeat(25), 10, ['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]],
  ])('%j at %i columns', (text, width, lines) => {
    expect(wrapText(text, width)).toEqual(lines);
  });

  it('never produces a line wider than the width', () => {
    const text = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore.';
    for (const w of [10, 17, 33, 80]) for (const line of wrapText(text, w)) expect(line.length).toBeLessThanOrEqual(w);
  });
});

describe('renderRecipientCard', () => {
  const rec = { notes: 'met at PyCon', Email: 'ana@x.org', Company: 'Acme', first_name: 'Ana', 'Phone (home)': '', salary: '100k' };

  it('puts name and company first, hides empty cells, and marks private columns', () => {
    const lines = renderRecipientCard(rec, (h) => h === 'salary', 80, plain).split('\n');
    expect(lines[0]).toMatch(/first_name\s+Ana$/);
    expect(lines[1]).toMatch(/Company\s+Acme$/);
    expect(lines.some((l) => l.includes('Phone'))).toBe(false);
    expect(lines.find((l) => l.includes('salary'))).toMatch(/100k \(private, never sent\)/);
    expect(lines.find((l) => l.includes('notes'))).not.toMatch(/private/);
  });

  it('shows every column in full view', () => {
    expect(renderRecipientCard(rec, () => false, 80, plain, { all: true })).toContain('Phone (home)');
  });

  it('strips escapes and newlines from headers and values', () => {
    const out = renderRecipientCard({ 'na\u001b[31mme': 'Bob\u001b]52;c;aGk=\u0007\nEvil' }, () => false, 80, plain);
    expect(out).not.toMatch(/[\u001b\u0007]/);
    expect(out.split('\n')).toHaveLength(1);
    expect(out).toContain('Bob Evil');
  });
});

describe('renderDraftText', () => {
  it('shows the subject then the wrapped body, escapes removed', () => {
    const out = renderDraftText({ subject: 'Hi\u001b[2J', body: 'word '.repeat(30).trim() }, 40, plain);
    const lines = out.split('\n');
    expect(lines[0]).toBe('Subject: Hi');
    expect(lines[1]).toBe('');
    expect(lines.slice(2).every((l) => l.length <= 40)).toBe(true);
    expect(lines.length).toBeGreaterThan(4);
  });

  it('has no subject line for a channel without subjects', () => {
    expect(renderDraftText({ body: 'hello' }, 40, plain)).toBe('hello');
  });
});

describe('renderFindings and renderPosition', () => {
  it('lists errors before warnings', () => {
    const out = renderFindings(
      [
        { level: 'warning', code: 'long', message: 'too long' },
        { level: 'error', code: 'placeholder', message: 'unfilled {{first_name}}' },
      ],
      plain,
    ).split('\n');
    expect(out[0]).toMatch(/error.*placeholder/);
    expect(out[1]).toMatch(/warning.*too long/);
  });

  it('says when there is nothing to report', () => {
    expect(renderFindings([], plain)).toMatch(/no findings/);
  });

  it('shows position and counts', () => {
    const line = renderPosition({ index: 12, total: 240 }, { approved: 5, skipped: 4, left: 231 }, 17, plain);
    expect(line).toBe('Draft 12 of 240  (row 17)  approved 5 · skipped 4 · left 231');
  });
});

describe('renderScreen', () => {
  const screen = (more: object) =>
    renderScreen({
      row: 3, position: { index: 1, total: 2 }, counts: { approved: 0, skipped: 0, left: 2 }, recipient: { first_name: 'Priya' }, isPrivate: () => false,
      draft: { subject: 'Hi', body: 'Hello Priya' }, findings: [], version: 1, status: 'drafted', width: 80, chalk: plain, ...more,
    });

  it('says which of the profile\'s rules applied (stripped of escapes), and nothing when none did', () => {
    expect(screen({ rules: ['churned', 'negative-\u001b[31mreply'] })).toContain('rules: churned, negative-reply\n');
    expect(screen({})).not.toContain('rules:');
  });

  it('shows the sentiment the rules read, per source, with the confidence (stripped of escapes)', () => {
    const out = screen({ rules: ['negative-reply'], sentiment: { reply: { label: 'negative', confidence: 0.912 }, 'no\u001b[2Jtes': { label: 'mixed' } } });
    expect(out).toContain('rules: negative-reply\nsentiment: reply negative (0.91), notes mixed\n');
    expect(screen({})).not.toContain('sentiment:');
  });
});

describe('renderDryRun with rules', () => {
  it('names the row\'s rules in text (stripped) and carries them in JSONL', () => {
    const entry = { row: 2, messages: [{ role: 'user' as const, content: 'Hi' }], schema: {}, options: {}, rules: ['churned', 'de\u001b[2J'] };
    expect(renderDryRun(entry, 'text').split('\n').slice(0, 2)).toEqual(['===== row 2 =====', '(rules: churned, de)']);
    expect(JSON.parse(renderDryRun(entry, 'jsonl'))).toMatchObject({ rules: ['churned', 'de\u001b[2J'] });
  });
});
