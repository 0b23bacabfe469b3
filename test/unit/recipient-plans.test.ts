import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseProfile, type ToneProfile } from '../../src/core/profile.js';
import { generationOptions, type Templates } from '../../src/core/drafting/prompt.js';
import { draftSchema } from '../../src/core/drafting/draft-answer.js';
import { buildColumns, type Recipient } from '../../src/core/recipients/recipients.js';
import type { DraftJob } from '../../src/core/drafting/run-contract.js';
import { draftJobs, runDigestOf, type JobSettings } from '../../src/app/draft-jobs.js';
import { campaignPlanner, rulesStep, storedPlan, type PlanStep } from '../../src/app/recipient-plans.js';
import { buildMessages } from '../../src/core/drafting/prompt.js';
import { countingRules } from '../../src/app/rule-run.js';
import { loadTemplates } from '../../src/io/templates.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function profileOf(data: object): ToneProfile {
  const r = parseProfile(data);
  if (!r.ok) throw new Error(`bad test profile: ${JSON.stringify(r.issues)}`);
  return r.profile;
}

const { columns } = buildColumns(['first_name', 'email', 'status', 'do_not_email']);
const rows: Recipient[] = [
  ['Ana', 'ana@example.com', 'churned', ''],
  ['Ben', 'ben@example.com', 'active', ''],
  ['Cy', 'cy@example.com', 'active', 'yes'],
  ['Di', 'di@example.com', 'churned', ''],
].map((cells, i) => ({ row: i + 1, line: i + 2, cells }));

const BASE = { goal: 'Invite them to a call.', tone: 'warm', sign_off: 'Best', fields: { private: ['email'] } };
const RULES = [
  { name: 'churned', when: { column: 'status', equals: 'churned' }, then: { instructions: 'Acknowledge they left; no hard pitch.', tone: 'humble' } },
  { name: 'angry', when: { sentiment: 'negative' }, then: { instructions: 'Answer their concern first.', sign_off: 'Kind regards' } },
  { name: 'dne', when: { column: 'do_not_email', equals: 'yes' }, then: { skip: true } },
];

let templates: Templates;
beforeAll(async () => {
  templates = await loadTemplates(profileOf(BASE), root);
});

async function* source(): AsyncGenerator<Recipient> {
  yield* rows;
}

function settings(profile: ToneProfile, more: Partial<JobSettings> = {}): JobSettings {
  return {
    profile, templates, columns, schema: draftSchema(profile.channel), options: generationOptions(profile), engine: { engine: 'ollama', model: 'm' },
    keyAt: (row) => `k${row}`,
    digestAt: (row) => new Uint8Array(16).fill(row),
    ...more,
  };
}

async function jobsOf(s: JobSettings): Promise<DraftJob[]> {
  const out: DraftJob[] = [];
  for await (const j of draftJobs(source(), s, 'run')) out.push(j);
  return out;
}

describe('per-recipient plans', () => {
  it('a profile without rules: the same messages, fingerprints, inputs and provenance with or without a planner', async () => {
    const profile = profileOf(BASE);
    const plain = await jobsOf(settings(profile));
    const planned = await jobsOf(settings(profile, { planner: campaignPlanner({ profile, templates, rules: rulesStep(profile, columns, templates, new Map()) }) }));
    expect(rulesStep(profile, columns, templates, new Map())).toBeUndefined();
    expect(planned.map((j) => [j.fingerprint, j.inputs, JSON.stringify(j.request), JSON.stringify(j.provenance)])).toEqual(
      plain.map((j) => [j.fingerprint, j.inputs, JSON.stringify(j.request), JSON.stringify(j.provenance)]),
    );
    // Pinned to what main (before rules) computes for this row: a profile without rules redrafts nothing.
    expect(plain[0]!.fingerprint).toMatchInlineSnapshot(`"3ff7ec06f29ec1f17a64069316b2f7f4"`);
  });

  it('a matching rule changes that recipient\'s prompt and record; a skip rule makes no job', async () => {
    const profile = profileOf({ ...BASE, rules: RULES });
    const skipped: [number, string, string][] = [];
    const counts = new Map<string, number>();
    const c = { profile, templates, rules: rulesStep(profile, columns, templates, new Map()) };
    const jobs = await jobsOf(settings(profile, { planner: countingRules(campaignPlanner(c), counts), onSkip: (r, key, rule) => skipped.push([r.row, key, rule]) }));
    expect(jobs.map((j) => j.recipient.row)).toEqual([1, 2, 4]);
    expect(skipped).toEqual([[3, 'k3', 'dne']]);
    expect(counts).toEqual(new Map([['churned', 2], ['dne', 1]]));
    const [ana, ben, di] = jobs as [DraftJob, DraftJob, DraftJob];
    const system = (j: DraftJob) => j.request.messages[0]!.content;
    expect(system(ana)).toContain('Acknowledge they left; no hard pitch.');
    expect(system(ana)).toContain('Tone: warm, humble.');
    expect(system(ben)).not.toContain('Acknowledge they left');
    // The same matched-rule set: the very same system text (one effective profile, rendered once).
    expect(system(di)).toBe(system(ana));
    expect(ana.provenance).toMatchObject({ rules: ['churned'] });
    expect(ben.provenance).not.toHaveProperty('rules');
    // The rules are part of the fingerprint; a row no rule matched keeps the plain fingerprint.
    const plainBen = (await jobsOf(settings(profileOf(BASE))))[1]!;
    expect(ben.fingerprint).toBe(plainBen.fingerprint);
    expect(ana.fingerprint).not.toBe(ben.fingerprint);
  });

  it('a sentiment step before the rules makes a sentiment rule fire; steps see chunks; without sentiment the rows carry no inputs digest when asked', async () => {
    const profile = profileOf({ ...BASE, rules: RULES });
    const chunks: number[][] = [];
    const sentiment: PlanStep = async (rs, plans) => {
      chunks.push(rs.map((r) => r.row));
      for (const r of rs) if (r.row === 2) plans.get(r.row)!.sentiment = { reply: { label: 'negative', confidence: 0.9 } };
    };
    const planner = { ...campaignPlanner({ profile, templates, rules: rulesStep(profile, columns, templates, new Map()) }, { sentiment }), chunk: 3 };
    const jobs = await jobsOf(settings(profile, { planner, plansReadMore: true, onSkip: () => {} }));
    expect(chunks).toEqual([[1, 2, 3], [4]]);
    const ben = jobs.find((j) => j.recipient.row === 2)!;
    expect(ben.request.messages[0]!.content).toContain('Answer their concern first.');
    expect(ben.request.messages[0]!.content).toContain('"Kind regards"');
    expect(ben.provenance).toMatchObject({ rules: ['angry'], effective: { sign_off: 'Kind regards' }, sentiment: { reply: { label: 'negative', confidence: 0.9 } } });
    expect(ben.inputs).toBeUndefined();
  });

  it('regenerate rebuilds a draft\'s prompt from the rules its record names (a name the profile lost is left out)', async () => {
    const profile = profileOf({ ...BASE, rules: RULES });
    const jobs = await jobsOf(settings(profile, { planner: campaignPlanner({ profile, templates, rules: rulesStep(profile, columns, templates, new Map()) }), onSkip: () => {} }));
    const ana = jobs[0]!;
    const plan = storedPlan(profile, templates, new Map(), ['churned', 'gone']);
    expect(plan.rules).toEqual(['churned']);
    expect(buildMessages(plan.profile, plan.templates, rows[0]!, columns)).toEqual(ana.request.messages);
    expect(storedPlan(profile, templates, new Map(), undefined).profile).toBe(profile);
  });

  it('the run digest follows the text of a rule\'s template, and is as before without rules', () => {
    const plain = profileOf(BASE);
    const noRules = campaignPlanner({ profile: plain, templates, ruleTemplates: new Map() });
    expect(runDigestOf(settings(plain, { planner: noRules }))).toBe(runDigestOf(settings(plain)));
    const profile = profileOf({ ...BASE, rules: [{ name: 'churned', when: { column: 'status', equals: 'churned' }, then: { template: 'churned.mustache' } }] });
    const digestWith = (user: string) =>
      runDigestOf(settings(profile, { planner: campaignPlanner({ profile, templates, ruleTemplates: new Map([['churned.mustache', { ...templates, user, id: user }]]) }) }));
    expect(digestWith('Write to {{first_name}}.')).not.toBe(digestWith('Write briefly to {{first_name}}.'));
  });

  it('a rule\'s template becomes the user message of the rows it matches only', async () => {
    const profile = profileOf({ ...BASE, rules: [{ name: 'churned', when: { column: 'status', equals: 'churned' }, then: { template: 't.mustache' } }] });
    const ruleTemplates = new Map([['t.mustache', { ...templates, user: 'They left. Data: {{{recipient_json}}}', id: 'rule' }]]);
    const jobs = await jobsOf(settings(profile, { planner: campaignPlanner({ profile, templates, ruleTemplates, rules: rulesStep(profile, columns, templates, ruleTemplates) }) }));
    const users = jobs.map((j) => j.request.messages[1]!.content);
    expect(users[0]).toMatch(/^They left\. Data: \{/);
    expect(users[1]).not.toMatch(/^They left/);
    expect(users[3]).toMatch(/^They left/);
  });
});
