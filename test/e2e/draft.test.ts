// The built binary, spawned as a user runs it, against the fake Ollama server.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, copyFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fixture, runCli } from '../helpers/cli.js';
import { readDrafts } from '../helpers/jsonl.js';
import { startFakeOllama } from '../helpers/fake-ollama/index.js';
import { useFakeOllama, withFakeOllama } from '../helpers/use-fake-ollama.js';
import { waitFor } from '../helpers/wait.js';

const fake = useFakeOllama();
let dir: string;

function tmp(): string {
  dir = mkdtempSync(path.join(os.tmpdir(), 'draftsmith-e2e-'));
  return dir;
}

const fixtureRows = readFileSync(fixture('recipients.csv'), 'utf8');
const STACK = /\n\s+at .+\(.*:\d+:\d+\)/;

describe('draftsmith draft (end to end, fake Ollama)', () => {
  it('drafts every fixture recipient into the drafts file (one /api/tags probe, the system prompt stored once); a re-run sends nothing and says cached; a changed row is redrafted alone; --force --quiet redrafts every row, silently', async () => {
    const d = tmp();
    copyFileSync(fixture('recipients.csv'), path.join(d, 'people.csv'));
    const before = fake.chats().length;
    const tagsBefore = fake.server.requests.filter((r) => r.path === '/api/tags').length;
    const first = await runCli(['draft', 'people.csv', '--profile', fixture('profile.yaml'), '--host', fake.server.url], { cwd: d });
    expect(first.stderr).not.toMatch(STACK);
    expect(first.code).toBe(0);
    // --engine auto asks Ollama for its models once: the probe's answer also checks the model.
    expect(fake.server.requests.filter((r) => r.path === '/api/tags').length - tagsBefore).toBe(1);
    const draftsFile = path.join(d, 'people.drafts.jsonl');
    const records = readDrafts(draftsFile);
    const sent = fake.chats().slice(before);
    expect(records.length).toBe(sent.length);
    expect(records.length).toBeGreaterThanOrEqual(10);
    const rows = records.map((r) => r.row).sort((a, b) => a - b);
    expect(rows).toEqual(Array.from({ length: records.length }, (_, i) => i + 1));
    for (const r of records) {
      expect(r.status).toBe('drafted');
      expect(r.body.length).toBeGreaterThan(0);
      expect(r.fingerprint).toMatch(/^[0-9a-f]{16,}$/);
    }
    expect(first.stderr).toMatch(/drafted/i);
    // The system prompt, the same for everyone, is stored once; each draft names it.
    const raw = readFileSync(draftsFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const prompts = raw.filter((r) => r.type === 'prompt');
    expect(prompts).toHaveLength(1);
    expect(records.every((r) => r.messages[0].role === 'system' && r.messages[0].content === prompts[0].content)).toBe(true);
    expect(raw.filter((r) => r.type === 'draft').every((r) => r.messages[0].prompt === prompts[0].id)).toBe(true);

    // Same inputs: no model request at all.
    const second = await runCli(['draft', 'people.csv', '--profile', fixture('profile.yaml'), '--host', fake.server.url], { cwd: d });
    expect(second.code).toBe(0);
    expect(fake.chats().length).toBe(before + sent.length);
    expect(second.stderr).toMatch(/cached/i);

    // One changed row: exactly one request, for that row.
    const csv = readFileSync(path.join(d, 'people.csv'), 'utf8').split('\n');
    csv[2] = csv[2]!.replace(/,([^,]*)$/, ',$1').replace(/^([^,]*),/, 'Changedname,');
    writeFileSync(path.join(d, 'people.csv'), csv.join('\n'));
    const third = await runCli(['draft', 'people.csv', '--profile', fixture('profile.yaml'), '--host', fake.server.url], { cwd: d });
    expect(third.code).toBe(0);
    const newRequests = fake.chats().slice(before + sent.length);
    expect(newRequests.length).toBe(1);
    expect(JSON.stringify(newRequests[0]!.body)).toContain('Changedname');

    // --force: everything again.
    const forced = await runCli(['draft', 'people.csv', '--profile', fixture('profile.yaml'), '--host', fake.server.url, '--force', '--quiet'], { cwd: d });
    expect(forced.code).toBe(0);
    expect(forced.stderr).toBe('');
    expect(fake.chats().length).toBe(before + sent.length + 1 + records.length);
  });

  it('pipes: CSV on stdin, one JSONL record per recipient on stdout in row order, each greeting its own recipient; drafts.jsonl written too; stderr without colour or spinner', async () => {
    const d = tmp();
    const result = await runCli(['draft', '-', '--profile', fixture('profile.yaml'), '--host', fake.server.url, '--out', '-', '--concurrency', '4'], {
      cwd: d,
      input: fixtureRows,
    });
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.row)).toEqual(lines.map((_, i) => i + 1));
    for (const l of lines) {
      expect(l.status).toBe('drafted');
      expect(typeof l.body).toBe('string');
      expect(Object.keys(l.recipient)).toContain('first_name');
      // The fake model writes the recipient's first name into the draft: the right draft went to the right row.
      expect(l.body).toContain(l.recipient.first_name);
    }
    expect(existsSync(path.join(d, 'drafts.jsonl'))).toBe(true);
    expect(result.stderr).not.toContain('\u001b'); // not a TTY: no colour, no spinner
  });

  it('never sends private columns to the model', async () => {
    const d = tmp();
    const before = fake.chats().length;
    const result = await runCli(['draft', fixture('recipients.csv'), '--profile', fixture('profile.yaml'), '--host', fake.server.url, '--drafts', path.join(d, 'x.jsonl')], { cwd: d });
    expect(result.code).toBe(0);
    const bodies = fake.chats().slice(before).map((r) => JSON.stringify(r.body));
    const drafts = readDrafts(path.join(d, 'x.jsonl'));
    const privateValues = drafts.flatMap((r) => [r.recipient.phone, r.recipient.email]).filter((v) => v && v.length > 3);
    expect(privateValues.length).toBeGreaterThan(0);
    for (const body of bodies) for (const v of privateValues) expect(body).not.toContain(v);
  });

  it('--dry-run --rows 1-3 prints the exact messages of rows 1-3 (one system prompt for all), contacts no host and writes no drafts file', async () => {
    const d = tmp();
    const result = await runCli(['draft', fixture('recipients.csv'), '--profile', fixture('profile.yaml'), '--host', 'http://127.0.0.1:9', '--dry-run', '--rows', '1-3'], { cwd: d });
    expect(result.code).toBe(0);
    const entries = result.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(entries.map((e) => e.row)).toEqual([1, 2, 3]);
    expect(entries[0].messages[0].role).toBe('system');
    expect(entries[0].messages[0].content).toBe(entries[1].messages[0].content);
    expect(existsSync(path.join(path.dirname(fixture('recipients.csv')), 'recipients.drafts.jsonl'))).toBe(false);
  });

  it('says plainly when Ollama is unreachable (exit 1, names the host and `ollama serve`, no stack)', async () => {
    const d = tmp();
    const result = await runCli(['draft', fixture('recipients.csv'), '--profile', fixture('profile.yaml'), '--host', 'http://127.0.0.1:9', '--drafts', path.join(d, 'd.jsonl')], { cwd: d });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('127.0.0.1:9');
    expect(result.stderr).toContain('ollama serve');
    expect(result.stderr).not.toMatch(STACK);
  });

  it('a missing model: exit 1, and tells the user to `ollama pull` it', async () => {
    const d = tmp();
    const result = await runCli(['draft', fixture('recipients.csv'), '--profile', fixture('profile.yaml'), '--host', fake.server.url, '--model', 'nosuchmodel', '--drafts', path.join(d, 'd.jsonl')], { cwd: d });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('ollama pull nosuchmodel');
  });

  it('refuses a non-local host without --allow-remote (exit 2, names the flag)', async () => {
    const result = await runCli(['draft', fixture('recipients.csv'), '--profile', fixture('profile.yaml'), '--host', 'http://10.1.2.3:11434'], { cwd: tmp() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--allow-remote');
  });

  it('names the failed row with its error, exits 1, and a re-run retries only that row', async () => {
    const d = tmp();
    const csv = path.join(d, 'p.csv');
    copyFileSync(fixture('recipients.csv'), csv);
    // Fail the 2nd recipient, recognised by its first name in the request.
    const lines = readFileSync(csv, 'utf8').split('\n');
    const name2 = lines[2]!.split(',')[0]!;
    fake.server.setBehaviour((req) => (JSON.stringify(req.body).includes(`\\"${name2}\\"`) ? { status: 400, error: 'simulated bad request' } : undefined));
    const first = await runCli(['draft', 'p.csv', '--profile', fixture('profile.yaml'), '--host', fake.server.url], { cwd: d });
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(/row 2\b/);
    expect(first.stderr).toContain('simulated bad request');
    fake.server.setBehaviour(undefined);
    const before = fake.chats().length;
    const again = await runCli(['draft', 'p.csv', '--profile', fixture('profile.yaml'), '--host', fake.server.url], { cwd: d });
    expect(again.code).toBe(0);
    const retried = fake.chats().slice(before);
    expect(retried.length).toBe(1);
    expect(JSON.stringify(retried[0]!.body)).toContain(name2);
  });

  it('a second draft process on a locked drafts file refuses: exit 1, names the other draftsmith and its pid', async () => {
    const d = tmp();
    const drafts = path.join(d, 'x.drafts.jsonl');
    writeFileSync(`${drafts}.lock`, JSON.stringify({ pid: process.pid, host: os.hostname(), started: new Date().toISOString() }));
    const result = await runCli(['draft', fixture('recipients.csv'), '--profile', fixture('profile.yaml'), '--host', fake.server.url, '--drafts', drafts], { cwd: d });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/another draftsmith/i);
    expect(result.stderr).toContain(String(process.pid));
  });

  it('Ctrl-C stops cleanly: exit 130 with a resume hint, finished drafts kept; a re-run requests only the rest', async () => {
    const d = tmp();
    const csv = path.join(d, 'p.csv');
    copyFileSync(fixture('recipients.csv'), csv);
    fake.server.setBehaviour(() => ({ latencyMs: 300 }));
    const run = runCli(['draft', 'p.csv', '--profile', fixture('profile.yaml'), '--host', fake.server.url, '--concurrency', '1'], { cwd: d });
    const drafts = path.join(d, 'p.drafts.jsonl');
    await waitFor(() => existsSync(drafts) && readDrafts(drafts).length >= 2, 20_000);
    run.child.kill('SIGINT');
    const result = await run;
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(/resume/i);
    const kept = readDrafts(drafts);
    expect(kept.length).toBeGreaterThanOrEqual(2);
    expect(kept.every((r) => r.status === 'drafted')).toBe(true);
    fake.server.setBehaviour(undefined);
    const before = fake.chats().length;
    const again = await runCli(['draft', 'p.csv', '--profile', fixture('profile.yaml'), '--host', fake.server.url], { cwd: d });
    expect(again.code).toBe(0);
    const all = readDrafts(drafts);
    const rows = new Set(all.map((r) => r.row));
    // Only the rows not finished before Ctrl-C were requested again.
    expect(fake.chats().length - before).toBe(rows.size - kept.length);
    expect(all.length).toBe(rows.size);
  });

  it('kill -9 mid-run: status still loads the drafts file, and a re-run takes over the stale lock and completes every row', async () => {
    const d = tmp();
    copyFileSync(fixture('recipients.csv'), path.join(d, 'p.csv'));
    fake.server.setBehaviour(() => ({ latencyMs: 200 }));
    const run = runCli(['draft', 'p.csv', '--profile', fixture('profile.yaml'), '--host', fake.server.url, '--concurrency', '2'], { cwd: d });
    const drafts = path.join(d, 'p.drafts.jsonl');
    await waitFor(() => existsSync(drafts) && readDrafts(drafts).length >= 3, 20_000);
    run.child.kill('SIGKILL');
    await run;
    fake.server.setBehaviour(undefined);
    const status = await runCli(['status', 'p.drafts.jsonl'], { cwd: d });
    expect(status.code).toBe(0);
    const again = await runCli(['draft', 'p.csv', '--profile', fixture('profile.yaml'), '--host', fake.server.url], { cwd: d });
    expect(again.code).toBe(0); // the stale lock of the killed process is taken over
    const byRow = new Map(readDrafts(drafts).map((r) => [r.row, r]));
    const scan = await runCli(['draft', 'p.csv', '--profile', fixture('profile.yaml'), '--dry-run'], { cwd: d });
    expect(byRow.size).toBe(scan.stdout.trim().split('\n').length);
  });
});

describe('draftsmith draft: answers cut at the token limit', () => {
  it('keeps the draft, marks it cut, and names the row with the fix in the summary', async () => {
    const d = tmp();
    writeFileSync(path.join(d, 'few.csv'), 'first_name,company\nAna,Acme\nBen,Globex\nCleo,Initech\n');
    fake.server.setBehaviour((req) => (JSON.stringify(req.body?.messages ?? []).includes('Globex') ? { doneReason: 'length' } : undefined));
    const r = await runCli(['draft', 'few.csv', '--profile', fixture('profile.yaml'), '--host', fake.server.url], { cwd: d });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/1 draft\(s\) stopped at the token limit and may end mid-sentence: rows 2\n/);
    expect(r.stderr).toMatch(/raise model\.num_predict/);
    const records = readDrafts(path.join(d, 'few.drafts.jsonl'));
    const cutByRow = Object.fromEntries(records.map((x) => [x.row, x.cut === true]));
    expect(cutByRow).toEqual({ 1: false, 2: true, 3: false });
  });
});

describe('draftsmith draft --out - when the reader goes away', () => {
  it('stops drafting once stdout is closed (`| head -1`): says it stopped, no stack, exit 0, fewer than 20 of 40 rows requested, and keeps what it drafted', async () => {
    const d = tmp();
    const lines = ['first_name,company'];
    for (let i = 1; i <= 40; i++) lines.push(`Person${i},Company${i}`);
    writeFileSync(path.join(d, 'many.csv'), `${lines.join('\n')}\n`);
    fake.server.setBehaviour(() => ({ latencyMs: 60 }));
    const before = fake.chats().length;
    const run = runCli(['draft', 'many.csv', '--profile', fixture('profile.yaml'), '--host', fake.server.url, '--concurrency', '1', '--out', '-'], { cwd: d });
    // Read the first record, then hang up like `head -1` does.
    await new Promise<void>((resolve) => {
      let got = '';
      run.child.stdout!.on('data', (chunk: Buffer) => {
        got += chunk.toString();
        if (got.includes('\n')) {
          run.child.stdout!.destroy();
          resolve();
        }
      });
    });
    const r = await run;
    expect(r.stderr).not.toMatch(STACK);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/closed the pipe: stopped/);
    const sent = fake.chats().length - before;
    expect(sent).toBeLessThan(20);
    // Everything drafted before the stop is in the drafts file.
    expect(readDrafts(path.join(d, 'many.drafts.jsonl')).length).toBeGreaterThanOrEqual(1);
  });
});

describe('draftsmith draft when Ollama goes away for good', () => {
  it('stops within --give-up-after once Ollama dies: exit 1, keeps the drafts, writes no failed record, says what stopped it, prints the resume command and counts retries; that command, with Ollama back on the port, drafts only the rest', async () => {
    const d = tmp();
    copyFileSync(fixture('recipients.csv'), path.join(d, 'p.csv'));
    const dying = await startFakeOllama({ slots: 2, latencyMs: 150 });
    const args = ['draft', 'p.csv', '--profile', fixture('profile.yaml'), '--host', dying.url, '--concurrency', '2'];
    const run = runCli([...args, '--give-up-after', '2', '--retries', '50'], { cwd: d });
    const drafts = path.join(d, 'p.drafts.jsonl');
    await waitFor(() => existsSync(drafts) && readDrafts(drafts).length >= 2, 20_000);
    await dying.close();
    const closedAt = Date.now();
    const r = await run;
    // 2 s without an answer, plus at most one capped backoff: not 50 retries of every row.
    expect(Date.now() - closedAt).toBeLessThan(8000);
    expect(r.stderr).not.toMatch(STACK);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('drafting 12 recipient(s)');
    const kept = readDrafts(drafts);
    expect(kept.length).toBeGreaterThanOrEqual(2);
    expect(kept.length).toBeLessThan(12);
    // No failed record: the rows caught in the outage stay undrafted.
    expect(kept.every((x) => x.status === 'drafted')).toBe(true);
    expect(r.stderr).toMatch(
      new RegExp(`error: the engine stopped answering \\(nothing for \\d+s; last error: .*\\): stopped with ${kept.length} new draft\\(s\\) kept, ${12 - kept.length} row\\(s\\) not drafted yet\\.`),
    );
    expect(r.stderr).toContain(`resume with: draftsmith draft p.csv --profile ${fixture('profile.yaml')} --host ${dying.url}`);
    expect(r.stderr).toMatch(/^stopped: /m);
    // Retries are counted, not narrated: one line for the first of its kind (stderr is not a terminal).
    expect(r.stderr.match(/retrying/g)?.length ?? 0).toBeLessThanOrEqual(2);
    expect(r.stderr).toMatch(/^\d+ retries \(/m);

    // Ollama is back on the same port: the printed resume command drafts only the missing rows.
    await withFakeOllama({ port: dying.port }, async (back) => {
      const again = await runCli(args, { cwd: d });
      expect(again.code).toBe(0);
      expect(back.requests.filter((q) => q.path === '/api/chat')).toHaveLength(12 - kept.length);
      const all = readDrafts(drafts);
      expect(new Set(all.map((x) => x.row)).size).toBe(12);
      expect(all.every((x) => x.status === 'drafted')).toBe(true);
    });
  });
});
