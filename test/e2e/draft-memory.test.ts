// The built binary drafting with a real memory (DRAFTSMITH_MEMORY in a temp folder, built through
// MemoryStore's API) against the fake Ollama server: continuity in the prompt the server receives,
// opt-outs skipped with zero requests and named in the summary, re-evaluated after `optIn`, stale by
// a reply in `status` and redrafted by --redraft-stale, the history block in --dry-run, --no-memory.
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MemoryStore } from '../../src/io/memory/memory-store.js';
import { fixture, runCli } from '../helpers/cli.js';
import { readJsonl } from '../helpers/jsonl.js';
import { mail } from '../helpers/memory-records.js';
import { withMemoryFile } from '../helpers/memory-stores.js';
import { useFakeOllama } from '../helpers/use-fake-ollama.js';

const fake = useFakeOllama();
const STACK = /\n\s+at .+\(.*:\d+:\d+\)/;
const HISTORY = 'Earlier messages with this recipient, newest first';
let dir: string;
let memoryFile: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'draftsmith-e2e-memory-'));
  memoryFile = path.join(dir, 'data', 'memory.db');
  copyFileSync(fixture('profile.yaml'), path.join(dir, 'profile.yaml'));
  const rows = ['Ana,Lima,ana@example.org,Northwind', 'Ben,Okafor,ben@example.org,Kraftwerk', 'Caro,Diaz,caro@example.org,Tidewater'];
  writeFileSync(path.join(dir, 'leads.csv'), ['first_name,last_name,email,company', ...rows, ''].join('\n'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const memory = (use: (m: MemoryStore) => void) => withMemoryFile(memoryFile, use);

const env = () => ({ DRAFTSMITH_MEMORY: memoryFile });
const draft = (...extra: string[]) => runCli(['draft', 'leads.csv', '--profile', 'profile.yaml', '--host', fake.server.url, ...extra], { cwd: dir, env: env() });

/** The requests the fake server got since `from`, by the first name in their recipient data. */
function requests(from: number): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of fake.chats().slice(from)) {
    const user = (r.body as { messages: { content: string }[] }).messages[1]!.content;
    out.set(/"first_name": "(\w+)"/.exec(user)![1]!, user);
  }
  return out;
}

describe('draftsmith draft with a memory (end to end, fake Ollama)', () => {
  it('continuity in the prompt; the opted-out recipient gets zero requests and is named; optin brings them back', async () => {
    await memory((m) => {
      m.importBatch([mail({ address: 'ana@example.org', text: 'Not now, try me in Q1.', at: '2026-01-03T09:00:00.000Z' })]);
      m.optOut('ben@example.org', 'history optout');
    });
    const before = fake.chats().length;
    const first = await draft();
    expect(first.stderr).not.toMatch(STACK);
    expect(first.code).toBe(0);
    const sent = requests(before);
    expect([...sent.keys()].sort()).toEqual(['Ana', 'Caro']);
    expect(sent.get('Ana')).toContain(HISTORY);
    expect(sent.get('Ana')).toContain('Not now, try me in Q1.');
    expect(sent.get('Caro')).not.toContain(HISTORY);
    expect(first.stderr).toMatch(/1 excluded/);
    expect(first.stderr).toMatch(/1 recipient\(s\) not drafted: the memory says not to contact them \(recorded as excluded\):\n {2}row 2: opted out: history optout/);

    const status = await runCli(['status', 'leads.drafts.jsonl'], { cwd: dir, env: env() });
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/ {2}excluded {4}1/);
    expect(status.stdout).toMatch(/excluded \(the memory says not to contact them[^\n]*\n {2}row 2: opted out: history optout/);

    await memory((m) => m.optIn('ben@example.org'));
    const between = fake.chats().length;
    const back = await draft();
    expect(back.code).toBe(0);
    expect([...requests(between).keys()]).toEqual(['Ben']);
    expect(back.stderr).not.toMatch(/excluded/);
  });

  it('a reply after the draft: status shows it stale by reply; --redraft-stale redrafts it with the reply; --dry-run shows the block', async () => {
    await memory(() => {});
    expect((await draft()).code).toBe(0);
    const replyAt = new Date(Date.now() + 5).toISOString();
    await memory((m) => m.importBatch([mail({ address: 'caro@example.org', text: 'Happy to talk, Tuesday works.', at: replyAt })]));
    await new Promise((resolve) => setTimeout(resolve, 20));

    const status = await runCli(['status', 'leads.drafts.jsonl', '--format', 'json'], { cwd: dir, env: env() });
    expect(JSON.parse(status.stdout).staleByReply).toEqual([{ row: 3, status: 'drafted', repliedAt: replyAt }]);
    const text = await runCli(['status', 'leads.drafts.jsonl'], { cwd: dir, env: env() });
    expect(text.stdout).toMatch(/stale by reply 1 {2}\(the person wrote after their draft[^\n]*\n {4}row 3 \(drafted\): reply of /);

    const before = fake.chats().length;
    const kept = await draft();
    expect(kept.code).toBe(0);
    expect(fake.chats().length).toBe(before);
    expect(kept.stderr).toMatch(/stale by a reply[^\n]*rows 3\n {2}to redraft them with the reply in view: draftsmith draft leads\.csv --profile profile\.yaml --host \S+ --redraft-stale/);

    const dry = await runCli(['draft', 'leads.csv', '--profile', 'profile.yaml', '--dry-run', '--format', 'text', '--rows', '3'], { cwd: dir, env: env() });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/===== row 3 =====\n--- system ---\n[\s\S]*\nEarlier messages\n[\s\S]*--- user ---\nEarlier messages with this recipient[\s\S]*Happy to talk, Tuesday works\./);

    const redraft = await draft('--redraft-stale');
    expect(redraft.code).toBe(0);
    const sent = requests(before);
    expect([...sent.keys()]).toEqual(['Caro']);
    expect(sent.get('Caro')).toContain('Happy to talk, Tuesday works.');
    const caro = readJsonl(path.join(dir, 'leads.drafts.jsonl')).filter((r) => r.type === 'draft' && r.row === 3);
    expect(caro.map((r) => r.version)).toEqual([1, 2]);
    expect(caro[1]).toMatchObject({ history: { items: 1, latest: replyAt }, seed: 42, temperature: 0.7, modelDigest: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('--no-memory honours the opt-out and sends no history', async () => {
    await memory((m) => {
      m.importBatch([mail({ address: 'ana@example.org', text: 'Not now, try me in Q1.' })]);
      m.optOut('caro@example.org', 'history optout');
    });
    const before = fake.chats().length;
    const run = await draft('--no-memory');
    expect(run.code).toBe(0);
    const sent = requests(before);
    expect([...sent.keys()].sort()).toEqual(['Ana', 'Ben']);
    for (const user of sent.values()) expect(user).not.toContain(HISTORY);
    expect(run.stderr).toMatch(/row 3: opted out: history optout/);
  });
});
