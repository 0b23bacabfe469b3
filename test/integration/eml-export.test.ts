import { existsSync, readFileSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import type { ExportRecord } from '../../src/core/export/export-record.js';
import { recipientAddress, writeEmlFolder, writeMbox } from '../../src/io/export/mail-files.js';
import { decodeQuotedPrintable, parseAddressHeader, parseMail } from '../helpers/parse-mail.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const badInputs = path.resolve(repoRoot, '../shared', 'realdata/bad-inputs');
const hasShared = existsSync(badInputs);
if (!hasShared) console.warn(`skipping real-data eml export tests: ${badInputs} not found`);

const NOW = new Date(Date.UTC(2025, 0, 2, 3, 4, 5));

function record(row: number, recipient: Record<string, string>, over: Partial<ExportRecord> = {}): ExportRecord {
  return {
    row,
    recipient,
    subject: `Hello ${recipient['First Name'] ?? ''}`.trim(),
    body: `Hi,\n\nrow ${row} says hello.\n`,
    status: 'approved',
    model: 'test-model',
    version: 1,
    edited: false,
    ...over,
  };
}

function contacts(file: string): ExportRecord[] {
  const rows = parse(readFileSync(file), { columns: true, bom: true, relax_column_count: true }) as Record<string, string>[];
  return rows.map((r, i) => record(i + 1, r));
}

/** Every path under root, relative, sorted (directories end with /). */
async function tree(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(root, { withFileTypes: true, recursive: true })) {
    const rel = path.relative(root, path.join(entry.parentPath, entry.name));
    out.push(entry.isDirectory() ? `${rel}/` : rel);
  }
  return out.sort();
}

let parent: string;
beforeEach(async () => {
  parent = await mkdtemp(path.join(os.tmpdir(), 'draftsmith-eml-'));
});
afterEach(async () => {
  await rm(parent, { recursive: true, force: true });
});

describe('writeEmlFolder', () => {
  it('creates the folder and writes one parseable message per draft, named by row and name', async () => {
    const out = path.join(parent, 'new', 'drafts');
    const records = [
      record(1, { 'First Name': 'Ana', 'Last Name': 'Pereira', Email: 'ana@example.org' }),
      record(2, { 'First Name': 'Jürgen', 'Last Name': 'Weiß', Email: 'j.weiss@example.de' }, { subject: 'Grüße aus München', body: 'Schöne Grüße 🎉' }),
      record(3, { Name: '山田 太郎', 'E-mail Address': 'yamada@example.jp' }, { subject: 'ご講演ありがとうございました' }),
    ];
    const result = await writeEmlFolder(records, { dir: out, sender: { name: 'Sam Lee', email: 'sam@example.com' }, now: () => NOW });
    expect(result.skipped).toEqual([]);
    expect(result.written.map((f) => path.basename(f))).toEqual(['0001-ana-pereira.eml', '0002-jurgen-weiss.eml', '0003.eml']);
    expect((await readdir(out)).sort()).toEqual(['0001-ana-pereira.eml', '0002-jurgen-weiss.eml', '0003.eml']);

    const second = parseMail(await readFile(path.join(out, '0002-jurgen-weiss.eml'), 'utf8'));
    expect(parseAddressHeader(second.raw['to']!)).toEqual({ name: 'Jürgen Weiß', email: 'j.weiss@example.de' });
    expect(parseAddressHeader(second.raw['from']!)).toEqual({ name: 'Sam Lee', email: 'sam@example.com' });
    expect(second.headers['subject']).toBe('Grüße aus München');
    expect(second.headers['date']).toBe('Thu, 02 Jan 2025 03:04:05 +0000');
    // core/export/message-id.ts: from the recipient key, version, address and text, never the row.
    expect(second.headers['message-id']).toMatch(/^<[0-9a-f]{32}@draftsmith\.local>$/);
    expect(second.body).toBe('Schöne Grüße 🎉');

    const third = parseMail(await readFile(path.join(out, '0003.eml'), 'utf8'));
    expect(parseAddressHeader(third.raw['to']!)).toEqual({ name: '山田 太郎', email: 'yamada@example.jp' });
    expect(third.headers['subject']).toBe('ご講演ありがとうございました');
  });

  it('gives the same Message-ID for the same draft and a new one after an edit', async () => {
    const rec = record(4, { Email: 'ana@example.org' });
    const a = await writeEmlFolder([rec], { dir: path.join(parent, 'a'), now: () => NOW });
    const b = await writeEmlFolder([rec], { dir: path.join(parent, 'b'), now: () => NOW });
    const c = await writeEmlFolder([{ ...rec, body: 'edited', version: 2 }], { dir: path.join(parent, 'c'), now: () => NOW });
    const id = async (f: string) => parseMail(await readFile(f, 'utf8')).headers['message-id'];
    expect(await id(a.written[0]!)).toBe(await id(b.written[0]!));
    expect(await id(c.written[0]!)).not.toBe(await id(a.written[0]!));
  });

  it('skips drafts without a usable address or text and says why', async () => {
    const records = [
      record(1, { 'First Name': 'No', Email: '' }),
      record(2, { 'First Name': 'Bad', Email: 'bad at example.org' }),
      record(3, { 'First Name': 'Inj', Email: 'x@example.org\r\nBcc: evil@x.com' }),
      record(4, { 'First Name': 'Failed', Email: 'f@example.org' }, { status: 'failed', body: '', error: 'timeout' }),
      record(5, { 'First Name': 'Ok', Email: 'ok@example.org' }),
    ];
    const result = await writeEmlFolder(records, { dir: parent, now: () => NOW });
    expect(result.written.map((f) => path.basename(f))).toEqual(['0005-ok.eml']);
    expect(result.skipped.map((s) => s.row)).toEqual([1, 2, 3, 4]);
    expect(result.skipped[0]!.reason).toMatch(/no e-mail/);
    expect(result.skipped[1]!.reason).toMatch(/invalid e-mail address "bad at example.org"/);
    expect(result.skipped[2]!.reason).not.toMatch(/[\r\n]/);
    expect(result.skipped[3]!.reason).toMatch(/failed/);
    expect(await readdir(parent)).toEqual(['0005-ok.eml']);
  });

  it('finds the address in Google / Outlook style columns and takes the first usable one', () => {
    const google = record(1, { 'Given Name': 'Ana', 'E-mail 1 - Type': '* Work', 'E-mail 1 - Value': 'ana@work.example ::: ana@home.example' });
    expect(recipientAddress(google)).toEqual({ name: 'Ana', email: 'ana@work.example' });
    const outlook = record(2, { 'First Name': 'Bo', 'Last Name': 'Li', 'E-mail Address': '', 'E-mail 2 Address': 'bo@example.org' });
    expect(recipientAddress(outlook)).toEqual({ name: 'Bo Li', email: 'bo@example.org' });
    const custom = record(3, { Contact: 'x@example.org', Other: 'y@example.org' });
    expect(recipientAddress(custom, (r) => r.recipient['Other'])).toEqual({ email: 'y@example.org' });
  });

  it('refuses an invalid sender address with a hint', async () => {
    const run = writeEmlFolder([record(1, { Email: 'a@example.org' })], { dir: parent, sender: { email: 'sam\r\nBcc: x@y.z' } });
    await expect(run).rejects.toThrow(InputError);
    await expect(run).rejects.toMatchObject({ hint: expect.stringMatching(/sender/) });
  });

  it('replaces a planted symlink instead of writing through it', async () => {
    const out = path.join(parent, 'out');
    await mkdir(out);
    const victim = path.join(parent, 'victim.txt');
    await writeFile(victim, 'keep me');
    await symlink(victim, path.join(out, '0001-ana.eml'));
    await writeEmlFolder([record(1, { 'First Name': 'Ana', Email: 'ana@example.org' })], { dir: out, now: () => NOW });
    expect(await readFile(victim, 'utf8')).toBe('keep me');
    expect((await lstat(path.join(out, '0001-ana.eml'))).isFile()).toBe(true);
  });

  it('keeps two drafts for the same row apart', async () => {
    const rec = record(1, { 'First Name': 'Ana', Email: 'ana@example.org' });
    const result = await writeEmlFolder([rec, { ...rec, version: 2, body: 'v2' }], { dir: parent, now: () => NOW });
    expect(result.written.map((f) => path.basename(f))).toEqual(['0001-ana.eml', '0001-ana-2.eml']);
  });
});

describe.skipIf(!hasShared)('writeEmlFolder with hostile recipients', () => {
  it('writes every traversal-named contact directly inside the folder and nothing elsewhere', async () => {
    const records = contacts(path.join(badInputs, 'path-traversal/path-traversal-contacts.csv'));
    expect(records.length).toBeGreaterThan(20);
    // Nest the export folder so a `../` escape would land inside `parent`, where we can see it.
    const out = path.join(parent, 'a', 'b', 'out');
    await mkdir(path.dirname(out), { recursive: true });
    const before = await tree(parent);
    const result = await writeEmlFolder(records, { dir: out, now: () => NOW });

    expect(result.skipped).toEqual([]);
    expect(result.written).toHaveLength(records.length);
    for (const file of result.written) {
      expect(path.dirname(file)).toBe(path.resolve(out));
      expect(path.basename(file)).toMatch(/^[0-9]{4}(-[a-z0-9]+)*\.eml$/);
    }
    const names = await readdir(out);
    expect(names.sort()).toEqual(result.written.map((f) => path.basename(f)).sort());
    // Only the new folder and its files appeared; no temp files were left behind.
    const after = await tree(parent);
    expect(after.filter((p) => !before.includes(p)).sort()).toEqual(['a/b/out/', ...names.map((n) => `a/b/out/${n}`)].sort());

    // Each message still goes to the right person, with the hostile name kept as text.
    const first = parseMail(await readFile(result.written[0]!, 'utf8'));
    expect(parseAddressHeader(first.raw['to']!)).toEqual({
      name: `${records[0]!.recipient['First Name']} ${records[0]!.recipient['Last Name']}`,
      email: 'row01@example.com',
    });
  });

  it('writes no terminal control character from hostile names into any message', async () => {
    const records = contacts(path.join(badInputs, 'terminal-escapes/terminal-escape-contacts.csv'));
    const result = await writeEmlFolder(records, { dir: parent, now: () => NOW });
    expect(result.written.length).toBeGreaterThan(0);
    for (const file of result.written) {
      const text = await readFile(file, 'utf8');
      expect(text.replace(/\r\n/g, '')).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
      const mail = parseMail(text);
      for (const value of [...Object.values(mail.headers), mail.body]) {
        expect(value).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      }
    }
  });
});

describe('writeMbox', () => {
  it('writes all drafts to one mboxrd file with escaped From lines', async () => {
    const file = path.join(parent, 'drafts.mbox');
    const records = [
      record(1, { 'First Name': 'Ana', Email: 'ana@example.org' }, { body: 'From the start\n>From quoted\nGrüße' }),
      record(2, { 'First Name': 'No', Email: '' }),
      record(3, { 'First Name': 'Bo', Email: 'bo@example.org' }, { subject: 'ご挨拶' }),
    ];
    async function* stream() {
      yield* records;
    }
    const result = await writeMbox(stream(), { file, sender: { email: 'sam@example.com' }, now: () => NOW });
    expect(result.written).toBe(2);
    expect(result.skipped.map((s) => s.row)).toEqual([2]);
    expect(await readdir(parent)).toEqual(['drafts.mbox']);

    const text = await readFile(file, 'utf8');
    expect(text).not.toContain('\r');
    const entries = text.split(/^From /m).filter(Boolean);
    expect(entries).toHaveLength(2);
    expect(text.startsWith('From sam@example.com Thu Jan  2 03:04:05 2025\n')).toBe(true);

    const messages = entries.map((e) => {
      const lines = e.replace(/\n+$/, '').split('\n').slice(1).map((l) => l.replace(/^>(>*From )/, '$1'));
      return parseMail(lines.join('\r\n') + '\r\n');
    });
    expect(messages[0]!.body).toBe('From the start\n>From quoted\nGrüße');
    expect(parseAddressHeader(messages[1]!.raw['to']!)).toEqual({ name: 'Bo', email: 'bo@example.org' });
    expect(messages[1]!.headers['subject']).toBe('ご挨拶');
  });

  it('leaves an existing mbox untouched when the export fails midway', async () => {
    const file = path.join(parent, 'drafts.mbox');
    await writeFile(file, 'previous export\n');
    function* failing(): Generator<ExportRecord> {
      yield record(1, { Email: 'a@example.org' });
      throw new Error('drafts file went away');
    }
    await expect(writeMbox(failing(), { file, now: () => NOW })).rejects.toThrow('drafts file went away');
    expect(await readFile(file, 'utf8')).toBe('previous export\n');
    expect(await readdir(parent)).toEqual(['drafts.mbox']);
  });

  it('decodes quoted-printable the helper way (sanity check of the test reader)', () => {
    expect(decodeQuotedPrintable('Gr=C3=BC=\r\n=C3=9Fe')).toBe('Grüße');
  });
});
