import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DraftsmithError, InputError } from '../../src/core/errors.js';
import { splitMbox, type RawMessage } from '../../src/io/mail/mbox-splitter.js';
import { repoRoot } from '../helpers/cli.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tmp = useTempDir('draftsmith-mbox-');
const FIXTURES = path.join(repoRoot, 'test/fixtures/mail');

async function split(file: string, chunkSize?: number): Promise<RawMessage[]> {
  const out: RawMessage[] = [];
  for await (const m of splitMbox(file, { name: path.basename(file), chunkSize })) out.push(m);
  return out;
}

function write(name: string, text: string | Buffer): string {
  const file = path.join(tmp.path, name);
  writeFileSync(file, text);
  return file;
}

const SMALL = 'From a@x Mon Oct 02 09:00:00 2026\nSubject: one\n\nbody 1\n>From the start\n>>From here\n\nFrom b@x Tue Oct 03 09:00:00 2026\nSubject: two\n\nbody 2\n';

describe('splitMbox', () => {
  it('splits at From_ lines, un-escapes >From and >>From, and drops the separating blank line', async () => {
    const messages = await split(write('small.mbox', SMALL));
    expect(messages.map((m) => m.bytes.toString())).toEqual([
      'Subject: one\n\nbody 1\nFrom the start\n>From here\n',
      'Subject: two\n\nbody 2\n',
    ]);
    expect(messages.map((m) => [m.index, m.line, m.envelope, m.source])).toEqual([
      [1, 1, 'a@x Mon Oct 02 09:00:00 2026', 'small.mbox#1'],
      [2, 8, 'b@x Tue Oct 03 09:00:00 2026', 'small.mbox#2'],
    ]);
    expect(messages.at(-1)!.offset).toBe(Buffer.byteLength(SMALL));
    expect(messages.some((m) => m.truncated)).toBe(false);
  });

  it('gives the same messages whatever the chunk size (every boundary, fixtures included)', async () => {
    for (const name of ['takeout.mbox', 'thunderbird.mbox']) {
      const file = path.join(FIXTURES, name);
      const whole = (await split(file)).map((m) => m.bytes.toString('base64'));
      expect(whole.length).toBeGreaterThan(3);
      for (const size of [1, 2, 3, 5, 7, 13, 64, 333, 4096]) {
        expect((await split(file, size)).map((m) => m.bytes.toString('base64')), `${name} in chunks of ${size}`).toEqual(whole);
      }
    }
  });

  it('keeps CRLF line endings and splits a CRLF mbox alike', async () => {
    const crlf = SMALL.replace(/\n/g, '\r\n');
    const messages = await split(write('crlf.mbox', crlf), 5);
    expect(messages.map((m) => m.bytes.toString())).toEqual(['Subject: one\r\n\r\nbody 1\r\nFrom the start\r\n>From here\r\n', 'Subject: two\r\n\r\nbody 2\r\n']);
  });

  it('marks the last message truncated when the file ends mid-line', async () => {
    const messages = await split(write('cut.mbox', 'From a@x Mon Oct 02 09:00:00 2026\nSubject: one\n\nbody\n\nFrom b@x Tue Oct 03 09:00:00 2026\nSubject: tw'), 4);
    expect(messages).toHaveLength(2);
    expect(messages[0]!.truncated).toBeUndefined();
    expect(messages[1]).toMatchObject({ truncated: true, bytes: Buffer.from('Subject: tw') });
  });

  it('allows blank lines before the first From_ line', async () => {
    expect(await split(write('lead.mbox', '\n\r\nFrom a@x Mon Oct 02 09:00:00 2026\nSubject: x\n\nb\n'))).toHaveLength(1);
  });

  it.each([
    ['a CSV', 'email,date\nana@example.org,2026-01-01\n', 1],
    ['text after blank lines', '\n\nHello there\n', 3],
    ['binary data', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]), 1],
  ])('refuses %s with file and line', async (_what, content, line) => {
    const file = write('not.mbox', content);
    const err = await split(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as DraftsmithError).location).toEqual({ file: 'not.mbox', line });
    expect((err as DraftsmithError).hint).toMatch(/mbox/);
  });

  it('refuses an empty file', async () => {
    await expect(split(write('empty.mbox', ''))).rejects.toThrow(/empty/);
  });
});
