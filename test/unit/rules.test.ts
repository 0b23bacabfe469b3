import { describe, expect, it } from 'vitest';
import { parseProfile, type RuleCondition, type ToneProfile } from '../../src/core/profile.js';
import { compileCondition, compileRules, sentimentSources, type SentimentFacts } from '../../src/core/rules/conditions.js';
import { applyRules, EffectiveProfiles } from '../../src/core/rules/effective.js';
import { ruleIssues } from '../../src/core/rules/validate.js';
import { buildColumns } from '../../src/core/recipients/recipients.js';
import { parseProfileText } from '../../src/io/profile-file.js';
import { lintDraft } from '../../src/core/lint/lint-draft.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadRuleTemplates } from '../../src/io/rule-templates.js';
import type { Templates } from '../../src/core/drafting/prompt.js';

function profileOf(data: object): ToneProfile {
  const r = parseProfile(data);
  if (!r.ok) throw new Error(`bad test profile: ${JSON.stringify(r.issues)}`);
  return r.profile;
}

const { columns } = buildColumns(['Status', 'country', 'notes', 'do_not_email']);
const row = (status: string, country = '', notes = '', dne = '') => [status, country, notes, dne];

describe('rule conditions', () => {
  const cases: [string, RuleCondition, string[], SentimentFacts, boolean][] = [
    ['equals ignores case and spaces', { column: 'status', equals: 'churned' }, row('  Churned '), undefined, true],
    ['equals is whole-cell', { column: 'status', equals: 'churn' }, row('churned'), undefined, false],
    ['in', { column: 'country', in: ['DE', 'AT', 'CH'] }, row('', 'at'), undefined, true],
    ['in misses', { column: 'country', in: ['DE', 'AT'] }, row('', 'FR'), undefined, false],
    ['contains', { column: 'notes', contains: 'Migration' }, row('', '', 'asked about the migration'), undefined, true],
    ['matches is a regex, case-sensitive', { column: 'notes', matches: '^VIP\\b' }, row('', '', 'VIP since 2020'), undefined, true],
    ['matches case-sensitive miss', { column: 'notes', matches: '^VIP\\b' }, row('', '', 'vip since 2020'), undefined, false],
    ['empty true', { column: 'notes', empty: true }, row('x', '', '  '), undefined, true],
    ['empty false', { column: 'notes', empty: false }, row('x', '', ''), undefined, false],
    ['a missing column reads empty', { column: 'tier', empty: true }, row('x'), undefined, true],
    ['a missing column equals nothing', { column: 'tier', equals: 'gold' }, row('x'), undefined, false],
    ['two tests on a column: both hold', { column: 'notes', contains: 'a', matches: 'b' }, row('', '', 'a b'), undefined, true],
    ['two tests on a column: one fails', { column: 'notes', contains: 'a', matches: 'z' }, row('', '', 'a b'), undefined, false],
    ['sentiment of the reply', { sentiment: 'negative' }, row(''), { reply: { label: 'negative' } }, true],
    ['sentiment list', { sentiment: ['negative', 'mixed'] }, row(''), { reply: { label: 'mixed' } }, true],
    ['sentiment other label', { sentiment: 'negative' }, row(''), { reply: { label: 'positive' } }, false],
    ['sentiment not analysed never holds', { sentiment: 'negative' }, row(''), undefined, false],
    ['sentiment of a column', { sentiment: 'negative', of: 'notes' }, row(''), { notes: { label: 'negative' }, reply: { label: 'positive' } }, true],
    ['sentiment of a column reads that source only', { sentiment: 'negative', of: 'notes' }, row(''), { reply: { label: 'negative' } }, false],
    ['all', { all: [{ column: 'status', equals: 'churned' }, { column: 'country', equals: 'DE' }] }, row('churned', 'DE'), undefined, true],
    ['all: one fails', { all: [{ column: 'status', equals: 'churned' }, { column: 'country', equals: 'DE' }] }, row('churned', 'FR'), undefined, false],
    ['any', { any: [{ column: 'status', equals: 'churned' }, { sentiment: 'negative' }] }, row('active'), { reply: { label: 'negative' } }, true],
    ['any: none', { any: [{ column: 'status', equals: 'churned' }, { sentiment: 'negative' }] }, row('active'), undefined, false],
  ];
  it.each(cases)('%s', (_name, condition, cells, sentiment, expected) => {
    expect(compileCondition(condition, columns)(cells, sentiment)).toBe(expected);
  });

  it('lists the matching rules in order, and the sentiment sources they read', () => {
    const profile = profileOf({
      goal: 'g',
      rules: [
        { when: { column: 'status', equals: 'churned' }, then: { instructions: 'a' } },
        { name: 'angry', when: { any: [{ sentiment: 'negative' }, { sentiment: 'mixed', of: 'notes' }] }, then: { tone: 'apologetic' } },
        { when: { column: 'country', in: ['DE'] }, then: { language: 'de' } },
      ],
    });
    const compiled = compileRules(profile.rules!, columns);
    expect(compiled.names).toEqual(['rule-1', 'angry', 'rule-3']);
    expect(compiled.matching(row('churned', 'DE'), { reply: { label: 'negative' } })).toEqual([0, 1, 2]);
    expect(compiled.matching(row('active', 'FR'))).toEqual([]);
    expect(sentimentSources(profile)).toEqual(['reply', 'notes']);
    expect(sentimentSources(profileOf({ goal: 'g' }))).toEqual([]);
  });
});

describe('effective profile', () => {
  const base = profileOf({
    goal: 'g',
    tone: ['warm'],
    do: ['Be specific.'],
    language: 'en',
    sign_off: 'Best',
    rules: [
      { name: 'churned', when: { column: 'status', equals: 'churned' }, then: { tone: ['apologetic', 'warm'], instructions: 'No hard pitch.', template: 'a.mustache' } },
      { name: 'negative', when: { sentiment: 'negative' }, then: { tone: 'brief', instructions: 'Answer their concern first.', sign_off: 'Kind regards' } },
      { name: 'dach', when: { column: 'country', in: ['DE'] }, then: { language: 'de', sign_off: 'Viele Grüße', template: 'b.mustache' } },
      { name: 'dne', when: { column: 'do_not_email', equals: 'yes' }, then: { skip: true } },
    ],
  });

  it('accumulates tone and instructions in order; language, sign-off and template: the last wins', () => {
    const out = applyRules(base, [0, 1, 2]);
    expect(out.rules).toEqual(['churned', 'negative', 'dach']);
    expect(out.profile.tone).toEqual(['warm', 'apologetic', 'brief']);
    expect(out.profile.do).toEqual(['Be specific.', 'No hard pitch.', 'Answer their concern first.']);
    expect(out.profile.language).toBe('de');
    expect(out.profile.sign_off).toBe('Viele Grüße');
    expect(out.template).toBe('b.mustache');
    expect(out.effective).toEqual({ language: 'de', sign_off: 'Viele Grüße' });
    expect(out.skip).toBeUndefined();
    // The base profile is never changed.
    expect(base.tone).toEqual(['warm']);
    expect(base.do).toEqual(['Be specific.']);
  });

  it('skip wins over everything', () => {
    const out = applyRules(base, [0, 3]);
    expect(out.skip).toBe('dne');
    expect(out.rules).toEqual(['churned', 'dne']);
    expect(out.profile).toBe(base);
  });

  it('memoises one profile per matched-rule set; no match is the base profile itself', () => {
    const e = new EffectiveProfiles(base);
    expect(e.of([]).profile).toBe(base);
    expect(e.of([]).rules).toEqual([]);
    const a = e.of([0, 1]);
    expect(e.of([0, 1])).toBe(a);
    expect(e.of([0]).profile).not.toBe(a.profile);
    expect(e.size).toBe(2);
  });
});

describe('rule validation at load', () => {
  it('reports a bad regex, a test-less column condition, sentiment of a private column, a duplicate name and a rule that does nothing', () => {
    const profile = profileOf({
      goal: 'g',
      fields: { private: ['notes'] },
      rules: [
        { name: 'vip', when: { column: 'notes', matches: '(unclosed' }, then: { instructions: 'x' } },
        { name: 'vip', when: { column: 'status' }, then: { instructions: 'x' } },
        { when: { all: [{ sentiment: 'negative', of: 'Notes' }] }, then: { tone: 'brief' } },
        { when: { column: 'notes', contains: 'x' }, then: {} },
        // A condition ON a private column is fine: it is evaluated locally.
        { when: { column: 'notes', equals: 'x' }, then: { skip: true } },
      ],
    });
    const issues = ruleIssues(profile).map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues).toHaveLength(5);
    expect(issues[0]).toMatch(/^rules\.0\.when\.matches: not a valid regular expression/);
    expect(issues[1]).toMatch(/^rules\.1\.when: a column condition needs a test/);
    expect(issues[2]).toMatch(/^rules\.1\.name: the name "vip" is already rules\[0\]'s/);
    expect(issues[3]).toMatch(/^rules\.2\.when\.all\.0\.of: `Notes` is a private column/);
    expect(issues[4]).toMatch(/^rules\.3\.then: the rule does nothing/);
  });

  it('points at file:line and names the rule', () => {
    const yaml = [
      'goal: g',
      'rules:',
      '  - name: churned',
      '    when: {column: status, equals: churned}',
      '    then: {instructions: "No pitch."}',
      '  - name: vip',
      '    when: {column: notes, matches: "(a"}',
      '    then: {tone: brief}',
      '',
    ].join('\n');
    expect(() => parseProfileText(yaml, 'p.yaml')).toThrowError(/^p\.yaml:7:\d+: rules\[1\] \(vip\): when\.matches: not a valid regular expression/);
    // A schema error names the rule too (its name as written).
    expect(() => parseProfileText(yaml.replace('tone: brief', 'tone: brief, colour: red'), 'p.yaml')).toThrowError(/^p\.yaml:8:\d+: rules\[1\] \(vip\): then\.colour: unknown key/);
  });

  it('a profile without rules has no rule issues and parses as before', () => {
    expect(ruleIssues(profileOf({ goal: 'g' }))).toEqual([]);
    expect(parseProfileText('goal: g\n', 'p.yaml')).not.toHaveProperty('rules');
  });
});

describe('the lint checks a draft against its recipient\'s effective profile', () => {
  const profile = { channel: 'email' as const, language: 'en', sign_off: 'Best regards,\nElena' };
  const draft = {
    subject: 'Tidewater Beta für Kraftwerk',
    body: 'Hallo Jonas,\n\nSie interessieren sich für Kostenoptimierung bei Kubernetes. Unsere Beta hält Daten zwischen Lager und Tabellen synchron, und sie ist drei Monate kostenlos. Hätten Sie nächste Woche Zeit für ein kurzes Gespräch darüber?\n\nViele Grüße\nElena',
    recipient: { first_name: 'Jonas', country: 'DE' },
  };
  const codes = (input: Parameters<typeof lintDraft>[0]) => lintDraft(input, profile).map((f) => f.code);

  it('the rule\'s sign-off and language are expected, not the profile\'s', () => {
    expect(codes(draft)).toEqual(expect.arrayContaining(['sign-off-missing', 'wrong-language']));
    const effective = codes({ ...draft, effective: { language: 'de', sign_off: 'Viele Grüße\nElena' } });
    expect(effective).not.toContain('sign-off-missing');
    expect(effective).not.toContain('wrong-language');
    // The effective sign-off is really checked: a draft without it is flagged.
    expect(codes({ ...draft, body: draft.body.replace('Viele Grüße\nElena', 'Elena'), effective: { sign_off: 'Viele Grüße\nElena' } })).toEqual(expect.arrayContaining(['sign-off-missing']));
  });
});

describe('rule templates', () => {
  const base: Templates = { system: 'S', user: 'U {{first_name}}', regenerate: 'R', history: 'H', id: 'base' };
  const yaml = (file: string) => ['goal: g', 'rules:', '  - name: churned', '    when: {column: status, equals: churned}', `    then: {template: ${file}}`, ''].join('\n');

  it('loads each named template once, as the base templates with that user template and their own id', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'draftsmith-rule-templates-'));
    try {
      writeFileSync(path.join(dir, 'churned.mustache'), 'Write to {{first_name}}, who left.');
      writeFileSync(path.join(dir, 'profile.yaml'), yaml('churned.mustache'));
      const loaded = await loadRuleTemplates(parseProfileText(yaml('churned.mustache'), 'profile.yaml'), path.join(dir, 'profile.yaml'), base);
      const t = loaded.get('churned.mustache')!;
      expect(t).toMatchObject({ system: 'S', user: 'Write to {{first_name}}, who left.', regenerate: 'R' });
      expect(t.id).not.toBe(base.id);
      expect((await loadRuleTemplates(parseProfileText('goal: g\n', 'p.yaml'), path.join(dir, 'profile.yaml'), base)).size).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a missing one is an input error at file:line naming the rule', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'draftsmith-rule-templates-'));
    try {
      writeFileSync(path.join(dir, 'profile.yaml'), yaml('gone.mustache'));
      const load = loadRuleTemplates(parseProfileText(yaml('gone.mustache'), 'profile.yaml'), path.join(dir, 'profile.yaml'), base);
      await expect(load).rejects.toThrowError(/profile\.yaml:5:\d+: rules\[0\] \(churned\): then\.template: .*gone\.mustache not found/);
      await expect(load).rejects.toMatchObject({ exitCode: 2 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
