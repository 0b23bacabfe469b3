// `draft` with examples from a real memory (SQLite in a temp folder, approvals recorded through
// MemoryStore's own API, as review and approve record them) against the fake Ollama server: what the
// server receives is the proof. The most similar earlier approvals of the same profile and channel
// go first in the user message; never the person's own, never this campaign's, never another
// profile's; the ids are recorded; a growing memory redrafts nothing; --dry-run shows them;
// `memory: {examples: 0}` and --no-memory turn them off.
import { appendFile, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DraftCampaignOptions } from '../../src/app/draft-campaign.js';
import { EXAMPLES_LABEL } from '../../src/core/drafting/examples-block.js';
import { parseRowSelection } from '../../src/core/recipients/row-selection.js';
import type { MemoryStore } from '../../src/io/memory/memory-store.js';
import { campaignDir } from '../helpers/campaign-dir.js';
import { draftInProcess } from '../helpers/draft-in-process.js';
import { withMemoryFile } from '../helpers/memory-stores.js';
import { readJsonl } from '../helpers/jsonl.js';
import { approval } from '../helpers/memory-records.js';
import { useFakeOllama } from '../helpers/use-fake-ollama.js';

const fake = useFakeOllama();
let dir: string;
let memoryFile: string;
let profileFile: string;

const earlier = '/work/earlier.drafts.jsonl';
const DAY = 86_400_000;

/** One earlier approval: a person with fields, of `profile` (the test's by default) and `channel`. */
function earlierApproval(n: string, fields: Record<string, string>, over: { profile?: string; channel?: string; campaign?: string; edited?: boolean; days?: number } = {}) {
  const email = `${n}@earlier.example`;
  return approval({
    who: { key: `email:${email}`, email },
    name: fields.first_name,
    campaign: over.campaign ?? earlier,
    subject: `Subject for ${n}`,
    body: `Body for ${n}: Hi ${fields.first_name}, short and warm.\n\nCheers,\nElena`,
    edited: over.edited ?? false,
    profile: over.profile ?? profileFile,
    at: new Date(Date.now() - (over.days ?? 10) * DAY).toISOString(),
    messageId: `<${n}@draftsmith>`,
    learning: { channel: over.channel ?? 'email', fields: { first_name: fields.first_name ?? n, email, ...fields }, ...(over.edited ? { original: { subject: 'x', body: 'the model wrote this' } } : {}) },
  });
}

const withMemory = (use: (m: MemoryStore) => void) => withMemoryFile(memoryFile, use);
const run = (extra: Partial<DraftCampaignOptions> = {}, stdout?: PassThrough) => draftInProcess({ dir, memoryFile, host: fake.server.url }, extra, stdout).outcome;

/** The user message of each chat request since `from`, by the person it is for. */
function userMessages(from: number): Map<number, string> {
  const out = new Map<number, string>();
  for (const r of fake.chats().slice(from)) {
    const user = (r.body as { messages: { role: string; content: string }[] }).messages[1]!.content;
    out.set(Number(/Person(\d)/.exec(user.slice(user.lastIndexOf('first_name')))![1]), user);
  }
  return out;
}

const drafts = () => readJsonl(path.join(dir, 'leads.drafts.jsonl'));

beforeAll(async () => {
  dir = await campaignDir('draft-examples-');
  memoryFile = path.join(dir, 'memory', 'memory.db');
  profileFile = path.join(dir, 'profile.yaml');
  await writeFile(
    path.join(dir, 'leads.csv'),
    [
      'first_name,email,role,company,industry,notes',
      'Person1,person1@example.org,Data Engineer,Payfin,fintech,asked about schema changes',
      'Person2,person2@example.org,Nurse,St. Mary,health care,',
      'Person3,person3@example.org,Astronaut,Orbit,space,',
      '',
    ].join('\n'),
  );
  await withMemory((m) => {
    const a = [
      ['dataeng', earlierApproval('dataeng', { first_name: 'Dana', role: 'Data Engineer', company: 'Ledgerly', industry: 'fintech' }, { edited: true })],
      ['nurse', earlierApproval('nurse', { first_name: 'Nina', role: 'Nurse', company: 'Clinic', industry: 'health care' })],
      ['chef', earlierApproval('chef', { first_name: 'Chloe', role: 'Chef', company: 'Bistro' })],
      // Person1 themselves, this campaign, another profile, another channel: never examples.
      ['self', earlierApproval('self', { role: 'Data Engineer', industry: 'fintech' })],
      ['thiscampaign', earlierApproval('thiscampaign', { first_name: 'Theo', role: 'Data Engineer', industry: 'fintech' }, { campaign: path.join(dir, 'leads.drafts.jsonl') })],
      ['otherprofile', earlierApproval('otherprofile', { first_name: 'Olga', role: 'Data Engineer', industry: 'fintech' }, { profile: '/elsewhere/profile.yaml' })],
      ['linkedin', earlierApproval('linkedin', { first_name: 'Lina', role: 'Nurse', industry: 'health care' }, { channel: 'linkedin' })],
    ] as const;
    for (const [name, rec] of a) {
      const r = name === 'self' ? { ...rec, who: { key: 'email:person1@example.org', email: 'person1@example.org' } } : rec;
      m.recordApproval(r);
    }
  });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('draft with examples from the memory', () => {
  it('carries the most similar earlier approvals of this profile and channel, records their ids, and redrafts nothing as the memory grows', async () => {
    const before = fake.chats().length;
    const done = await run();
    expect(done.summary).toMatchObject({ drafted: 3, failed: 0 });
    const users = userMessages(before);
    const p1 = users.get(1)!;
    expect(p1.startsWith(EXAMPLES_LABEL)).toBe(true);
    const examplesOf = (user: string) => user.slice(0, user.indexOf('The block above shows how'));
    expect(examplesOf(p1)).toContain('Body for dataeng');
    // Their own approval is history (after the examples), never an example.
    expect(examplesOf(p1)).not.toMatch(/Body for (self|thiscampaign|otherprofile|linkedin)/);
    expect(p1).toContain('Body for self');
    expect(p1).not.toContain('dataeng@earlier.example');
    // The examples come first, then the request with Person1's own data.
    expect(p1.indexOf('Body for dataeng')).toBeLessThan(p1.indexOf('Person1'));
    const p2 = users.get(2)!;
    expect(examplesOf(p2)).toContain('Body for nurse');
    expect(p2).not.toContain('Body for linkedin');
    // Nothing alike: exactly the prompt a run without a memory sends.
    const p3 = users.get(3)!;
    expect(p3).not.toContain(EXAMPLES_LABEL);

    const records = drafts().filter((r) => r.type === 'draft');
    const byRow = (row: number) => records.find((r) => r.row === row)!;
    // Only the one alike of the allowed ones (the chef shares no word with either).
    expect(byRow(1).memoryExamples).toHaveLength(1);
    expect(byRow(2).memoryExamples).toHaveLength(1);
    expect(byRow(1).memoryExamples).not.toEqual(byRow(2).memoryExamples);
    expect(examplesOf(p1)).not.toContain('Body for chef');
    expect(byRow(3)).not.toHaveProperty('memoryExamples');
    const fingerprints = records.map((r) => r.fingerprint);

    // The memory grows: a close match for Person3 appears. Nothing is redrafted.
    await withMemory((m) => m.recordApproval(earlierApproval('astro', { first_name: 'Ava', role: 'Astronaut', company: 'Orbit' })));
    const between = fake.chats().length;
    expect((await run()).summary).toMatchObject({ drafted: 0, cached: 3 });
    expect(fake.chats().length).toBe(between);
    // A forced redraft of row 3 now carries it, under the same fingerprint (examples are provenance).
    expect((await run({ force: true, selection: parseRowSelection('3'), rows: '3' })).summary).toMatchObject({ drafted: 1 });
    expect(userMessages(between).get(3)).toContain('Body for astro');
    const row3 = drafts().filter((r) => r.type === 'draft' && r.row === 3).at(-1)!;
    expect(row3.fingerprint).toBe(fingerprints[2]);
    expect(row3.memoryExamples).toHaveLength(1);
  });

  it('--dry-run shows them and names their ids; examples: 0 and --no-memory send none', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (b: Buffer) => (text += b.toString()));
    await run({ dryRun: true, format: 'text' }, out);
    expect(text).toMatch(/===== row 1 =====\n\(examples from the memory: #\d+\)\n/);
    expect(text).toContain('Body for dataeng');

    let none = '';
    const out2 = new PassThrough();
    out2.on('data', (b: Buffer) => (none += b.toString()));
    await run({ dryRun: true, format: 'text', memory: false }, out2);
    expect(none).not.toContain('examples from the memory');

    await appendFile(profileFile, '\nmemory:\n  examples: 0\n');
    let off = '';
    const out3 = new PassThrough();
    out3.on('data', (b: Buffer) => (off += b.toString()));
    await run({ dryRun: true, format: 'text' }, out3);
    expect(off).not.toContain(EXAMPLES_LABEL);
    expect(await readFile(profileFile, 'utf8')).toContain('examples: 0');
  });
});
