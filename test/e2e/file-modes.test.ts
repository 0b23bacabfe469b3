// Everything draftsmith writes holds recipient data: files 0600, folders it creates 0700, under the
// common umask 022 (which would otherwise give 0644 / 0755). The umask is set in this test process
// and inherited by the binary it spawns. Also: a killed export's temp files are tidied next time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';
import { useFakeOllama } from '../helpers/use-fake-ollama.js';

const PROFILE = `goal: Invite people to a short call.
channel: email
sender:
  name: Sam Lee
  email: sam@example.org
fields:
  private: [salary]
`;
const CSV = 'first_name,email,company,salary\nAna,ana@example.org,Acme,100\nBen,ben@example.org,Initech,200\n';

const mode = (file: string) => statSync(file).mode & 0o777;

const fake = useFakeOllama();
let dir: string;
let oldUmask: number;
beforeAll(async () => {
  oldUmask = process.umask(0o022);
  dir = mkdtempSync(path.join(os.tmpdir(), 'draftsmith-modes-'));
  writeFileSync(path.join(dir, 'people.csv'), CSV);
  writeFileSync(path.join(dir, 'profile.yaml'), PROFILE);
  const drafted = await runCli(['draft', 'people.csv', '--profile', 'profile.yaml', '--host', fake.server.url], { cwd: dir });
  expect(drafted.code, drafted.stderr).toBe(0);
  const approved = await runCli(['approve', '--rows', '1-2'], { cwd: dir });
  expect(approved.code, approved.stderr).toBe(0);
});
afterAll(async () => {
  process.umask(oldUmask);
  rmSync(dir, { recursive: true, force: true });
});

async function exportTo(format: string, out: string): Promise<void> {
  const r = await runCli(['export', '--format', format, '--out', out], { cwd: dir });
  expect(r.code, r.stderr).toBe(0);
}

describe('file modes under umask 022, after drafting and approving 2 rows', () => {
  it('the drafts file is 0600', () => {
    expect(mode(path.join(dir, 'people.drafts.jsonl'))).toBe(0o600);
  });

  it('jsonl, csv and mbox exports are 0600, also when they replace a 0644 file', async () => {
    writeFileSync(path.join(dir, 'approved.csv'), 'old\n', { mode: 0o644 });
    chmodSync(path.join(dir, 'approved.csv'), 0o644);
    await exportTo('csv', 'approved.csv');
    await exportTo('jsonl', 'approved.jsonl');
    await exportTo('mbox', 'drafts.mbox');
    expect(mode(path.join(dir, 'approved.csv'))).toBe(0o600);
    expect(mode(path.join(dir, 'approved.jsonl'))).toBe(0o600);
    expect(mode(path.join(dir, 'drafts.mbox'))).toBe(0o600);
  });

  it('eml: the folders it creates are 0700 and every message 0600; a folder that existed keeps its mode', async () => {
    await exportTo('eml', 'outbox/run1');
    for (const d of ['outbox', 'outbox/run1']) expect(mode(path.join(dir, d))).toBe(0o700);
    const files = readdirSync(path.join(dir, 'outbox/run1'));
    expect(files).toHaveLength(2);
    for (const f of files) expect(mode(path.join(dir, 'outbox/run1', f))).toBe(0o600);

    mkdirSync(path.join(dir, 'mine'), { mode: 0o755 });
    chmodSync(path.join(dir, 'mine'), 0o755);
    await exportTo('eml', 'mine');
    expect(mode(path.join(dir, 'mine'))).toBe(0o755);
    for (const f of readdirSync(path.join(dir, 'mine'))) expect(mode(path.join(dir, 'mine', f))).toBe(0o600);
  });

  it('profile init writes 0600, also with --force over a 0644 file', async () => {
    const fresh = await runCli(['profile', 'init', 'new.yaml'], { cwd: dir });
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(mode(path.join(dir, 'new.yaml'))).toBe(0o600);
    writeFileSync(path.join(dir, 'old.yaml'), 'x: 1\n');
    chmodSync(path.join(dir, 'old.yaml'), 0o644);
    const forced = await runCli(['profile', 'init', 'old.yaml', '--force'], { cwd: dir });
    expect(forced.code, forced.stderr).toBe(0);
    expect(mode(path.join(dir, 'old.yaml'))).toBe(0o600);
  });
});

describe('temp files a killed export left behind', () => {
  // pid_max is at most 2^22 on Linux: this pid is never alive. The test process's own pid is.
  const DEAD = 99_999_999;

  it("the next export to the same file removes the dead writer's temp files and keeps a live writer's and another file's", async () => {
    const stale = path.join(dir, `.approved.csv.${DEAD}.abcd.tmp`);
    const live = path.join(dir, `.approved.csv.${process.pid}.abcd.tmp`);
    const other = path.join(dir, `.notes.txt.${DEAD}.abcd.tmp`); // another target's: not ours to judge here
    for (const f of [stale, live, other]) writeFileSync(f, 'private');
    await exportTo('csv', 'approved.csv');
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(existsSync(other)).toBe(true);
    rmSync(live);
    rmSync(other);
  });

  it("an eml export removes dead writers' temp messages in its folder and keeps a live writer's", async () => {
    mkdirSync(path.join(dir, 'outbox2'));
    const stale = path.join(dir, 'outbox2', `.0007-zoe.eml.${DEAD}.0f12.tmp`);
    const live = path.join(dir, 'outbox2', `.0008-yan.eml.${process.pid}.0f12.tmp`);
    for (const f of [stale, live]) writeFileSync(f, 'private');
    await exportTo('eml', 'outbox2');
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(live)).toBe(true);
  });
});
