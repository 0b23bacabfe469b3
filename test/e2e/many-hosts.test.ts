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
import { closedPort } from '../helpers/net.js';

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

  it('a host down when the run begins is set aside with a warning, not fatal: the others draft, and once it starts it is used too; every host down is exit 1', async () => {
    const s = await servers([40, 40]);
    const port = await closedPort();
    let late: FakeOllama | undefined;
    try {
      const d = campaign(80);
      const args = ['draft', 'leads.csv', '-p', fixture('profile.yaml'), ...hostArgs(s), '--host', `http://127.0.0.1:${port}`, '--concurrency', '2', '--host-retry-after', '0.3'];
      const run = runCli(args, { cwd: d });
      await waitFor(() => chats(s[0]!) + chats(s[1]!) >= 10, 20_000, 5);
      late = await startFakeOllama({ slots: 2, latencyMs: 40, port });
      const result = await run;
      expect(result.stderr).toMatch(new RegExp(`Cannot reach Ollama at http://127\\.0\\.0\\.1:${port}.*drafting on the other hosts meanwhile; it is tried again every 0\\.3s`));
      expect(result.code).toBe(0);
      expect(readDrafts(path.join(d, 'leads.drafts.jsonl')).filter((r) => r.status === 'drafted')).toHaveLength(80);
      expect(chats(late)).toBeGreaterThan(0);
      await late.close();
      late = undefined;
      await Promise.all(s.map((x) => x.close()));
      const none = await runCli([...args.slice(0, 4), '--host', s[0]!.url, '--host', s[1]!.url, '--force'], { cwd: d });
      expect(none.code).toBe(1);
      expect(none.stderr).toMatch(/Ollama is not answering at/);
    } finally {
      await Promise.all([...s, ...(late ? [late] : [])].map((x) => x.close().catch(() => {})));
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
