// `draftsmith learn` in-process against a real memory (SQLite) holding edited approvals: the report,
// the JSON list, --apply --yes into a copy of the profile (comments kept, a backup, its mode kept),
// and the usage errors (no terminal without --yes, several profiles, a bad profile).
import { chmod, copyFile, mkdtemp, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runLearnCommand, type LearnFlags } from '../../src/cli/commands/learn.js';
import { captureIo } from '../helpers/capture-io.js';
import type { Ask } from '../../src/ui/ask.js';
import { MemoryStore } from '../../src/io/memory/memory-store.js';
import { parseProfileText } from '../../src/io/profile-file.js';
import { approval } from '../helpers/memory-records.js';
import { fixture } from '../helpers/cli.js';

const PEOPLE = [
  ['ana@example.org', 'Ana Lima', 'SRE Lead', 'Acme Tools'],
  ['bo@example.org', 'Bo Berg', 'Platform Engineer', 'Northwind'],
  ['cy@example.org', 'Cy Haddad', 'Head of Ops', 'Brightwave'],
  ['dee@example.org', 'Dee Okafor', 'CTO', 'Kestrel'],
] as const;

let dir: string;
let memory: string;
let profile: string;

function io() {
  return captureIo({ env: { ...process.env, NO_COLOR: '1' }, cwd: dir });
}

async function learn(flags: LearnFlags) {
  const streams = io();
  await runLearnCommand({ memory, ...flags }, streams);
  return { stdout: streams.out(), stderr: streams.err() };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'learn-'));
  memory = path.join(dir, 'memory.db');
  profile = path.join(dir, 'profile.yaml');
  await copyFile(fixture('profile.yaml'), profile);
  await chmod(profile, 0o644);
  const store = (await MemoryStore.open(memory, { create: true }))!;
  PEOPLE.forEach(([email, name, role, company], i) => {
    const first = name.split(' ')[0];
    const model = `Hi ${first},\n\nI wanted to reach out personally. As ${role} at ${company}, you might enjoy our beta.\n\nWould a short call suit you?\n\nBest regards,\nElena`;
    const kept = `Hi ${first},\n\nAs ${role} at ${company}, you might enjoy our beta.\n\nWould a short call suit you?\n\nCheers,\nElena`;
    store.recordApproval(approval({
      who: { key: `email:${email}`, email }, name, campaign: path.join(dir, 'a.drafts.jsonl'), version: 2, subject: `${first}, the beta`, body: kept,
      edited: true, profile, messageId: `<m${i}@draftsmith>`, at: `2026-10-0${i + 1}T10:00:00.000Z`,
      learning: { channel: 'email', original: { subject: `${first}, the beta`, body: model }, fields: { first_name: first!, role, company } },
    }));
  });
  store.close();
});

describe('draftsmith learn', () => {
  it('reports the banned phrase and the sign-off with their evidence; json lists them for scripts', async () => {
    const text = await learn({ profile });
    expect(text.stdout).toContain('4 edited approval(s) of profile.yaml, to 4 recipient(s) suggest 2 change(s):');
    expect(text.stdout).toContain('sign_off = "Cheers,\\nElena"');
    expect(text.stdout).toContain('banned_phrases += "I wanted to reach out personally"');
    expect(text.stdout).toContain('Write them into the profile: draftsmith learn --profile profile.yaml --apply');
    const json = JSON.parse((await learn({ format: 'json' })).stdout) as { kind: string; key: string; value: string; evidence: { edits: number; recipients: number; examples: unknown[] }; confidence: number }[];
    expect(json.map((p) => [p.kind, p.key, p.value, p.evidence.edits, p.evidence.recipients, p.evidence.examples.length, p.confidence])).toEqual([
      ['sign_off', 'sign_off', 'Cheers,\nElena', 4, 4, 2, 1],
      ['banned_phrase', 'banned_phrases', 'I wanted to reach out personally', 4, 4, 2, 1],
    ]);
  });

  it('refuses --apply without a terminal or --yes, and --yes without --apply (exit 2, with a hint)', async () => {
    await expect(learn({ apply: true })).rejects.toMatchObject({ exitCode: 2, hint: expect.stringContaining('--yes') });
    await expect(learn({ yes: true })).rejects.toMatchObject({ exitCode: 2 });
    await expect(learn({ profile: path.join(dir, 'missing.yaml') })).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('not found') });
  });

  it('on a terminal, --apply asks yes/no for each proposal and writes only the accepted ones', async () => {
    const streams = io();
    Object.assign(streams.stdin, { isTTY: true });
    Object.assign(streams.stderr, { isTTY: true });
    const asked: string[] = [];
    const answers = [false, true]; // sign-off no, banned phrase yes
    const ask: Ask = {
      confirm: async (message) => (asked.push(message), answers.shift()!),
      choose: () => Promise.reject(new Error('not asked')),
      text: () => Promise.reject(new Error('not asked')),
    };
    await runLearnCommand({ memory, profile, apply: true }, streams, ask);
    expect(asked).toEqual([
      'Write sign_off = "Cheers,\\nElena" into the profile?',
      'Write banned_phrases += "I wanted to reach out personally" into the profile?',
    ]);
    const parsed = parseProfileText(await readFile(profile, 'utf8'), 'profile.yaml');
    expect(parsed.sign_off).toBe('Best regards,\nElena');
    expect(parsed.banned_phrases).toContain('I wanted to reach out personally');
    expect(streams.err()).toMatch(/wrote 1 change\(s\) to profile\.yaml:\n  banned_phrases \+= "I wanted to reach out personally"\n  backup of the previous version: /);
  });

  it('--apply --yes writes what is left (the sign-off) with the comments intact, keeps the mode, prints the backup', async () => {
    const before = await readFile(profile, 'utf8');
    const { stderr } = await learn({ profile, apply: true, yes: true });
    const after = await readFile(profile, 'utf8');
    const backup = /backup of the previous version: (.+)\n/.exec(stderr)![1]!;
    expect(await readFile(backup, 'utf8')).toBe(before);
    expect((await stat(backup)).mode & 0o777).toBe(0o600);
    expect((await stat(profile)).mode & 0o777).toBe(0o644);
    const comments = (t: string) => t.split('\n').filter((l) => l.trim().startsWith('#'));
    expect(comments(after)).toEqual(comments(before));
    const parsed = parseProfileText(after, 'profile.yaml');
    expect(parsed.sign_off).toBe('Cheers,\nElena');
    expect(parsed.banned_phrases).toContain('I wanted to reach out personally');
    // Learned already: nothing more to propose, nothing written.
    expect((await learn({ profile })).stdout).toMatch(/^Nothing to learn yet/);
  });

  it('without --profile, several profiles with edits are a usage error naming each; no memory at all is a note, not an error', async () => {
    const other = path.join(dir, 'other.yaml');
    const store = (await MemoryStore.open(memory))!;
    store.recordApproval(approval({
      who: { key: 'email:eve@example.org', email: 'eve@example.org' }, campaign: path.join(dir, 'b.drafts.jsonl'), edited: true, profile: other,
      messageId: '<other@draftsmith>', learning: { channel: 'email', original: { body: 'Hi Eve, a long draft.' }, fields: { role: 'CTO' } },
    }));
    store.close();
    const error = await learn({}).catch((e: unknown) => e);
    expect(error).toMatchObject({ exitCode: 2, message: 'the memory has edits for 2 profiles: say which one with --profile.' });
    expect((error as { hint: string }).hint).toBe('draftsmith learn --profile profile.yaml   # 4 edited approval(s)\ndraftsmith learn --profile other.yaml   # 1 edited approval(s)');
    const none = await learn({ memory: path.join(dir, 'nowhere.db'), format: 'json' });
    expect(none.stdout).toBe('[]\n');
    expect(none.stderr).toMatch(/no memory at .*nowhere\.db yet/);
  });
});
