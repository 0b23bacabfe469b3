import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExportRecord } from '../../src/core/export/export-record.js';
import { InputError } from '../../src/core/errors.js';
import { writeOutputFile, writeSmallFile } from '../../src/io/atomic-file.js';
import { createRecordWriter, csvCell, ownColumns, type OutputFormat } from '../../src/io/export/record-writer.js';
import { isBrokenPipe } from '../../src/core/errors.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const badInputs = path.resolve(repoRoot, '../shared', 'realdata/bad-inputs');
const hasShared = existsSync(badInputs);
if (!hasShared) console.warn(`skipping real-data record-writer tests: ${badInputs} not found`);

const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

function rec(over: Partial<ExportRecord> = {}): ExportRecord {
  return {
    row: 1,
    recipient: { Name: 'Ana Pereira', Email: 'ana@example.org', Notes: 'met at PyCon' },
    subject: 'Hello',
    body: 'Hi Ana,\nthanks.',
    status: 'drafted',
    model: 'llama3.2',
    version: 1,
    edited: false,
    ...over,
  };
}

async function collect(format: OutputFormat, records: ExportRecord[], headers = ['Name', 'Email', 'Notes'], channel?: string, rawCells = false) {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const writer = createRecordWriter(format, out, { headers, channel, rawCells });
  for (const r of records) await writer.write(r);
  await writer.end();
  return Buffer.concat(chunks).toString('utf8');
}

describe('jsonl writer', () => {
  it('writes one parseable object per line, in order', async () => {
    const records = [rec(), rec({ row: 2, status: 'failed', body: '', error: 'timeout', subject: undefined })];
    const text = await collect('jsonl', records);
    const lines = text.split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -1).map((l) => JSON.parse(l))).toEqual(records);
  });

  it('escapes C1 and DEL characters but round-trips them', async () => {
    const r = rec({ body: 'a\u009b31mb\u007fc\u001b[2J' });
    const text = await collect('jsonl', [r]);
    expect(UNSAFE.test(text.replace(/\n$/, ''))).toBe(false);
    expect(JSON.parse(text).body).toBe(r.body);
  });
});

describe('csv writer', () => {
  it('writes the header once, quotes what needs it, and parses back to the same values', async () => {
    const records = [
      rec({ recipient: { Name: 'Pereira, Ana', Email: 'a@x.org', Notes: 'said "hi"\nthen left' } }),
      rec({ row: 2, recipient: { Name: 'Bo', Email: 'b@x.org', Notes: '' }, subject: undefined, body: 'line1\nline2, "quoted"' }),
    ];
    const text = await collect('csv', records);
    expect(text.endsWith('\r\n')).toBe(true);
    const rows: string[][] = parse(text, { relax_column_count: false });
    expect(rows).toEqual([
      ['Name', 'Email', 'Notes', 'subject', 'body', 'status'],
      ['Pereira, Ana', 'a@x.org', 'said "hi"\nthen left', 'Hello', 'Hi Ana,\nthanks.', 'drafted'],
      ['Bo', 'b@x.org', '', '', 'line1\nline2, "quoted"', 'drafted'],
    ]);
  });

  it('neutralises formula cells in every column, headers included', async () => {
    const r = rec({ recipient: { '=Name': '=1+2', Email: '@SUM(A1)', Notes: '-5' }, subject: '+cmd', body: '=HYPERLINK("x")' });
    const rows: string[][] = parse(await collect('csv', [r], ['=Name', 'Email', 'Notes']));
    expect(rows[0]![0]).toBe("'=Name");
    expect(rows[1]).toEqual(["'=1+2", "'@SUM(A1)", "'-5", "'+cmd", `'=HYPERLINK("x")`, 'drafted']);
  });

  // The guard stays on for phone numbers: spreadsheets evaluate `+44 20 7946 0123` (a space is
  // Excel's intersection operator: #NULL!) and `+1-555-0100` (arithmetic), so only the raw mode
  // keeps them as typed.
  it.each([
    // cell, guarded (default), raw
    ['+44 20 7946 0123', "'+44 20 7946 0123", '+44 20 7946 0123'],
    ['+1 (555) 010-0199', "'+1 (555) 010-0199", '+1 (555) 010-0199'],
    ['-5', "'-5", '-5'],
    ['=1+2', "'=1+2", '=1+2'],
    ['@SUM(A1)', "'@SUM(A1)", '@SUM(A1)'],
    [' =1+2', "' =1+2", ' =1+2'],
    ['\uff1dcmd', "'\uff1dcmd", '\uff1dcmd'],
    ['020 7946 0123', '020 7946 0123', '020 7946 0123'],
    ['ana@example.org', 'ana@example.org', 'ana@example.org'],
    ['a\u001b[31mred', 'ared', 'ared'],
  ])('cell %j: guarded %j, raw %j', async (cell, guarded, raw) => {
    const r = rec({ recipient: { Name: cell, Email: 'a@x.org', Notes: '' } });
    const cellOf = async (rawCells: boolean) => (parse(await collect('csv', [r], undefined, undefined, rawCells)) as string[][])[1]![0];
    expect(await cellOf(false)).toBe(guarded);
    expect(await cellOf(true)).toBe(raw);
  });

  it('fills columns a record lacks with empty cells', async () => {
    const rows: string[][] = parse(await collect('csv', [rec({ recipient: { Name: 'Ana' } })]));
    expect(rows[1]!.slice(0, 3)).toEqual(['Ana', '', '']);
  });

  it('writes just the header when there are no records', async () => {
    expect(await collect('csv', [])).toBe('Name,Email,Notes,subject,body,status\r\n');
  });

  it('keeps terminal escapes out of cells', async () => {
    const text = await collect('csv', [rec({ body: 'hi \u001b]52;c;eA==\u0007there\u001b[31m' })]);
    expect(UNSAFE.test(text.replace(/\r\n/g, ''))).toBe(false);
    expect(parse(text)[1][4]).toBe('hi there');
  });
});

describe.skipIf(!hasShared)('csv writer on real formula-injection material', () => {
  it('matches the OWASP golden input -> escaped output pairs', () => {
    const owasp = JSON.parse(readFileSync(path.join(badInputs, 'formula-injection/owasp-leading-chars-and-examples.json'), 'utf8'));
    const pairs = owasp.owasp_examples_input_to_expected_escaped_output as { input: string; escaped_output: string }[];
    expect(pairs.length).toBeGreaterThan(0);
    for (const { input, escaped_output } of pairs) expect(csvCell(input)).toBe(escaped_output);
  });

  it('round-trips the assembled contacts file with every formula neutralised', async () => {
    const source: string[][] = parse(readFileSync(path.join(badInputs, 'formula-injection/formula-injection-contacts.csv')));
    const [headers, ...data] = source as [string[], ...string[][]];
    const records = data.map((cells, i) =>
      rec({ row: i + 1, recipient: Object.fromEntries(headers.map((h, j) => [h, cells[j] ?? ''])), subject: undefined, body: 'ok' }),
    );
    const back: string[][] = parse(await collect('csv', records, headers));
    expect(back).toHaveLength(data.length + 1);
    data.forEach((cells, i) => {
      cells.forEach((original, j) => {
        const got = back[i + 1]![j]!;
        const visible = original.replace(/\r\n/g, '\n').replace(/\r/g, '');
        expect(/^[=+\-@\t\r\n]/.test(got), `row ${i + 1} col ${j}: ${JSON.stringify(got)}`).toBe(false);
        expect(got === visible || got === `'${visible}`).toBe(true);
        expect(got.startsWith("'")).toBe(/^\s*[=+\-@\t\n]/.test(visible) && !visible.startsWith("'"));
      });
    });
  });
});

describe('text writer', () => {
  it('writes a labelled block per recipient with subject and body', async () => {
    const text = await collect('text', [rec({ row: 3 })], undefined, 'email');
    expect(text).toBe('--- row 3 · Ana Pereira <ana@example.org> ---\nSubject: Hello\n\nHi Ana,\nthanks.\n\n');
  });

  it('strips escapes from names, subjects, bodies and errors', async () => {
    const text = await collect('text', [
      rec({ recipient: { Name: 'Ana\u001b]0;owned\u0007 P\u001b[2J', Email: 'a@x' }, subject: '\u009b2JS', body: 'b\u001b[8mhidden' }),
      rec({ row: 2, status: 'failed', body: '', error: 'bad\u0007 \u001b[31manswer', subject: undefined }),
    ]);
    expect(UNSAFE.test(text)).toBe(false);
    expect(text).toContain('--- row 1 · Ana P <a@x> ---');
    expect(text).toContain('Subject: S');
    expect(text).toContain('bhidden');
    expect(text).toContain('Failed: bad answer');
  });
});

describe('backpressure and broken pipes', () => {
  it('waits for the stream to drain before resolving a write', async () => {
    let release: () => void = () => {};
    const slow = new Writable({
      highWaterMark: 4,
      write(_chunk, _enc, cb) {
        release = () => cb();
      },
    });
    const writer = createRecordWriter('jsonl', slow, { headers: [] });
    let resolved = false;
    const p = writer.write(rec()).then(() => {
      resolved = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(resolved).toBe(false);
    release();
    await p;
    expect(resolved).toBe(true);
  });

  it('turns a closed reader into a recognisable broken-pipe error, without an unhandled error', async () => {
    const out = new PassThrough({ highWaterMark: 1 });
    const writer = createRecordWriter('jsonl', out, { headers: [] });
    const pending = writer.write(rec()); // nobody reads: waits for drain
    const epipe = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
    out.destroy(epipe);
    const err = await pending.catch((e: unknown) => e);
    expect(isBrokenPipe(err)).toBe(true);
    const again = await writer.write(rec()).catch((e: unknown) => e);
    expect(isBrokenPipe(again)).toBe(true);
  });

  it('isBrokenPipe is false for other errors', () => {
    expect(isBrokenPipe(Object.assign(new Error('x'), { code: 'ENOSPC' }))).toBe(false);
    expect(isBrokenPipe(undefined)).toBe(false);
  });
});

describe('atomic output files', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'draftsmith-atomic-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes through a temp file and leaves only the target', async () => {
    const target = path.join(dir, 'out.csv');
    await writeOutputFile(target, async (stream) => {
      const writer = createRecordWriter('csv', stream, { headers: ['Name'] });
      await writer.write(rec({ recipient: { Name: 'Ana' } }));
      await writer.end();
    });
    expect(await readdir(dir)).toEqual(['out.csv']);
    expect(await readFile(target, 'utf8')).toBe('Name,subject,body,status\r\nAna,Hello,"Hi Ana,\nthanks.",drafted\r\n');
  });

  it('keeps the previous file and no temp file when writing fails', async () => {
    const target = path.join(dir, 'out.jsonl');
    await writeFile(target, 'old\n');
    const boom = new Error('boom');
    await expect(
      writeOutputFile(target, async (stream) => {
        stream.write('partial');
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await readdir(dir)).toEqual(['out.jsonl']);
    expect(await readFile(target, 'utf8')).toBe('old\n');
  });

  it('reports a missing folder as an input error with a hint', async () => {
    const err = await writeOutputFile(path.join(dir, 'nope', 'out.csv'), async () => {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).hint).toMatch(/folder/);
  });

  it('writes small files atomically too, 0600 even over a 0644 file', async () => {
    const target = path.join(dir, 'a.eml');
    await writeFile(target, 'old', { mode: 0o644 });
    await chmod(target, 0o644);
    await writeSmallFile(target, 'Subject: hi\r\n\r\nbody\r\n');
    expect(await readFile(target, 'utf8')).toBe('Subject: hi\r\n\r\nbody\r\n');
    expect(await readdir(dir)).toEqual(['a.eml']);
    expect((await stat(target)).mode & 0o777).toBe(0o600);
  });
});

describe('CSV export: its own columns never repeat a column of the recipients CSV', () => {
  it.each([
    [['Name', 'Email'], ['subject', 'body', 'status']],
    [['Name', 'Status'], ['subject', 'body', 'draft_status']],
    [['subject', 'Body', 'draft_subject'], ['draft_draft_subject', 'draft_body', 'status']],
  ])('recipients %j -> own columns %j', (headers, own) => {
    expect(ownColumns(headers, ['subject', 'body', 'status'])).toEqual(own);
  });

  it('a list with a status column exports both, each under its own header', async () => {
    const text = await collect('csv', [rec({ recipient: { Name: 'Ana', status: 'churned' }, status: 'approved' })], ['Name', 'status']);
    const [row] = parse(text, { columns: true }) as Record<string, string>[];
    expect(row).toMatchObject({ status: 'churned', draft_status: 'approved' });
  });
});
