// A campaign across runs (issue 8): the resume command a stopped run prints picks up exactly where
// it stopped, and drafts files written by draftsmith before recipient keys still read and are reused.
import { describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot, runCli } from '../helpers/cli.js';
import { parseJsonl, readDrafts, readJsonl } from '../helpers/jsonl.js';
import { useFakeOllama } from '../helpers/use-fake-ollama.js';
import { CALL_PROFILE } from '../helpers/profiles.js';
import { waitFor } from '../helpers/wait.js';

const fake = useFakeOllama();

/** The words of a command line as a POSIX shell splits them (plain words and '...' quoting). */
function shellSplit(line: string): string[] {
  const words: string[] = [];
  for (const m of line.matchAll(/(?:[^\s']+|'[^']*')+/g)) words.push(m[0].replace(/'([^']*)'/g, '$1'));
  return words;
}

describe('the resume command of an interrupted run', () => {
  it('Ctrl-C during a run with --temperature --seed --limit --encoding on a Windows-1252 CSV: exit 130 and a resume command with all four; running it requests only the rows not finished, with that temperature and seed, and rows 1-10 end drafted with their names decoded', async () => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'draftsmith-campaign-'));
    writeFileSync(path.join(d, 'p.yaml'), CALL_PROFILE);
    const names = ['Zoé', 'Jürgen', 'Núria', 'Søren', 'Amélie', 'Çelik', 'Inès', 'Björn', 'Ana', 'Ben', 'Cleo', 'Dan'];
    const csv = ['first_name,email,company', ...names.map((n, i) => `${n},p${i + 1}@example.org,Café ${i + 1}`)].join('\r\n');
    // Latin-1 bytes are Windows-1252 for these letters: not UTF-8, as Excel on Windows writes it.
    writeFileSync(path.join(d, 'people.csv'), Buffer.from(`${csv}\r\n`, 'latin1'));

    fake.server.setBehaviour(() => ({ latencyMs: 300 }));
    const args = ['draft', 'people.csv', '-p', 'p.yaml', '--host', fake.server.url, '--concurrency', '1'];
    const run = runCli([...args, '--temperature', '0.3', '--seed', '5', '--limit', '10', '--encoding', 'windows-1252'], { cwd: d });
    const drafts = path.join(d, 'people.drafts.jsonl');
    await waitFor(() => existsSync(drafts) && readDrafts(drafts).length >= 2, 20_000);
    run.child.kill('SIGINT');
    const stopped = await run;
    expect(stopped.code).toBe(130);
    const kept = readDrafts(drafts).length;
    expect(kept).toBeLessThan(10);

    const resume = /resume with: (draftsmith draft .*)$/m.exec(stopped.stderr)?.[1];
    expect(resume).toBeDefined();
    const words = shellSplit(resume!);
    for (const [flag, value] of [['--temperature', '0.3'], ['--seed', '5'], ['--limit', '10'], ['--encoding', 'windows-1252']]) {
      expect(words[words.indexOf(flag) + 1], flag).toBe(value);
    }

    fake.server.setBehaviour(undefined);
    const before = fake.chats().length;
    const resumed = await runCli(words.slice(1), { cwd: d });
    expect(resumed.code).toBe(0);
    const sent = fake.chats().slice(before);
    expect(sent).toHaveLength(10 - kept);
    for (const q of sent) expect(q.body.options).toMatchObject({ temperature: 0.3, seed: 5 });
    const all = readDrafts(drafts);
    expect(all.map((r) => r.row).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(all.find((r) => r.row === 1)!.recipient.first_name).toBe('Zoé');
  });
});

// test/fixtures/legacy-drafts: a drafts file written by draftsmith 9a98652 (before recipient keys;
// see its README): rows 1 and 3 approved, row 2 edited the old way, row 4 drafted.
const LEGACY = path.join(repoRoot, 'test/fixtures/legacy-drafts');

describe('a drafts file written before recipient keys', () => {
  it('status shows its approvals and the edited row as drafted, waiting for approval; export takes the approved only, --status drafted the edit as version 2; re-running draft sends no request, marks nothing stale, adds no inputs record and keeps the old bytes ahead of what it appends', async () => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'draftsmith-legacy-'));
    cpSync(LEGACY, d, { recursive: true });
    const file = path.join(d, 'recipients.drafts.jsonl');

    const status = await runCli(['status', '--format', 'json'], { cwd: d });
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ recipients: 4, counts: { approved: 2, drafted: 2, skipped: 0, failed: 0 }, edited: 1, stale: 0, orphaned: 0 });
    expect((await runCli(['status'], { cwd: d })).stdout).toMatch(/drafted +2 +\(1 edited by a person, waiting for approval of the edited text\)/);

    const exported = parseJsonl((await runCli(['export'], { cwd: d })).stdout);
    expect(exported.map((r) => [r.row, r.recipient.first_name, r.status, r.version])).toEqual([
      [1, 'Ana', 'approved', 1],
      [3, 'Cleo', 'approved', 1],
    ]);
    const ben = parseJsonl((await runCli(['export', '--status', 'drafted'], { cwd: d })).stdout).find((r) => r.row === 2)!;
    expect(ben).toMatchObject({ edited: true, version: 2, body: 'Hi Ben, edited by a person: would a short call next week suit you?\n\nBest regards' });

    const before = fake.chats().length;
    const again = await runCli(['draft', 'recipients.csv', '-p', 'profile.yaml', '--host', fake.server.url], { cwd: d });
    expect(again.code).toBe(0);
    expect(fake.chats().length - before).toBe(0);
    expect(again.stderr).toMatch(/done: 0 drafted · 4 cached · 0 failed/);
    expect(again.stderr).not.toMatch(/stale/);
    expect(readJsonl(file).filter((r) => r.type === 'inputs')).toEqual([]);
    expect(JSON.parse((await runCli(['status', '--format', 'json'], { cwd: d })).stdout)).toMatchObject({ counts: { approved: 2, drafted: 2 }, edited: 1, stale: 0 });
    // What was on file before this run is still there, byte for byte, ahead of what the run added.
    expect(readFileSync(file, 'utf8').startsWith(readFileSync(path.join(LEGACY, 'recipients.drafts.jsonl'), 'utf8'))).toBe(true);
  });
});

describe('re-running a campaign tells unchanged rows from the CSV scan alone', () => {
  const csvOf = (notes: string[]) =>
    ['first_name,email,company,notes', ...notes.map((n, i) => `P${i + 1},p${i + 1}@example.org,Co ${i + 1},${n}`)].join('\n');

  it('drafts 8 rows and approves row 2; a re-run sends nothing; a changed cell redrafts that row only; a changed profile redrafts the 7 undecided rows and marks the approved one stale; --out - prints every row without a request', async () => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'draftsmith-settle-'));
    const notes = Array.from({ length: 8 }, (_, i) => `note ${i + 1}`);
    writeFileSync(path.join(d, 'people.csv'), csvOf(notes));
    writeFileSync(path.join(d, 'p.yaml'), CALL_PROFILE);
    const args = ['draft', 'people.csv', '-p', 'p.yaml', '--host', fake.server.url];
    expect((await runCli(args, { cwd: d })).code).toBe(0);
    expect((await runCli(['approve', '--rows', '2'], { cwd: d })).code).toBe(0);

    let before = fake.chats().length;
    const same = await runCli(args, { cwd: d });
    expect(same.stderr).toMatch(/done: 0 drafted · 8 cached · 0 failed/);
    expect(fake.chats().length - before).toBe(0);

    notes[4] = 'met again at the conference';
    writeFileSync(path.join(d, 'people.csv'), csvOf(notes));
    before = fake.chats().length;
    const oneChanged = await runCli(args, { cwd: d });
    expect(oneChanged.stderr).toMatch(/done: 1 drafted · 7 cached · 0 failed/);
    const sent = fake.chats().slice(before);
    expect(sent).toHaveLength(1);
    expect(JSON.stringify(sent[0]!.body.messages)).toContain('met again at the conference');

    writeFileSync(path.join(d, 'p.yaml'), `${CALL_PROFILE}banned_phrases: [circle back]\n`);
    before = fake.chats().length;
    const profileChanged = await runCli(args, { cwd: d });
    // Row 2 is approved: kept and marked stale, never redrafted by itself.
    expect(profileChanged.stderr).toMatch(/done: 7 drafted · 0 cached · 1 stale · 0 failed/);
    expect(fake.chats().length - before).toBe(7);

    before = fake.chats().length;
    const out = await runCli([...args, '--out', '-'], { cwd: d });
    expect(fake.chats().length - before).toBe(0);
    expect(parseJsonl(out.stdout).map((r) => [r.row, r.status])).toEqual(
      Array.from({ length: 8 }, (_, i) => [i + 1, i === 1 ? 'approved' : 'drafted']),
    );
  });
});
