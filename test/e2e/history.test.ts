// `draftsmith history ...` through the built binary, on a real memory in a temporary folder.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/io/memory/memory-store.js';
import { cliLoadsMemory, runCli } from '../helpers/cli.js';
import { approval, mail } from '../helpers/memory-records.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tmp = useTempDir('history-e2e-');
let n = 0;
const newMemory = () => path.join(tmp.path, `case${++n}`, 'memory.db');
const bytesOf = (file: string) => Buffer.concat(['', '-wal', '-shm'].map((s) => file + s).filter(existsSync).map((f) => readFileSync(f)));

/** A memory holding Ana (an approval and her reply, with terminal controls in it) and Bo. */
async function seeded(): Promise<string> {
  const file = newMemory();
  const store = (await MemoryStore.open(file, { create: true }))!;
  store.recordApproval(approval({ subject: 'Quick \u001b[31midea', at: new Date(Date.now() - 30 * 86_400_000).toISOString() }));
  store.importBatch([
    mail({ text: 'Not now\u001b]0;pwned\u0007, try me in Q1.', at: new Date(Date.now() - 20 * 86_400_000).toISOString() }),
    mail({ address: 'bo@example.org', messageId: 'bo-old', contentHash: 'bo-old', text: 'Old news.', at: '2020-01-01T00:00:00Z' }),
  ]);
  store.close();
  return file;
}

describe.skipIf(!cliLoadsMemory())('draftsmith history', () => {
  it('show prints everything about a person, free of terminal controls; --json for scripts', async () => {
    const memory = await seeded();
    const r = await runCli(['history', 'show', 'ANA@example.org', '--memory', memory]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toContain('ana@example.org (Ana Lima), first seen');
    expect(r.stdout).toContain('Do not contact: no');
    // Escape sequences are removed whole, not just their ESC byte.
    expect(r.stdout).toMatch(/approved\s+"Quick idea"/);
    expect(r.stdout).toContain('      Not now, try me in Q1.');
    expect(r.stdout).toContain('campaign /work/leads.drafts.jsonl v1, not edited, reviewer sam, ollama llama3.2');
    expect(r.stdout).toMatch(/received\s+"Re: Quick idea"/);
    expect(r.stdout).not.toMatch(/[\u001b\u0007]/);
    const json = await runCli(['history', 'show', 'ana@example.org', '--json'], { env: { DRAFTSMITH_MEMORY: memory } });
    const report = JSON.parse(json.stdout);
    expect(report.messages.map((m: { state: string }) => m.state)).toEqual(['approved', 'received']);
    expect(report.people).toEqual([expect.objectContaining({ email: 'ana@example.org', key: 'email:ana@example.org', name: 'Ana Lima' })]);
  });

  it('optout creates the memory with a notice, marks the person; optin takes them off', async () => {
    const memory = newMemory();
    const out = await runCli(['history', 'optout', 'Ana <ana@example.org>', 'id:42', '--memory', memory]);
    expect(out.code).toBe(0);
    expect(out.stderr).toContain(`draftsmith: note: created the memory at ${memory}`);
    expect(out.stderr).toContain('--no-memory');
    expect(out.stderr).toContain('opted out (never drafted again without `history optin`): ana@example.org, id:42');
    expect(statSync(memory).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(memory)).mode & 0o777).toBe(0o700);
    const again = await runCli(['history', 'optout', 'ana@example.org', '--memory', memory]);
    expect(again.stderr).toBe('draftsmith: already opted out: ana@example.org\n');
    expect((await runCli(['history', 'show', 'ana@example.org', '--memory', memory])).stdout).toMatch(/Do not contact: opted-out \(history optout, /);
    const optin = await runCli(['history', 'optin', 'ana@example.org', '--memory', memory]);
    expect(optin).toMatchObject({ code: 0, stderr: 'draftsmith: off the do-not-contact list: ana@example.org\n' });
    expect((await runCli(['history', 'show', 'ana@example.org', '--memory', memory])).stdout).toContain('Do not contact: no');
  });

  it('forget erases the address from the file bytes, keeps an opt-out, and lists the files that still hold it', async () => {
    const memory = await seeded();
    const drafts = path.join(tmp.dir('campaign'), 'leads.drafts.jsonl');
    const other = path.join(tmp.dir('campaign'), 'other.drafts.jsonl');
    writeFileSync(drafts, '{"recipient":{"Email":"Ana@Example.org"}}\n');
    writeFileSync(other, '{"recipient":{"Email":"carl@example.org"}}\n');
    const store = (await MemoryStore.open(memory))!;
    store.noteFile(drafts, 'drafts');
    store.noteFile(other, 'drafts');
    store.noteFile(path.join(tmp.path, 'gone.csv'), 'export');
    store.optOut('ana@example.org', 'history optout');
    store.close();
    const r = await runCli(['history', 'forget', 'ana@example.org', 'nobody@example.org', '--memory', memory]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('forgot ana@example.org: 2 message(s); kept on the do-not-contact list as a salted hash');
    expect(r.stderr).toContain('nothing stored about nobody@example.org');
    expect(r.stderr).toContain(`${drafts} (drafts file)`);
    expect(r.stderr).not.toContain(other);
    for (const needle of ['ana@example.org', 'Ana Lima', 'try me in Q1']) expect(bytesOf(memory).includes(needle), needle).toBe(false);
    const show = await runCli(['history', 'show', 'ana@example.org', '--memory', memory]);
    expect(show.stdout).toMatch(/^Nothing stored about ana@example.org\.\nDo not contact: opted-out/);
    expect((await runCli(['history', 'show', 'bo@example.org', '--memory', memory])).stdout).toContain('Old news.');
  });

  it("forget --csv erases everyone in the CSV's e-mail column; a CSV without one is exit 2", async () => {
    const memory = await seeded();
    const csv = path.join(tmp.dir('csv'), 'erase.csv');
    writeFileSync(csv, 'Name,E-mail\nAna,ana@example.org\nBo,BO@example.org\n');
    const r = await runCli(['history', 'forget', '--csv', csv, '--memory', memory]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('forgot ana@example.org');
    expect(r.stderr).toContain('forgot bo@example.org: 1 message(s)');
    const stats = JSON.parse((await runCli(['history', 'stats', '--json', '--memory', memory])).stdout);
    expect(stats).toMatchObject({ people: 0, messages: { approved: 0, received: 0 } });
    const noEmail = path.join(tmp.dir('csv'), 'names.csv');
    writeFileSync(noEmail, 'Name,Company\nAna,Acme\n');
    const bad = await runCli(['history', 'forget', '--csv', noEmail, '--memory', memory]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/has no e-mail column\n {2}hint: name the column email/);
  });

  it('purge deletes what is older than the age; stats counts what is left', async () => {
    const memory = await seeded();
    const r = await runCli(['history', 'purge', '--older-than', '365d', '--memory', memory]);
    expect(r).toMatchObject({ code: 0, stderr: 'draftsmith: purged 1 message(s) older than 365 day(s).\n' });
    const stats = await runCli(['history', 'stats', '--memory', memory]);
    expect(stats.stdout).toContain('People: 1\nMessages: 2 (approved 1, sent 0, received 1, withdrawn 0)');
    const bad = await runCli(['history', 'purge', '--older-than', 'a while', '--memory', memory]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('hint: e.g. --older-than 365d');
  });

  it('bad input is exit 2 with a hint; no memory yet is said, exit 0, and creates nothing', async () => {
    const memory = newMemory();
    const bad = await runCli(['history', 'show', 'not-an-address', '--memory', memory]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not an e-mail address or a recipient key: "not-an-address"\n {2}hint: /);
    const nobody = await runCli(['history', 'forget', '--memory', memory]);
    expect(nobody.code).toBe(2);
    expect(nobody.stderr).toContain('no address given.\n  hint: e.g. `draftsmith history forget ana@example.org`');
    const none = await runCli(['history', 'stats', '--memory', memory]);
    expect(none).toMatchObject({ code: 0, stdout: '', stderr: `draftsmith: no memory at ${memory} yet: nothing is stored.\n` });
    expect(existsSync(path.dirname(memory))).toBe(false);
    const junk = path.join(tmp.dir('junk'), 'notes.txt');
    writeFileSync(junk, 'not a database at all '.repeat(100));
    const notMemory = await runCli(['history', 'stats', '--memory', junk]);
    expect(notMemory.code).toBe(2);
    expect(notMemory.stderr).toContain('is not a draftsmith memory');
  });

  it('without --memory or $DRAFTSMITH_MEMORY the memory lives in $XDG_DATA_HOME/draftsmith, else ~/.local/share/draftsmith', async () => {
    const home = tmp.dir('home');
    const r = await runCli(['history', 'optout', 'ana@example.org'], { env: { DRAFTSMITH_MEMORY: undefined, XDG_DATA_HOME: undefined, HOME: home } });
    expect(r.code).toBe(0);
    const file = path.join(home, '.local/share/draftsmith/memory.db');
    expect(r.stderr).toContain(`created the memory at ${file}`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const xdg = tmp.dir('xdg');
    await runCli(['history', 'optout', 'ana@example.org'], { env: { DRAFTSMITH_MEMORY: undefined, XDG_DATA_HOME: xdg, HOME: home } });
    expect(existsSync(path.join(xdg, 'draftsmith/memory.db'))).toBe(true);
  });
});
