// The ungrounded-detail lint (core/lint/grounded*.ts): a labelled table measured for precision and
// recall, then the rules one by one.
import { describe, expect, it } from 'vitest';
import { groundingFindings, ungroundedDetails } from '../../src/core/lint/grounded.js';
import { lintDraft } from '../../src/core/lint/lint-draft.js';
import { CASES, PROFILE, RECIPIENTS } from '../fixtures/grounded-cases.js';

const fold = (s: string) => s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/\s+/g, ' ').trim();
/** A flagged detail is a labelled one if either contains the other ("Brightwave's Series B" / "Series B"). */
const same = (flagged: string, label: string) => fold(flagged).includes(fold(label)) || fold(label).includes(fold(flagged));

function flagged(c: (typeof CASES)[number]): string[] {
  const input = { subject: c.subject, body: c.body, recipient: RECIPIENTS[c.recipient], memory: { history: c.history ?? [] }, grounding: c.grounding };
  // As lintDraft passes it: the recipient's language column, else the profile's.
  const language = (RECIPIENTS[c.recipient] as Record<string, string>).Language ?? PROFILE.language;
  return ungroundedDetails(input, PROFILE, language);
}

describe('ungrounded-detail: labelled drafts', () => {
  it('has at least 30 drafts in English, German, French and Spanish, with details labelled both ways', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
    for (const lang of ['en', 'de', 'fr', 'es']) expect(CASES.filter((c) => c.name.startsWith(`${lang} `)).length, lang).toBeGreaterThanOrEqual(6);
    expect(CASES.filter((c) => c.ungrounded.length === 0).length).toBeGreaterThanOrEqual(6);
  });

  it('finds invented details with precision and recall of at least 0.8 over the whole table', () => {
    let flags = 0;
    let right = 0;
    let found = 0;
    const wrong: string[] = [];
    const missed: string[] = [];
    for (const c of CASES) {
      const got = flagged(c);
      flags += got.length;
      for (const g of got) {
        if (c.ungrounded.some((u) => same(g, u))) right++;
        else wrong.push(`${c.name}: ${g}`);
      }
      for (const u of c.ungrounded) {
        if (got.some((g) => same(g, u))) found++;
        else missed.push(`${c.name}: ${u}`);
      }
    }
    const labelled = CASES.reduce((n, c) => n + c.ungrounded.length + c.grounded.length, 0);
    const ungrounded = CASES.reduce((n, c) => n + c.ungrounded.length, 0);
    const precision = right / flags;
    const recall = found / ungrounded;
    console.log(
      `ungrounded-detail over ${CASES.length} drafts, ${labelled} labelled details (${ungrounded} ungrounded): ` +
        `precision ${precision.toFixed(2)} (${right}/${flags}), recall ${recall.toFixed(2)} (${found}/${ungrounded})` +
        `\n  false alarms: ${wrong.join('; ') || 'none'}\n  missed: ${missed.join('; ') || 'none'}`,
    );
    expect(precision).toBeGreaterThanOrEqual(0.8);
    expect(recall).toBeGreaterThanOrEqual(0.8);
  });

  it('flags nothing in nine of ten drafts whose details are all grounded', () => {
    const clean = CASES.filter((x) => x.ungrounded.length === 0);
    const noisy = clean.filter((c) => flagged(c).length > 0).map((c) => `${c.name}: ${flagged(c).join(', ')}`);
    expect(noisy.length, noisy.join('\n')).toBeLessThanOrEqual(clean.length / 10);
  });
});

describe('ungrounded-detail: the rules', () => {
  const profile = { goal: 'Invite them to our meetup on Tuesday, 5 June 2025. Budget: twenty seats, 2 million readers.', sender: { name: 'Sam Keller', company: 'Fieldnote' }, sign_off: 'Best,\nSam' };
  const recipient = { 'First Name': 'Ana', Company: 'Acme Analytics', Notes: 'Team of 1,000; grew 40 percent', Secret: 'Series B in May' };
  const details = (body: string, extra: Record<string, unknown> = {}, p: object = profile) =>
    ungroundedDetails({ subject: '', body: `Hi Ana,\n\n${body}\n\nBest,\nSam`, recipient, ...extra }, p);

  it.each([
    ['numbers compare by value, whatever their form', 'Your team of 1000 grew 40% and reaches 2M readers with 20 seats.', []],
    ['a numeric date matches the goal\'s date in words', 'See you on 05.06.2025.', []],
    ['a weekday compares across languages', 'Wir sehen uns am Dienstag oder am Mittwoch.', ['Mittwoch']],
    ['an invented amount, date and listing', 'Congrats on the $5M round and the Nasdaq listing on March 3rd.', ['$5M', 'Nasdaq', 'March 3rd']],
    ['a round letter counts ("Series B" known, "Series C" not)', 'Congrats on the Series B. Is a Series C next?', ['Series C']],
    ['a sentence-initial word is not a name, a shaped one is', 'Congrats on the launch. HubSpot said so too.', ['HubSpot']],
    ['a Title Case line is read for shaped words only', 'Big News From The Acme Analytics Team And IBM\nThanks.', ['IBM']],
    ['German nouns are not names; a title, a legal form or a shaped word make one', 'Ich würde gern mit Herrn Müller von der Nordwind Logistik GmbH sprechen, die SAP nutzt. In den nächsten Wochen Zeit?', ['Müller', 'Nordwind Logistik GmbH', 'SAP']],
  ])('%s', (_name, body, expected) => {
    expect(details(body)).toEqual(expected);
  });

  it('a private column grounds nothing; the same column sent does', () => {
    expect(details('Congrats on the Series B in May.', {}, { ...profile, fields: { private: ['Secret'] } })).toEqual(['Series B', 'May']);
    expect(details('Congrats on the Series B in May.', {}, profile)).toEqual([]);
    expect(details('Congrats on the Series B in May.', {}, { ...profile, fields: { private: [], use: ['Company'] } })).toEqual(['Series B', 'May']);
  });

  it('history and further texts ground details', () => {
    const history = [{ at: '2026-01-01T00:00:00Z', state: 'received' as const, subject: 'Re: hi', text: 'We just hired Maria Lopez.' }];
    expect(details('Glad Maria Lopez joined, and the Northwind case may help.')).toEqual(['Maria Lopez', 'Northwind']);
    expect(details('Glad Maria Lopez joined, and the Northwind case may help.', { memory: { history }, grounding: ['Northwind case study'] })).toEqual([]);
  });

  it('one warning per draft naming at most five details', () => {
    const body = 'Hi Ana,\n\nCongrats to Lena, Marc, Ines, Paul, Jorge and Eva on the 7 awards.\n\nBest,\nSam';
    const found = groundingFindings({ subject: '', body, recipient }, profile);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ level: 'warning', code: 'ungrounded-detail' });
    expect(found[0]!.message).toContain('"Lena", "Marc", "Ines", "Paul", "Jorge" and 2 more');
  });

  it('lintDraft runs the check and takes further texts as grounding', () => {
    const input = { subject: 'The Northwind case', body: 'Hi Ana,\n\nThe Northwind case shows how a team of 1,000 plans studies.\n\nBest,\nSam', recipient };
    expect(lintDraft(input, profile).map((f) => f.code)).toEqual(['ungrounded-detail']);
    expect(lintDraft({ ...input, grounding: ['Case study: Northwind'] }, profile)).toEqual([]);
  });
});
