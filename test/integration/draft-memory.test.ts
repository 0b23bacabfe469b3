// `draft` with a real memory (SQLite in a temp folder, built through MemoryStore's own API) against
// the fake Ollama server: what the server receives is the proof. History in the prompt, opt-outs
// skipped before any request, a growing memory redrafting nothing, stale-by-reply, --no-memory.
import { appendFile, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DraftCampaignOptions } from '../../src/app/draft-campaign.js';
import { draftsStatus } from '../../src/app/drafts-status.js';
import { exportDrafts } from '../../src/app/export-drafts.js';
import { APPROVED_ONLY } from '../../src/core/decisions/rules.js';
import type { MemoryStore } from '../../src/io/memory/memory-store.js';
import type { ImportedMessage } from '../../src/core/memory/records.js';
import { campaignDir } from '../helpers/campaign-dir.js';
import { draftInProcess } from '../helpers/draft-in-process.js';
import { withMemoryFile } from '../helpers/memory-stores.js';
import { readJsonl } from '../helpers/jsonl.js';
import { mail } from '../helpers/memory-records.js';
import { useFakeOllama } from '../helpers/use-fake-ollama.js';

const fake = useFakeOllama();
let dir: string;
let memoryFile: string;
beforeEach(async () => {
  dir = await campaignDir('draft-memory-');
  memoryFile = path.join(dir, 'memory', 'memory.db');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const withMemory = (use: (m: MemoryStore) => void) => withMemoryFile(memoryFile, use);
const run = (extra: Partial<DraftCampaignOptions> = {}, stdout?: PassThrough) => draftInProcess({ dir, memoryFile, host: fake.server.url }, extra, stdout);

const received = (n: number, over: Partial<ImportedMessage> = {}) =>
  mail({ address: `person${n}@example.org`, messageId: `r${n}-${over.at ?? ''}@example.org`, contentHash: `r${n}${over.at ?? ''}`, ...over });

/** The user message of each chat request the fake server got since `from`, by the person it is for. */
function sent(from: number): Map<number, { system: string; user: string }> {
  const out = new Map<number, { system: string; user: string }>();
  for (const r of fake.chats().slice(from)) {
    const messages = (r.body as { messages: { role: string; content: string }[] }).messages;
    const user = messages[1]!.content;
    out.set(Number(/Person(\d)/.exec(user)![1]), { system: messages[0]!.content, user });
  }
  return out;
}

const drafts = () => readJsonl(path.join(dir, 'leads.drafts.jsonl'));
const HISTORY = 'Earlier messages with this recipient, newest first';

describe('draft with a memory', () => {
  it('puts the history into the prompt, skips the opted-out recipient before any request, and records both', async () => {
    await withMemory((m) => {
      m.importBatch([
        received(1, { text: 'Not now, try me in Q1.', at: '2026-01-03T09:00:00.000Z' }),
        mail({ direction: 'sent', address: 'person1@example.org', messageId: 's1@example.org', contentHash: 's1', subject: 'Tidewater beta', text: 'Hi Person1, loved your talk.', at: '2026-01-01T09:00:00.000Z' }),
      ]);
      m.optOut('person2@example.org', 'history optout');
    });
    const before = fake.chats().length;
    const { outcome } = run();
    const done = await outcome;
    expect(done.summary).toMatchObject({ drafted: 2, failed: 0 });
    expect(done.excluded).toEqual([{ row: 2, key: 'email:person2@example.org', reason: 'opted out: history optout' }]);

    const requests = sent(before);
    expect([...requests.keys()].sort()).toEqual([1, 3]);
    const p1 = requests.get(1)!;
    expect(p1.user.startsWith(HISTORY)).toBe(true);
    expect(p1.user).toContain('"direction": "they replied"');
    expect(p1.user).toContain('Not now, try me in Q1.');
    expect(p1.user).toContain('"subject": "Tidewater beta"');
    expect(p1.system).toMatch(/\n\nEarlier messages\nThe request carries a block of earlier messages/);
    // No history: exactly the prompt a run without any memory sends.
    const p3 = requests.get(3)!;
    expect(p3.user).not.toContain(HISTORY);
    expect(p1.system.startsWith(p3.system)).toBe(true);
    expect(p3.system).not.toContain('Earlier messages');

    const records = drafts();
    expect(records.filter((r) => r.type === 'excluded')).toEqual([
      { type: 'excluded', key: 'email:person2@example.org', row: 2, reason: 'opted out: history optout', at: expect.any(String) },
    ]);
    const d1 = records.find((r) => r.type === 'draft' && r.row === 1)!;
    expect(d1).toMatchObject({ history: { items: 2, latest: '2026-01-03T09:00:00.000Z' }, seed: 42, temperature: 0.7, modelDigest: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(d1.examples).toBeGreaterThan(0);
    expect(records.find((r) => r.type === 'draft' && r.row === 3)).not.toHaveProperty('history');

    // The same run again: nothing sent, nothing new written for the excluded recipient.
    const lines = records.length;
    const again = await run().outcome;
    expect(again.summary).toMatchObject({ drafted: 0, cached: 2 });
    expect(fake.chats().length).toBe(before + 2);
    expect(drafts()).toHaveLength(lines);
    // History is provenance, not fingerprint: without the memory's history the drafts are the same.
    expect((await run({ memory: false }).outcome).summary).toMatchObject({ drafted: 0, cached: 2 });
    expect(fake.chats().length).toBe(before + 2);
  });

  it('a growing memory redrafts nothing; a reply after the draft marks it stale, and --redraft-stale redrafts it with the reply in view', async () => {
    await withMemory(() => {});
    await run().outcome;
    const before = fake.chats().length;
    await withMemory((m) =>
      m.importBatch([mail({ direction: 'sent', address: 'person3@example.org', messageId: 'old@example.org', contentHash: 'old', at: '2025-06-01T09:00:00.000Z' })]),
    );
    expect((await run().outcome).summary).toMatchObject({ drafted: 0, cached: 3 });
    expect(fake.chats().length).toBe(before);

    // A reply after the draft, and in the past by the time of the redraft below.
    const replyAt = new Date(Date.now() + 5).toISOString();
    await withMemory((m) => m.importBatch([received(3, { text: 'Sounds good, call me Tuesday.', at: replyAt })]));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const kept = run();
    const keptOutcome = await kept.outcome;
    expect(keptOutcome.summary).toMatchObject({ drafted: 0, cached: 3 });
    expect(fake.chats().length).toBe(before);
    expect(keptOutcome.notes.join('\n')).toMatch(/1 undecided draft\(s\) are stale by a reply \(the person wrote since\): rows 3\n {2}to redraft them with the reply in view: draftsmith draft leads.csv -p profile.yaml --redraft-stale/);
    const status = await draftsStatus({ cwd: dir, lint: false, name: (p) => p, env: { DRAFTSMITH_MEMORY: memoryFile } }, () => {});
    expect(status.report.staleByReply).toEqual([{ row: 3, status: 'drafted', repliedAt: replyAt }]);

    const redrafted = await run({ redraftStale: true }).outcome;
    expect(redrafted.summary).toMatchObject({ drafted: 1, cached: 2 });
    const requests = sent(before);
    expect([...requests.keys()]).toEqual([3]);
    expect(requests.get(3)!.user).toContain('Sounds good, call me Tuesday.');
    // Redrafted: no longer stale.
    const after = await draftsStatus({ cwd: dir, lint: false, name: (p) => p, env: { DRAFTSMITH_MEMORY: memoryFile } }, () => {});
    expect(after.report.staleByReply).toEqual([]);
  });

  it('a decided draft stale by a reply is kept under --redraft-stale and redrafted with --redraft-decided too', async () => {
    await withMemory(() => {});
    await run().outcome;
    const d1 = drafts().find((r) => r.type === 'draft' && r.row === 1)!;
    await appendFile(path.join(dir, 'leads.drafts.jsonl'), `${JSON.stringify({ type: 'decision', key: d1.key, row: 1, status: 'approved', version: 1, at: new Date().toISOString() })}\n`);
    await withMemory((m) => m.importBatch([received(1, { at: new Date(Date.now() + 1000).toISOString() })]));
    const before = fake.chats().length;
    const kept = await run({ redraftStale: true }).outcome;
    expect(fake.chats().length).toBe(before);
    expect(kept.notes.join('\n')).toMatch(/1 decided or edited draft\(s\) are stale by a reply: kept as they are \(rows 1\)\n.*--redraft-stale --redraft-decided/);
    await run({ redraftStale: true, redraftDecided: true }).outcome;
    expect([...sent(before).keys()]).toEqual([1]);
  });

  it('an opt-out after approval excludes the recipient: never exported; after opt-in the next run drafts them again', async () => {
    await withMemory(() => {});
    await run().outcome;
    const d2 = drafts().find((r) => r.type === 'draft' && r.row === 2)!;
    await appendFile(path.join(dir, 'leads.drafts.jsonl'), `${JSON.stringify({ type: 'decision', key: d2.key, row: 2, status: 'approved', version: 1, at: new Date().toISOString() })}\n`);
    await withMemory((m) => m.optOut('person2@example.org', 'asked by phone'));
    const before = fake.chats().length;
    const excluded = await run({ force: true }).outcome;
    expect(excluded.excluded.map((e) => e.row)).toEqual([2]);
    expect([...sent(before).keys()].sort()).toEqual([1, 3]);
    const status = await draftsStatus({ cwd: dir, lint: false, name: (p) => p }, () => {});
    expect(status.report.counts).toMatchObject({ excluded: 1, approved: 0 });
    expect(status.report.excluded).toEqual([{ row: 2, reason: 'opted out: asked by phone' }]);
    const exported = await exportDrafts({ cwd: dir, env: { DRAFTSMITH_MEMORY: memoryFile }, stdout: new PassThrough(), format: 'jsonl', out: 'all.jsonl', choice: { statuses: 'all', includeOrphans: true } });
    expect(exported.written).toBe(2);
    expect(await readFile(path.join(dir, 'all.jsonl'), 'utf8')).not.toContain('person2@example.org');

    await withMemory((m) => m.optIn('person2@example.org'));
    const between = fake.chats().length;
    const back = await run().outcome;
    expect(back.excluded).toEqual([]);
    expect([...sent(between).keys()]).toEqual([2]);
    const again = await draftsStatus({ cwd: dir, lint: false, name: (p) => p }, () => {});
    expect(again.report.counts).toMatchObject({ excluded: 0, drafted: 3 });
  });

  it('--no-memory still skips the opted-out recipient, with zero requests for them, and sends no history', async () => {
    await withMemory((m) => {
      m.importBatch([received(1, { text: 'Not now, try me in Q1.' })]);
      m.optOut('person3@example.org', 'history optout');
    });
    const before = fake.chats().length;
    const done = await run({ memory: false }).outcome;
    expect(done.excluded.map((e) => [e.row, e.reason])).toEqual([[3, 'opted out: history optout']]);
    const requests = sent(before);
    expect([...requests.keys()].sort()).toEqual([1, 2]);
    for (const r of requests.values()) expect(r.user).not.toContain(HISTORY);
  });

  it('--dry-run shows the history block in the messages, and says who is not drafted', async () => {
    await withMemory((m) => {
      m.importBatch([received(1, { text: 'Not now, try me in Q1.' })]);
      m.optOut('person2@example.org', 'history optout');
    });
    const stdout = new PassThrough();
    let printed = '';
    stdout.on('data', (b: Buffer) => (printed += b.toString()));
    const before = fake.chats().length;
    const dry = run({ dryRun: true, format: 'text' }, stdout);
    await dry.outcome;
    expect(fake.chats().length).toBe(before);
    expect(printed).toMatch(/===== row 1 =====[\s\S]*Earlier messages with this recipient[\s\S]*Not now, try me in Q1\./);
    expect(printed).not.toContain('===== row 2 =====');
    expect(printed).toContain('===== row 3 =====');
    expect(dry.said()).toMatch(/row 2 is not drafted: opted out: history optout/);
  });

  it('without a memory file, drafts as before and creates none', async () => {
    const before = fake.chats().length;
    const done = await run().outcome;
    expect(done.summary.drafted).toBe(3);
    expect(done.excluded).toEqual([]);
    for (const r of sent(before).values()) expect(r.user).not.toContain(HISTORY);
    await expect(readFile(memoryFile)).rejects.toThrow();

    // A memory that knows other people: byte for byte the same requests, and the same fingerprints.
    await withMemory((m) => m.importBatch([received(7, { address: 'someone@example.org' })]));
    const between = fake.chats().length;
    const forced = await run({ force: true }).outcome;
    expect(forced.summary.drafted).toBe(3);
    const bodies = (from: number, to?: number) => fake.chats().slice(from, to).map((r) => JSON.stringify(r.body)).sort();
    expect(bodies(between)).toEqual(bodies(before, between));
    const prints = drafts().filter((r) => r.type === 'draft').map((r) => [r.row, r.fingerprint]);
    expect(prints.slice(3).sort()).toEqual(prints.slice(0, 3).sort());
  });
});
