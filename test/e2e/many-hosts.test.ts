// `draft --host A --host B --host C`: the built binary against three fake Ollama servers of
// different speeds. Rows go to whichever host has a free slot; a host closed mid-run loses
// nothing and repeats at most the requests it had in flight; brought back on the same port, it
// is used again.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fixture, runCli } from '../helpers/cli.js';
import { readDrafts } from '../helpers/jsonl.js';
import { startFakeOllama, type FakeOllama } from '../helpers/fake-ollama/index.js';
import { waitFor } from '../helpers/wait.js';

function campaign(rows: number): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'draftsmith-hosts-'));
  const lines = ['first_name,last_name,email,company'];
  for (let i = 1; i <= rows; i++) lines.push(`Person${i},Last${i},p${i}@example.org,Company ${i}`);
  writeFileSync(path.join(d, 'leads.csv'), `${lines.join('\n')}\n`);
  return d;
}

const chats = (s: FakeOllama) => s.requests.filter((r) => r.path === '/api/chat').length;
const hostArgs = (servers: FakeOllama[]) => servers.flatMap((s) => ['--host', s.url]);

async function servers(latencies: number[]): Promise<FakeOllama[]> {
  return Promise.all(latencies.map((latencyMs) => startFakeOllama({ slots: 2, latencyMs })));
}

describe('draft over several hosts (end to end, fake Ollama servers)', () => {
  it('keeps three hosts of different speeds busy, each in proportion to its speed, and says which host drafted each row', async () => {
    const s = await servers([20, 60, 180]);
    try {
      const d = campaign(60);
      const run = await runCli(['draft', 'leads.csv', '-p', fixture('profile.yaml'), ...hostArgs(s), '--concurrency', '2'], { cwd: d });
      expect(run.stderr).toContain('drafting 60 recipient(s) with ollama');
      expect(run.code).toBe(0);
      const records = readDrafts(path.join(d, 'leads.drafts.jsonl'));
      expect(records.filter((r) => r.status === 'drafted')).toHaveLength(60);
      const counts = s.map(chats);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(60);
      // Speeds 9 : 3 : 1; timing noise aside, the order holds and the slow host still helps.
      expect(counts[0]!).toBeGreaterThan(counts[1]!);
      expect(counts[1]!).toBeGreaterThan(counts[2]!);
      expect(counts[2]!).toBeGreaterThan(0);
      for (const [i, server] of s.entries()) {
        expect(records.filter((r) => r.host === `127.0.0.1:${server.port}`)).toHaveLength(counts[i]!);
      }
      expect(run.stderr).toMatch(new RegExp(`hosts:\\n  127\\.0\\.0\\.1:${s[0]!.port}\\s+${counts[0]} drafts · 0 failures · avg \\d+ms`));
    } finally {
      await Promise.all(s.map((x) => x.close()));
    }
  });

  it('closing a host mid-run loses nothing and repeats at most its requests in flight; brought back on the same port, it is used again', async () => {
    const s = await servers([30, 30, 30]);
    let back: FakeOllama | undefined;
    try {
      const d = campaign(120);
      const run = runCli(['draft', 'leads.csv', '-p', fixture('profile.yaml'), ...hostArgs(s), '--concurrency', '2', '--host-retry-after', '0.3'], { cwd: d });
      const gone = s[2]!;
      await waitFor(() => chats(gone) >= 5, 20_000, 5);
      const inFlight = gone.active;
      const beforeClose = chats(gone);
      await gone.close();
      await new Promise((r) => setTimeout(r, 400));
      back = await startFakeOllama({ slots: 2, latencyMs: 30, port: gone.port });
      const result = await run;
      expect(result.code).toBe(0);
      const records = readDrafts(path.join(d, 'leads.drafts.jsonl'));
      expect(records.filter((r) => r.status === 'drafted')).toHaveLength(120);
      const total = chats(s[0]!) + chats(s[1]!) + beforeClose + chats(back);
      expect(total - 120).toBeLessThanOrEqual(inFlight);
      expect(inFlight).toBeLessThanOrEqual(2);
      expect(chats(back)).toBeGreaterThan(0);
      expect(records.filter((r) => r.host === `127.0.0.1:${gone.port}`).length).toBeGreaterThan(0);
      expect(result.stderr).toMatch(/set aside once|set aside \d+ times/);
    } finally {
      await Promise.all([...s.slice(0, 2), ...(back ? [back] : [])].map((x) => x.close()));
    }
  });

  it('the host is not part of a draft: a re-run over another host list (or one host) reuses every draft', async () => {
    const s = await servers([5, 5, 5]);
    try {
      const d = campaign(12);
      const args = ['draft', 'leads.csv', '-p', fixture('profile.yaml')];
      expect((await runCli([...args, '--host', `${s[0]!.url},${s[1]!.url}`], { cwd: d })).code).toBe(0);
      expect(chats(s[0]!) + chats(s[1]!)).toBe(12);
      const again = await runCli([...args, '--host', s[2]!.url], { cwd: d });
      expect(again.code).toBe(0);
      expect(again.stderr).toMatch(/0 drafted · 12 cached/);
      expect(chats(s[2]!)).toBe(0);
      expect(chats(s[0]!) + chats(s[1]!)).toBe(12);
    } finally {
      await Promise.all(s.map((x) => x.close()));
    }
  });
});
