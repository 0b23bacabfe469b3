import { describe, expect, it } from 'vitest';
import type { LintFinding } from '../../src/core/lint/finding.js';
import { hasErrors, lintDraft, type LintProfile } from '../../src/core/lint/lint-draft.js';
import { findPlaceholders } from '../../src/core/lint/placeholders.js';
import { findContacts } from '../../src/core/lint/contacts.js';
import { greetedNames } from '../../src/core/lint/greeting.js';
import { CASES, PROFILES, RECIPIENTS } from '../fixtures/lint-cases.js';

const codes = (findings: LintFinding[]) => [...new Set(findings.map((f) => f.code))].sort();

describe('lintDraft: labelled drafts', () => {
  it('has at least 40 cases in at least six languages, clean and flawed', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
    expect(CASES.filter((c) => c.expect.length === 0).length).toBeGreaterThanOrEqual(10);
    const names = new Set(CASES.map((c) => c.name));
    expect(names.size).toBe(CASES.length);
    for (const lang of ['en', 'de', 'fr', 'es', 'pt', 'it']) {
      expect(CASES.some((c) => c.name.startsWith(`${lang} `)), lang).toBe(true);
    }
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const findings = lintDraft(
      { subject: c.subject, body: c.body, recipient: RECIPIENTS[c.recipient] },
      PROFILES[c.profile],
    );
    expect(codes(findings), JSON.stringify(findings, null, 1)).toEqual([...new Set(c.expect)].sort());
  });
});

describe('lintDraft: levels, order and messages', () => {
  const profile: LintProfile = { channel: 'email', length: { max_words: 10 }, sign_off: 'Best,\nSam', banned_phrases: ['Circle  Back'] };
  const recipient = { first_name: 'Ana', last_name: 'Pereira' };

  it('sorts errors before warnings and keeps messages specific', () => {
    const body = 'Hi Ana,\n\nI wanted to circle back on the idea we discussed at the conference in Lisbon last spring.\n\nThanks';
    const findings = lintDraft({ subject: 'Hello', body, recipient }, profile);
    const levels = findings.map((f) => f.level);
    expect(levels).toEqual([...levels].sort()); // 'error' < 'warning'
    expect(findings.find((f) => f.code === 'banned-phrase')?.message).toContain('Circle  Back');
    expect(findings.find((f) => f.code === 'too-long')?.level).toBe('error'); // 17 words > 1.5 x 10
    expect(findings.find((f) => f.code === 'sign-off-missing')?.level).toBe('warning');
    expect(hasErrors(findings)).toBe(true);
  });

  it('too-long is a warning up to 1.5 times the limit', () => {
    const body = 'Hi Ana, one two three four five six seven eight nine ten eleven.\n\nBest,\nSam';
    const f = lintDraft({ subject: 's', body, recipient }, profile).filter((x) => x.code === 'too-long');
    expect(f).toEqual([expect.objectContaining({ level: 'warning', message: expect.stringContaining('15 words') })]);
  });

  it('hasErrors is false for warnings only and for no findings', () => {
    expect(hasErrors([])).toBe(false);
    expect(hasErrors([{ level: 'warning', code: 'x', message: 'y' }])).toBe(false);
  });

  it('the wrong-name message names both people', () => {
    const f = lintDraft({ subject: 's', body: 'Hi Maria,\n\nGood to meet you.\n\nBest,\nSam', recipient }, profile);
    expect(f.find((x) => x.code === 'wrong-name')?.message).toMatch(/Maria.*Ana Pereira/);
  });

  it('uses canonical values over header guessing', () => {
    const body = 'Hi Ana,\n\nGood to meet you.\n\nBest,\nSam';
    const f = lintDraft({ subject: 's', body, recipient: { Contact: 'x' }, canonical: { first_name: 'Ana' } }, profile);
    expect(codes(f)).toEqual([]);
    const g = lintDraft({ subject: 's', body, recipient: { Contact: 'x' }, canonical: { first_name: 'Bea' } }, profile);
    expect(codes(g)).toEqual(['wrong-name']);
  });

  it('skips name checks when the row has no name', () => {
    const f = lintDraft({ subject: 's', body: 'Hi Maria,\n\nGood to meet you.\n\nBest,\nSam', recipient: { email: 'x@y.z' } }, profile);
    expect(codes(f)).toEqual([]);
  });

  it('an empty body is reported once, with nothing else about the body', () => {
    expect(lintDraft({ subject: 's', body: '', recipient }, profile)).toEqual([
      { level: 'error', code: 'empty-body', message: expect.any(String) },
    ]);
  });

  it('needs no subject outside the email channel, nor without a channel', () => {
    const body = 'Hi Ana, good to meet you.';
    expect(codes(lintDraft({ body, recipient }, { channel: 'linkedin' }))).toEqual([]);
    expect(codes(lintDraft({ body, recipient }, {}))).toEqual([]);
    expect(codes(lintDraft({ body, recipient }, { channel: 'email' }))).toEqual(['missing-subject']);
  });

  it('a sign-off with {{sender.name}} is filled from the profile', () => {
    const p: LintProfile = { sign_off: 'Cheers,\n{{ sender.name }}', sender: { name: 'Sam' } };
    expect(codes(lintDraft({ body: 'Hi Ana, see you.\n\nCheers,\nSam', recipient }, p))).toEqual([]);
    expect(codes(lintDraft({ body: 'Hi Ana, see you.\n\nCheers,\nAlex', recipient }, p))).toEqual(['sign-off-missing']);
  });

  it('a one-word sign-off inside a sentence is not a second sign-off', () => {
    const p: LintProfile = { sign_off: 'Best' };
    const body = 'Hi Ana, the best part of your talk was the demo.\n\nBest';
    expect(codes(lintDraft({ body, recipient }, p))).toEqual([]);
  });

  it('tolerates records from elsewhere: missing fields, non-string values', () => {
    const bad = { body: undefined, recipient: undefined } as unknown as Parameters<typeof lintDraft>[0];
    expect(codes(lintDraft(bad, { channel: 'email' }))).toEqual(['empty-body', 'missing-subject']);
    const odd = { body: 'Hi Ana, call me on 0301234567.', recipient: { first_name: 'Ana', phone: 301234567 } } as unknown as Parameters<typeof lintDraft>[0];
    expect(codes(lintDraft(odd, { language: 42, banned_phrases: 'x' } as unknown as LintProfile))).toEqual([]);
  });

  it('flags terminal control characters from the model, but not tabs or CRLF line ends', () => {
    const hostile = lintDraft({ subject: 'Hi\u001b]0;title\u0007', body: 'Hi Ana,\u001b[2J see you.\r\n\r\nBest,\nSam', recipient }, profile);
    expect(hostile.find((f) => f.code === 'control-chars')).toMatchObject({ level: 'error', message: expect.stringMatching(/^3 terminal control/) });
    const plain = lintDraft({ subject: 'Hi', body: 'Hi Ana,\tsee you at the meetup.\r\n\r\nBest,\r\nSam', recipient }, profile);
    expect(codes(plain)).not.toContain('control-chars');
  });

  it('flags a bidirectional override, which shows the text in another order than it is sent', () => {
    const found = lintDraft({ subject: 'Your invoice', body: 'Hi Ana,\nopen invoice\u202Efdp.exe today.\n\nBest,\nSam', recipient }, profile);
    expect(found.find((f) => f.code === 'control-chars')).toMatchObject({ level: 'error', message: expect.stringMatching(/^1 terminal control/) });
  });

  it('emoji and very long bodies do not break it', () => {
    const body = `Hi Ana 👋,\n\n${'Great to meet you at the meetup 🎉 and thanks for the tips. '.repeat(400)}\n\nBest,\nSam`;
    const f = lintDraft({ subject: 'Hi 😀', body, recipient }, { ...profile, length: { max_words: 5000 } });
    expect(codes(f)).toEqual([]);
    const g = lintDraft({ subject: 's', body: '🙂🙂🙂', recipient }, profile);
    expect(codes(g)).toEqual(['name-missing', 'sign-off-missing']);
  });

  it('a banned phrase does not match inside a longer word', () => {
    const p: LintProfile = { banned_phrases: ['AI'] };
    expect(codes(lintDraft({ body: 'Hi Ana, as I said, the demo was good.', recipient }, p))).toEqual([]);
    expect(codes(lintDraft({ body: 'Hi Ana, our ai does the work.', recipient }, p))).toEqual(['banned-phrase']);
  });

  it('a recipient language it cannot detect is not checked', () => {
    const body = 'Hej Ana, tack för ditt föredrag om användarintervjuer, det var verkligen intressant att lyssna på.';
    expect(codes(lintDraft({ body, recipient: { ...recipient, language: 'Suomi' } }, {}))).toEqual([]);
    expect(codes(lintDraft({ body, recipient: { ...recipient, language: 'German' } }, {}))).toEqual(['wrong-language']);
  });

  it('a draft in another script than the recipient\'s language is flagged', () => {
    const body = 'Ana, спасибо за ваш доклад на прошлой неделе. Мне было бы интересно узнать больше о вашей команде.';
    const f = lintDraft({ body, recipient: { ...recipient, language: 'de' } }, {});
    expect(codes(f)).toEqual(['wrong-language']);
  });

  it('a short message is not judged for language', () => {
    const body = 'Hi Ana, see you tomorrow at the meetup!';
    expect(codes(lintDraft({ body, recipient: { ...recipient, language: 'de' } }, {}))).toEqual([]);
  });
});

describe('findPlaceholders', () => {
  it.each([
    ['Hi {{first_name}}!', ['{{first_name}}']],
    ['Hi {{ first name }} and {{x}}', ['{{ first name }}', '{{x}}']],
    ['at {company} we', ['{company}']],
    ['Dear [Name], about [Company Name]', ['[Name]', '[Company Name]']],
    ['Regards, [your name]', ['[your name]']],
    ['Hello [FIRST_NAME]', ['[FIRST_NAME]']],
    ['Hi <Company> team', ['<Company>']],
    ['Olá [Nome]', ['[Nome]']],
    ['Hi %NAME%', ['%NAME%']],
    ['as noted (see below) <3 and [sic] and [1]', []],
    ['mail me <sam@fieldnote.io> or see <https://x.io>', []],
    ['prices fell 50% to 20% of the old ones', []],
    ['[Update] the plan', []],
    ['see [the docs](https://x.io)', []],
  ])('%s', (text, expected) => {
    expect(findPlaceholders(text)).toEqual(expected);
  });

  it('a bracketed word matching one of the row\'s columns counts', () => {
    expect(findPlaceholders('about [Segment]', new Set(['segment']))).toEqual(['[Segment]']);
    expect(findPlaceholders('about [Segment]')).toEqual([]);
  });
});

describe('greetedNames', () => {
  it.each([
    ['Hi Ana,', ['Ana']],
    ['Dear Dr. Pereira,', ['Pereira']],
    ['Sehr geehrte Frau Dr. Müller,', ['Müller']],
    ['Olá, Ana Luísa!', ['Ana', 'Luísa']],
    ['Estimada Sra. García:', ['García']],
    ['Bonjour M. Dubois,', ['Dubois']],
    ['Hi team,', []],
    ['Hallo zusammen,', []],
    ['Sehr geehrte Damen und Herren,', []],
    ['Hello there!', []],
    ["Hi, I'm Sam from Fieldnote.", []],
    ['Hi, Quick question about your talk', []],
    ['Thanks for the talk, Ana.', []],
  ])('%s', (line, expected) => {
    expect(greetedNames(`${line}\n\nBody text.`)).toEqual(expected);
  });
});

describe('findContacts', () => {
  it('finds URLs, addresses and phone numbers but not dates or prices', () => {
    const text =
      'See https://cal.com/sam/20min, www.acme.io and calendly.com/ana. Mail ana@acme.io. ' +
      'Call +49 30 1234 5678 or (555) 123-4567 or 555-123-4567. On 2024-05-12 at 10:30, 1,500 EUR, 12.05.2024.';
    expect(findContacts(text).map((c) => `${c.kind}: ${c.text}`)).toEqual([
      'e-mail address: ana@acme.io',
      'URL: https://cal.com/sam/20min',
      'URL: www.acme.io',
      'URL: calendly.com/ana',
      'phone number: +49 30 1234 5678',
      'phone number: (555) 123-4567',
      'phone number: 555-123-4567',
    ]);
  });

  it('a phone number in another format than the row\'s is still known', () => {
    const recipient = { first_name: 'Ana', phone: '4930 12345678' };
    const body = 'Hi Ana, I will call you on +49 30 123 456 78 tomorrow.';
    expect(codes(lintDraft({ body, recipient }, {}))).toEqual([]);
    expect(codes(lintDraft({ body: 'Hi Ana, call me on +49 30 999 888 77.', recipient }, {}))).toEqual(['unknown-contact']);
  });
});
