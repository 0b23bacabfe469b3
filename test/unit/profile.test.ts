import { describe, expect, it } from 'vitest';
import { formatPath, parseProfile, PROFILE_KEYS, type ProfileIssue } from '../../src/core/profile.js';
import { levenshtein, suggest } from '../../src/core/text/suggest.js';

const base = { goal: 'Invite people to the meetup' };

function issuesOf(data: unknown): ProfileIssue[] {
  const r = parseProfile(data);
  if (r.ok) throw new Error('expected the profile to be rejected');
  return r.issues;
}

describe('parseProfile: valid profiles', () => {
  it('fills defaults for a minimal profile', () => {
    const r = parseProfile(base);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.profile.channel).toBe('email');
    expect(r.profile.tone).toEqual([]);
    expect(r.profile.fields.private).toEqual([]);
    expect(r.profile.fields.use).toBeUndefined();
    expect(r.profile.model.engine).toBe('auto');
    expect(r.profile.examples).toEqual([]);
  });

  it('accepts every key, normalises tone to a list and example fields to text', () => {
    const r = parseProfile({
      name: 'Beta',
      goal: '  Invite to the beta  ',
      channel: 'linkedin',
      tone: 'warm',
      length: { max_words: 90 },
      language: 'de',
      sign_off: 'Best,\nAna',
      sender: { name: 'Ana', role: 'Lead', company: 'Acme', email: 'ana@acme.example' },
      do: ['be brief'],
      dont: ['no prices'],
      banned_phrases: ['synergy'],
      examples: [
        { recipient: { first_name: 'Tom', age: 42, company: null }, message: 'Hi Tom' },
        { recipient: { first_name: 'Ines' }, message: { subject: 'Hello', body: 'Bonjour' } },
      ],
      fields: { private: ['phone'], use: ['first_name', 'company'] },
      model: { engine: 'ollama', name: 'qwen2.5:7b', temperature: 0.2, seed: 7, num_ctx: 4096, num_predict: 300 },
      prompts: { system: 's.mustache', user: 'u.mustache', regenerate: 'r.mustache' },
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.profile.goal).toBe('Invite to the beta');
    expect(r.profile.tone).toEqual(['warm']);
    expect(r.profile.examples[0]!.recipient).toEqual({ first_name: 'Tom', age: '42', company: '' });
    expect(r.profile.model).toMatchObject({ engine: 'ollama', seed: 7 });
  });

  it('keeps a tone list as given', () => {
    const r = parseProfile({ ...base, tone: ['warm', 'brief'] });
    expect(r.ok && r.profile.tone).toEqual(['warm', 'brief']);
  });
});

describe('parseProfile: invalid profiles', () => {
  it.each<[string, unknown, (string | number)[], RegExp]>([
    ['missing goal', { name: 'x' }, ['goal'], /required/],
    ['blank goal', { goal: '   ' }, ['goal'], /must not be empty/],
    ['goal not text', { goal: 12 }, ['goal'], /expected text, got 12/],
    ['unknown channel', { ...base, channel: 'letter' }, ['channel'], /expected one of email, linkedin, sms, note, got "letter"/],
    ['misspelt channel', { ...base, channel: 'linkdin' }, ['channel'], /did you mean `linkedin`/],
    ['tone of the wrong type', { ...base, tone: 3 }, ['tone'], /expected text or a list, got 3/],
    ['max_words as words', { ...base, length: { max_words: 'short' } }, ['length', 'max_words'], /expected a number, got "short"/],
    ['negative max_words', { ...base, length: { max_words: -5 } }, ['length', 'max_words'], /greater than 0/],
    ['fractional max_words', { ...base, length: { max_words: 2.5 } }, ['length', 'max_words'], /whole number/],
    ['bad sender e-mail', { ...base, sender: { name: 'A', email: 'nope' } }, ['sender', 'email'], /e-mail address, got "nope"/],
    ['sender without name', { ...base, sender: { role: 'CEO' } }, ['sender', 'name'], /required/],
    ['temperature too high', { ...base, model: { temperature: 3 } }, ['model', 'temperature'], /at most 2/],
    ['unknown engine', { ...base, model: { engine: 'gpt' } }, ['model', 'engine'], /one of auto, ollama, openai, llama-cpp/],
    ['seed not an integer', { ...base, model: { seed: 1.5 } }, ['model', 'seed'], /whole number/],
    ['example message without body', { ...base, examples: [{ recipient: {}, message: { subject: 'x' } }] }, ['examples', 0, 'message', 'body'], /required/],
    ['example without recipient', { ...base, examples: [{ message: 'hi' }] }, ['examples', 0, 'recipient'], /required/],
    ['private as a single string', { ...base, fields: { private: 'phone' } }, ['fields', 'private'], /expected a list, got "phone"/],
    ['empty rule', { ...base, do: ['ok', ''] }, ['do', 1], /must not be empty/],
    ['a variant name with a space', { ...base, variants: [{ name: 'two words' }] }, ['variants', 0, 'name'], /expected a short name of letters, digits, - or _, e\.g\. short, got "two words"/],
    ['a host key variable that is not a name', { ...base, model: { hosts: [{ url: 'http://a:1', api_key_env: 'my key' }] } }, ['model', 'hosts', 0, 'api_key_env'], /expected an environment variable name/],
    ['a list instead of a mapping', ['goal'], [], /expected a mapping/],
    ['an empty document', null, [], /empty/],
  ])('%s', (_label, data, path, message) => {
    const issues = issuesOf(data);
    const issue = issues.find((i) => JSON.stringify(i.path) === JSON.stringify(path));
    expect(issue, JSON.stringify(issues)).toBeDefined();
    expect(issue!.message).toMatch(message);
  });

  it('collects every problem, not just the first', () => {
    const issues = issuesOf({ channel: 'fax', length: { max_words: 'many' }, sender: { name: '' }, sing_off: 'x' });
    expect(issues.map((i) => formatPath(i.path)).sort()).toEqual(
      ['channel', 'goal', 'length.max_words', 'sender.name', 'sing_off'].sort(),
    );
  });
});

describe('parseProfile: unknown keys', () => {
  it.each<[string, unknown, (string | number)[], RegExp]>([
    ['a typo at the top', { ...base, sing_off: 'x' }, ['sing_off'], /did you mean `sign_off`\?/],
    ['a dash instead of an underscore', { ...base, 'banned-phrases': [] }, ['banned-phrases'], /did you mean `banned_phrases`\?/],
    ['a typo inside sender', { ...base, sender: { nmae: 'A' } }, ['sender', 'nmae'], /did you mean `name`\?/],
    ['a typo inside an example', { ...base, examples: [{ recipient: {}, mesage: 'x' }] }, ['examples', 0, 'mesage'], /did you mean `message`\?/],
    ['a key at the wrong level', { ...base, temperature: 0.5 }, ['temperature'], /did you mean `model.temperature`\?/],
    ['max_words without length', { ...base, max_words: 100 }, ['max_words'], /did you mean `length.max_words`\?/],
    ['nothing close', { ...base, qqqqzzzz: 1 }, ['qqqqzzzz'], /unknown key \(allowed here: .*goal/],
    ['a typo in a rule condition', { ...base, rules: [{ when: { column: 'status', equal: 'churned' }, then: { skip: true } }] }, ['rules', 0, 'when', 'equal'], /did you mean `equals`\?/],
    ['a typo in an all: condition', { ...base, rules: [{ when: { all: [{ column: 'a', contans: 'x' }] }, then: { skip: true } }] }, ['rules', 0, 'when', 'all', 0, 'contans'], /did you mean `contains`\?/],
  ])('%s', (_label, data, path, message) => {
    const issues = issuesOf(data);
    const issue = issues.find((i) => JSON.stringify(i.path) === JSON.stringify(path));
    expect(issue, JSON.stringify(issues)).toBeDefined();
    expect(issue!.unknownKey).toBe(true);
    expect(issue!.message).toMatch(message);
  });
});

describe('formatPath', () => {
  it.each<[(string | number)[], string]>([
    [['length', 'max_words'], 'length.max_words'],
    [['examples', 2, 'message'], 'examples[2].message'],
    [[], ''],
  ])('%j -> %s', (path, expected) => expect(formatPath(path)).toBe(expected));
});

describe('suggest', () => {
  it.each<[string, string[], string | undefined]>([
    ['sing_off', PROFILE_KEYS as string[], 'sign_off'],
    ['Sign-Off', PROFILE_KEYS as string[], 'sign_off'],
    ['signoff', PROFILE_KEYS as string[], 'sign_off'],
    ['langauge', PROFILE_KEYS as string[], 'language'],
    ['exmaples', PROFILE_KEYS as string[], 'examples'],
    ['dnot', PROFILE_KEYS as string[], 'dont'],
    ['completely_different', PROFILE_KEYS as string[], undefined],
    ['', ['a'], undefined],
  ])('%s -> %s', (word, candidates, expected) => expect(suggest(word, candidates)).toBe(expected));

  it.each<[string, string, number]>([
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
    ['same', 'same', 0],
    ['flaw', 'lawn', 2],
    ['nmae', 'name', 1],
    ['ca', 'abc', 3],
  ])('levenshtein(%s, %s) = %d', (a, b, d) => expect(levenshtein(a, b)).toBe(d));
});

describe('model.hosts', () => {
  const base = { goal: 'book a call' };
  it('takes URLs and {url, concurrency} entries, as one shape', () => {
    const r = parseProfile({ ...base, model: { hosts: ['http://a:11434', { url: 'b:11434', concurrency: 8 }] } });
    expect(r.ok && r.profile.model.hosts).toEqual([{ url: 'http://a:11434' }, { url: 'b:11434', concurrency: 8 }]);
  });
  it("takes an entry's api_key_env (a variable's name, never a key)", () => {
    const r = parseProfile({ ...base, model: { hosts: [{ url: 'http://gpu1:8000/v1', api_key_env: 'GPU1_API_KEY' }] } });
    expect(r.ok && r.profile.model.hosts).toEqual([{ url: 'http://gpu1:8000/v1', api_key_env: 'GPU1_API_KEY' }]);
  });
  it.each([
    [{ hosts: [] }, ['model', 'hosts']],
    [{ hosts: [{ url: 'a', concurrency: 0 }] }, ['model', 'hosts', 0, 'concurrency']],
    [{ hosts: [{ url: 'a', slots: 2 }] }, ['model', 'hosts', 0, 'slots']],
    [{ hosts: [{ url: 'a', api_key_env: 'sk-live-123' }] }, ['model', 'hosts', 0, 'api_key_env']],
  ])('refuses %j at its path', (model, path) => {
    const r = parseProfile({ ...base, model });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.map((i) => i.path)).toContainEqual(path);
  });
});
