// The profile keys `learn` writes (greeting, required_phrases): they reach the prompt as extra `do`
// lines only when set (a profile without them renders the very bytes it did before), and the lint
// warns about a draft that ignores them.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseProfile, type ToneProfile } from '../../src/core/profile.js';
import { buildMessages } from '../../src/core/drafting/prompt.js';
import { buildColumns } from '../../src/core/recipients/recipients.js';
import { lintDraft, type LintProfile } from '../../src/core/lint/lint-draft.js';
import { loadTemplates } from '../../src/io/templates.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const base = { goal: 'Invite them to the Tidewater beta', tone: ['warm'], sign_off: 'Best,\nElena', do: ['Mention one interest'], banned_phrases: ['circle back'], fields: { private: ['email'] } };

function profileOf(data: object): ToneProfile {
  const r = parseProfile(data);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.profile;
}

async function messagesOf(data: object) {
  const profile = profileOf(data);
  const { columns } = buildColumns(['first_name', 'email']);
  return buildMessages(profile, await loadTemplates(profile, root), { row: 1, line: 2, cells: ['Ana', 'a@x.org'] }, columns);
}

const sha = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');

describe('greeting and required_phrases in the prompt', () => {
  it('renders a profile without them byte for byte as before issue 12 (hashes taken from main at 95dfea1)', async () => {
    expect(sha(await messagesOf(base))).toBe('4c5bf795e86e4824a415e421954581b02076307338d41ed6d31720ca9804e25a');
    expect(sha(await messagesOf({ ...base, do: [] }))).toBe('68040ecd754d64f88b9ed4a36fbc8a3358e8853aaf35386fbab382f94660a13a');
  });

  it('adds one do line each, after the profile\'s own, and only to the system message', async () => {
    const [system, user] = await messagesOf({ ...base, do: [], greeting: 'Hello', required_phrases: ['Happy to send the slides afterwards.', 'Bring a friend'] });
    const lines = system!.content.split('\n');
    const at = lines.indexOf('Do');
    expect(lines.slice(at, at + 4)).toEqual([
      'Do',
      `- Open with the greeting "Hello" before the recipient's name (in another language, its usual equivalent).`,
      `- Include this sentence or phrase, in the request's language (written here as a JSON string): "Happy to send the slides afterwards."`,
      `- Include this sentence or phrase, in the request's language (written here as a JSON string): "Bring a friend"`,
    ]);
    expect(user!.content).not.toContain('Hello');
  });
});

describe('greeting and required_phrases in the lint', () => {
  const recipient = { first_name: 'Ana', language: 'en' };
  const profile: LintProfile = { language: 'en', greeting: 'Hello', required_phrases: ['Happy to send the slides afterwards.'] };
  const codes = (body: string, p: LintProfile = profile, r: Record<string, string> = recipient) =>
    lintDraft({ body, recipient: r }, p).map((f) => f.code).filter((c) => c === 'greeting-style' || c === 'required-phrase-missing');

  it.each<[string, string, string[]]>([
    ['opens with the greeting, has the phrase (punctuation aside)', 'Hello Ana,\n\nA seat for you on Thursday? Happy to send the slides afterwards!\n\nBest', []],
    ['greeting in another case, with a comma', 'HELLO, Ana!\n\nhappy to send the   slides afterwards.', []],
    ['another greeting', 'Hi Ana,\n\nHappy to send the slides afterwards.', ['greeting-style']],
    ['the greeting word later in the line does not count', 'Ana, hello!\n\nHappy to send the slides afterwards.', ['greeting-style']],
    ['"Hello" is not "Hellos"', 'Hellos Ana,\n\nHappy to send the slides afterwards.', ['greeting-style']],
    ['the phrase missing', 'Hello Ana,\n\nA seat for you on Thursday?', ['required-phrase-missing']],
  ])('%s', (_label, body, expected) => {
    expect(codes(body)).toEqual(expected);
  });

  it('leaves a draft in another language than the profile\'s alone, and a profile without the keys', () => {
    expect(codes('Hola Ana,\n\n¿Te guardo una plaza el jueves?', profile, { first_name: 'Ana', language: 'es' })).toEqual([]);
    expect(codes('Hi Ana,\n\nA seat?', { language: 'en' })).toEqual([]);
    const finding = lintDraft({ body: 'Hi Ana,\n\nA seat?', recipient }, profile).find((f) => f.code === 'greeting-style');
    expect(finding).toEqual({ level: 'warning', code: 'greeting-style', message: `the draft does not open with the profile's greeting "Hello"` });
  });
});
