// The memory kept in step with the drafts file (issue 11, follow-up), through the built binary with
// a real SQLite memory in a temporary folder: a new version or an exclusion of an approved recipient
// withdraws its approval in the memory (only with a full memory; a later run with the memory
// withdraws what a --no-memory run replaced); the lint of `draft`'s summary and
// of `status` runs the memory's checks like `lint` does; the command `draft` prints to go on repeats
// --memory FILE.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { approval, mail } from '../helpers/memory-records.js';
import { CALL_PROFILE } from '../helpers/profiles.js';
import { withMemoryFile } from '../helpers/memory-stores.js';
import { useFakeOllama } from '../helpers/use-fake-ollama.js';
import { MemoryStore } from '../../src/io/memory/memory-store.js';

const fake = useFakeOllama();
const STACK = /\n\s+at .+:\d+:\d+/;
const CSV = 'first_name,email,company\nAna,ana@example.org,Acme\nBen,ben@example.org,Globex\nCleo,cleo@example.org,Initech\n';

interface Campaign {
  dir: string;
  memory: string;
  run: (args: string[]) => ReturnType<typeof runCli>;
}

function campaign(): Campaign {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'draftsmith-memory-follow-'));
  writeFileSync(path.join(dir, 'p.yaml'), CALL_PROFILE);
  writeFileSync(path.join(dir, 'people.csv'), CSV);
  const memory = path.join(dir, 'data', 'memory.db');
  return { dir, memory, run: (args) => runCli(args, { cwd: dir, env: { DRAFTSMITH_MEMORY: memory } }) };
}

async function ok(run: ReturnType<typeof runCli>) {
  const r = await run;
  expect(r.stderr).not.toMatch(STACK);
  expect(r.code).toBe(0);
  return r;
}

const draft = (c: Campaign, ...extra: string[]) => ok(c.run(['draft', 'people.csv', '--profile', 'p.yaml', '--host', fake.server.url, ...extra]));

/** [address, state, version] of every approval the memory holds, in the order they were made. */
function approvals(file: string): [string, string, number][] {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db
      .prepare("SELECT p.email, m.state, m.version FROM messages m JOIN people p ON p.id = m.person_id WHERE m.campaign IS NOT NULL ORDER BY m.id")
      .all() as { email: string; state: string; version: number }[];
    return rows.map((r) => [r.email, r.state, r.version]);
  } finally {
    db.close();
  }
}

/** The subject and body the fake model writes for the recipient named in the request's data. */
function personalAnswer(request: string): string {
  const first = /\\"first_name\\": \\"(\w+)\\"/.exec(request)![1]!;
  const company = /\\"company\\": \\"(\w+)\\"/.exec(request)![1]!;
  return JSON.stringify({ subject: `A note for ${first} at ${company}`, body: `Hi ${first},\nI came across the work at ${company} and wanted to say hello. Best regards` });
}

describe('the memory follows the drafts file', () => {
  it('draft --force of an approved recipient withdraws its approval; an opt-out after approval (excluded) does too; under --no-memory nothing is recorded, and the next run with the memory catches up', async () => {
    const c = campaign();
    await draft(c);
    await ok(c.run(['approve', '--rows', '1-3', '--reviewer', 'sam']));
    expect(approvals(c.memory)).toEqual([
      ['ana@example.org', 'approved', 1],
      ['ben@example.org', 'approved', 1],
      ['cleo@example.org', 'approved', 1],
    ]);

    // A new version of Ana: the drafts file no longer holds her approval, nor does the memory.
    await draft(c, '--force', '--rows', '1');
    expect(approvals(c.memory)[0]).toEqual(['ana@example.org', 'withdrawn', 1]);
    const status = JSON.parse((await ok(c.run(['status', '--format', 'json']))).stdout);
    expect(status.counts).toMatchObject({ drafted: 1, approved: 2 });

    // Ben opts out after his approval: draft records him excluded, and the approval is withdrawn.
    await withMemoryFile(c.memory, (m) => m.optOut('ben@example.org', 'history optout'));
    const excluded = await draft(c);
    expect(excluded.stderr).toMatch(/row 2: opted out: history optout/);
    expect(approvals(c.memory)[1]).toEqual(['ben@example.org', 'withdrawn', 1]);

    // --no-memory records nothing: Cleo's new version leaves the memory as it was.
    await draft(c, '--force', '--rows', '3', '--no-memory');
    expect(approvals(c.memory)[2]).toEqual(['cleo@example.org', 'approved', 1]);
    // ...until the next run with the memory finds the drafts file no longer approves that version.
    const caught = await draft(c);
    expect(caught.stderr).toMatch(/0 drafted · 2 cached · 1 excluded/);
    expect(approvals(c.memory)[2]).toEqual(['cleo@example.org', 'withdrawn', 1]);

    // Approving Ana's new version records it; the withdrawn one stays withdrawn.
    await ok(c.run(['approve', '--rows', '1', '--reviewer', 'sam']));
    expect(approvals(c.memory).filter(([who]) => who === 'ana@example.org')).toEqual([
      ['ana@example.org', 'withdrawn', 1],
      ['ana@example.org', 'approved', 2],
    ]);
  }, 60_000);

  it('draft --redraft-stale --redraft-decided of an approved recipient who replied since withdraws the approval', async () => {
    const c = campaign();
    await draft(c);
    await ok(c.run(['approve', '--rows', '2', '--reviewer', 'sam']));
    await withMemoryFile(c.memory, (m) => m.importBatch([mail({ address: 'ben@example.org', text: 'Call me next week.', at: new Date(Date.now() + 5).toISOString() })]));
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Without --redraft-decided the approved draft is kept, and so is its approval.
    await draft(c, '--redraft-stale');
    expect(approvals(c.memory)).toEqual([['ben@example.org', 'approved', 1]]);
    const redrafted = await draft(c, '--redraft-stale', '--redraft-decided');
    expect(redrafted.stderr).toMatch(/1 drafted/);
    expect(approvals(c.memory)).toEqual([['ben@example.org', 'withdrawn', 1]]);
  }, 60_000);

  it('draft --batch-out records an opt-out after approval as excluded and withdraws the approval, as a live run does', async () => {
    const c = campaign();
    await draft(c);
    await ok(c.run(['approve', '--rows', '1-3', '--reviewer', 'sam']));
    await withMemoryFile(c.memory, (m) => m.optOut('ana@example.org', 'history optout'));
    const out = await ok(c.run(['draft', 'people.csv', '--profile', 'p.yaml', '--batch-out', 'requests.jsonl', '--model', 'gpt-4o-mini']));
    expect(out.stderr).not.toMatch(STACK);
    expect(approvals(c.memory).map(([who, state]) => [who, state])).toEqual([
      ['ana@example.org', 'withdrawn'],
      ['ben@example.org', 'approved'],
      ['cleo@example.org', 'approved'],
    ]);
  }, 60_000);

  it("draft's summary and status lint with the memory's checks: repeats-earlier for what another campaign approved; none under --no-memory", async () => {
    // Each recipient's own draft, whatever history block comes before their data in the prompt.
    fake.server.setBehaviour(() => ({ content: (req) => personalAnswer(JSON.stringify(req.body)) }));
    const c = campaign();
    // What another campaign approved for Ana: the fake model writes the same subject again.
    await withMemoryFile(c.memory, (m) => m.recordApproval(approval({ campaign: '/elsewhere/spring.drafts.jsonl', subject: 'A note for Ana at Acme', at: new Date(Date.now() - 86_400_000).toISOString() })));
    const first = await draft(c);
    expect(first.stderr).toMatch(/lint: 3 draft\(s\): 0 with errors · 1 with warnings · 2 clean\n {2}repeats-earlier ×1/);
    const status = await ok(c.run(['status']));
    expect(status.stdout).toMatch(/lint: 3 draft\(s\): 0 with errors · 1 with warnings · 2 clean\n {2}repeats-earlier ×1/);

    const blind = await ok(c.run(['status', '--no-memory']));
    expect(blind.stdout).toMatch(/lint: 3 draft\(s\): 0 with errors · 0 with warnings · 3 clean/);
    const again = await draft(c, '--force', '--no-memory');
    expect(again.stderr).toMatch(/lint: 3 draft\(s\): 0 with errors · 0 with warnings · 3 clean/);
  }, 60_000);

  it('status lints an opted-out recipient\'s draft as opted-out (an error), like `lint`', async () => {
    const c = campaign();
    await draft(c);
    await withMemoryFile(c.memory, (m) => m.optOut('cleo@example.org', 'history optout'));
    const status = await ok(c.run(['status']));
    expect(status.stdout).toMatch(/lint: 3 draft\(s\): 1 with errors[^\n]*\n {2}opted-out ×1\n {2}rows with errors: 3/);
  }, 60_000);

  it('the command draft prints to redraft what a reply made stale repeats --memory FILE', async () => {
    const c = campaign();
    const own = path.join(c.dir, 'own memory.db');
    await draft(c, '--memory', 'own memory.db');
    await withMemoryFile(own, (m) => m.importBatch([mail({ address: 'ben@example.org', text: 'Call me next week.', at: new Date(Date.now() + 5).toISOString() })]));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const kept = await draft(c, '--memory', 'own memory.db');
    expect(kept.stderr).toMatch(/to redraft them with the reply in view: draftsmith draft people\.csv --profile p\.yaml --host \S+ --memory 'own memory\.db' --redraft-stale\n/);
  }, 60_000);
});
