import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { InputError, UsageError } from '../../src/core/errors.js';
import { recipientRecord, type Recipient } from '../../src/core/recipients/recipients.js';
import { readRecipients, scanCsv, type CsvOptions, type CsvScan } from '../../src/io/csv/reader.js';
import { spoolToTempFile } from '../../src/io/csv/stdin-spool.js';
import { useTempDir } from '../helpers/temp-dir.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const realdata = path.resolve(repoRoot, '../shared', 'realdata');
const hasRealdata = existsSync(realdata);
if (!hasRealdata) console.warn(`csv-reader: ${realdata} not found; skipping the real-data tests`);

const tmp = useTempDir('csv-reader-test-');

let n = 0;
async function tmpCsv(content: string | Buffer): Promise<string> {
  const file = path.join(tmp.path, `f${++n}.csv`);
  await writeFile(file, content);
  return file;
}

async function readAll(opts: CsvOptions): Promise<{ scan: CsvScan; rows: Recipient[] }> {
  const scan = await scanCsv(opts);
  const rows: Recipient[] = [];
  for await (const r of readRecipients(opts, scan)) rows.push(r);
  return { scan, rows };
}

async function inputError(p: Promise<unknown>): Promise<InputError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InputError);
  const e = err as InputError;
  expect(e.exitCode).toBe(2);
  expect(e.hint).toBeTruthy();
  return e;
}

describe('scanCsv + readRecipients on written files', () => {
  it('reads rows with 1-based row and line numbers; quoted commas, quotes and newlines', async () => {
    const file = await tmpCsv('name,email,notes\nAnn,ann@x.example,"likes tea, coffee"\nBob,bob@x.example,"two\nlines"\n\nCy,cy@x.example,"say ""hi"""\n');
    const { scan, rows } = await readAll({ file });
    expect(scan.rows).toBe(3);
    expect(scan.delimiter).toBe(',');
    expect(scan.encoding).toBe('utf-8');
    expect(scan.columns.headers).toEqual(['name', 'email', 'notes']);
    expect(rows.map((r) => [r.row, r.line])).toEqual([[1, 2], [2, 3], [3, 6]]);
    expect(rows.map((r) => r.cells[2])).toEqual(['likes tea, coffee', 'two\nlines', 'say "hi"']);
  });

  it('handles CRLF and CR-only line endings the same way (line endings become LF)', async () => {
    const body = ['a,b', '1,"x', 'y"', '', '3,4'];
    for (const eol of ['\r\n', '\r']) {
      const { rows } = await readAll({ file: await tmpCsv(body.join(eol) + eol) });
      expect(rows).toEqual([
        { row: 1, line: 2, cells: ['1', 'x\ny'] },
        { row: 2, line: 5, cells: ['3', '4'] },
      ]);
    }
  });

  it('strips a UTF-8 BOM from the first header', async () => {
    const { scan } = await readAll({ file: await tmpCsv('\uFEFFemail,name\na@x.example,A\n') });
    expect(scan.columns.headers[0]).toBe('email');
    expect(scan.columns.canonical.email).toBe(0);
  });

  it.each([
    [';', 'a;b;c\n"1;x";2;3\n'],
    ['\t', 'a\tb\tc\n1\t\t3\n'],
    ['|', 'a|b|c\n1|2|3\n'],
    [',', 'a,"b;c;d",e\n1,2,3\n'],
  ])('detects the delimiter %j from the header', async (delimiter, text) => {
    const { scan, rows } = await readAll({ file: await tmpCsv(text) });
    expect(scan.delimiter).toBe(delimiter);
    expect(rows[0]!.cells).toHaveLength(3);
  });

  it('keeps cells as strings, trims spaces around unquoted cells', async () => {
    const { rows } = await readAll({ file: await tmpCsv('a,b,c\n 007 , true ,  1e3\n') });
    expect(rows[0]!.cells).toEqual(['007', 'true', '1e3']);
  });

  it('skips a preamble with a notice, and --skip-lines forces a count', async () => {
    const text = 'Notes:\n"Some e-mails are missing, see the help page"\n\nFirst Name,Email\nAnn,a@x.example\n';
    const file = await tmpCsv(text);
    const { scan, rows } = await readAll({ file });
    expect(scan.skipLines).toBe(3);
    expect(scan.notices.join()).toMatch(/skipped 3 line/);
    expect(rows[0]).toEqual({ row: 1, line: 5, cells: ['Ann', 'a@x.example'] });
    const forced = await readAll({ file, skipLines: 2 });
    expect(forced.scan.columns.headers).toEqual(['First Name', 'Email']);
    expect(forced.scan.notices).toEqual([]);
    expect(forced.rows[0]!.line).toBe(5);
    const none = await inputError(scanCsv({ file, skipLines: 0 }));
    expect(none.location?.line).toBe(4); // the real header, read as a data row of the 1-column "Notes:" file
  });

  it('skips leading blank lines silently', async () => {
    const { scan, rows } = await readAll({ file: await tmpCsv('\n\n\na,b\n1,2\n') });
    expect(scan.skipLines).toBe(3);
    expect(scan.notices).toEqual([]);
    expect(rows[0]!.line).toBe(5);
  });

  it('reads the same rows in order on the second pass as the scan counted', async () => {
    const lines = ['id,note'];
    for (let i = 1; i <= 50; i++) lines.push(i % 7 === 0 ? `${i},"multi\nline ${i}"` : `${i},n${i}`);
    const { scan, rows } = await readAll({ file: await tmpCsv(lines.join('\n')) });
    expect(rows).toHaveLength(scan.rows);
    expect(rows.map((r) => r.cells[0])).toEqual(Array.from({ length: 50 }, (_, i) => String(i + 1)));
    expect(rows.map((r) => r.row)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('reads windows-1252, latin1 and utf-16le with --encoding, and UTF-16 with a BOM without it', async () => {
    const text = 'name,company\nHélène,Café Müller – €\n';
    const cp = await readAll({ file: await tmpCsv(iconv.encode(text, 'windows-1252')), encoding: 'windows-1252' });
    expect(cp.rows[0]!.cells).toEqual(['Hélène', 'Café Müller – €']);
    const l1 = await readAll({ file: await tmpCsv(iconv.encode('n\nHélène\n', 'latin1')), encoding: 'latin1' });
    expect(l1.rows[0]!.cells).toEqual(['Hélène']);
    const u16 = await readAll({ file: await tmpCsv(iconv.encode(text, 'utf-16le')), encoding: 'utf-16le' });
    expect(u16.rows[0]!.cells).toEqual(['Hélène', 'Café Müller – €']);
    const bom = await readAll({ file: await tmpCsv(iconv.encode(text, 'utf-16le', { addBOM: true })) });
    expect(bom.scan.encoding).toBe('utf-16le');
    expect(bom.scan.columns.headers).toEqual(['name', 'company']);
    expect(bom.rows[0]!.cells).toEqual(['Hélène', 'Café Müller – €']);
  });

  it('rejects an unknown --encoding as a usage error', async () => {
    await expect(scanCsv({ file: await tmpCsv('a\n1\n'), encoding: 'klingon-8' })).rejects.toBeInstanceOf(UsageError);
  });
});

describe('bad input -> InputError with file, line and hint', () => {
  it.each([
    ['empty file', ''],
    ['only blank lines', '\n\n  \n'],
  ])('%s', async (_label, text) => {
    const e = await inputError(scanCsv({ file: await tmpCsv(text), displayName: 'leads.csv' }));
    expect(e.message).toMatch(/empty/);
    expect(e.location?.file).toBe('leads.csv');
  });

  it('header only', async () => {
    const e = await inputError(scanCsv({ file: await tmpCsv('\na,b,c\n\n') }));
    expect(e.message).toMatch(/no data rows/);
    expect(e.location?.line).toBe(2);
  });

  it('rows with too many and too few cells: the first is the error, the rest are details', async () => {
    const file = await tmpCsv('a,b,c\n1,2,3\n"x\ny",2,3,4\n5,6\n7,8,9\n');
    const e = await inputError(scanCsv({ file, displayName: 'in.csv' }));
    expect(e.location).toEqual({ file: 'in.csv', line: 3 });
    expect(e.message).toMatch(/expected 3 cells.*got 4/);
    expect(e.details).toEqual(['line 5: expected 3 cells, got 2']);
    expect(e.hint).toMatch(/quote|--skip-lines/);
  });

  it('extra cells past the header: only empty ones are forgiven', async () => {
    const { scan, rows } = await readAll({ file: await tmpCsv('a,b\n1,2, \n3,4\n') });
    expect(rows.map((r) => r.cells)).toEqual([['1', '2'], ['3', '4']]);
    expect(scan.notices).toHaveLength(1);
    const e = await inputError(scanCsv({ file: await tmpCsv('a,b\n1,2,,x\n') }));
    expect(e.message).toMatch(/expected 2 cells.*got 4/);
  });

  it('readRecipients also refuses a ragged row (file changed after the scan)', async () => {
    const file = await tmpCsv('a,b\n1,2\n');
    const scan = await scanCsv({ file });
    await writeFile(file, 'a,b\n1,2\n3\n');
    const read = async () => {
      for await (const _ of readRecipients({ file }, scan)) void _;
    };
    const e = await inputError(read());
    expect(e.location?.line).toBe(3);
  });

  it('unterminated quote names the line where the record with the quote starts', async () => {
    const file = await tmpCsv('a,b\r\n1,2\r\n\r\n3,"never closed\r\n4,5\r\n6,7\r\n');
    const e = await inputError(scanCsv({ file }));
    expect(e.location?.line).toBe(4);
    expect(e.message).toMatch(/never closed/);
  });

  it('text after a closing quote', async () => {
    const e = await inputError(scanCsv({ file: await tmpCsv('a,b\n1,"x"y\n') }));
    expect(e.location?.line).toBe(2);
  });

  it('invalid UTF-8 that no encoding explains names the line of the first bad byte and suggests --encoding', async () => {
    // One stray byte before thousands of numeric rows: chardet is not sure of anything, so no guess.
    const ascii = Array.from({ length: 20000 }, (_, i) => `${i},ok`).join('\n');
    const bytes = Buffer.concat([Buffer.from('name,city\nAnn,Paris\n"Multi\nline",ok\nRen'), Buffer.from([0xe9]), Buffer.from(`e,Nantes\n${ascii}\n`)]);
    const e = await inputError(scanCsv({ file: await tmpCsv(bytes), displayName: 'x.csv' }));
    expect(e.location).toEqual({ file: 'x.csv', line: 5 });
    expect(e.message).toMatch(/UTF-8/);
    expect(e.hint).toContain('--encoding windows-1252');
  });

  it('invalid UTF-8 far into a large file (past the first chunks) is still found with its line', async () => {
    const rows = Array.from({ length: 20000 }, (_, i) => `${i},ok`);
    const bytes = Buffer.concat([Buffer.from(`id,v\n${rows.join('\n')}\n`), Buffer.from([0x41, 0xff, 0x0a])]);
    const e = await inputError(scanCsv({ file: await tmpCsv(bytes) }));
    expect(e.location?.line).toBe(20002);
  });

  it('a UTF-8 character split across read chunks is not an error', async () => {
    const pad = 'x'.repeat(65536 - 6);
    const { rows } = await readAll({ file: await tmpCsv(`a,b\n${pad},ééééé\n`) });
    expect(rows[0]!.cells[1]).toBe('ééééé');
  });

  it('NUL bytes: not a text file', async () => {
    const e = await inputError(scanCsv({ file: await tmpCsv(Buffer.from('a,b\n\u0000,2\n')) }));
    expect(e.message).toMatch(/not a text file/);
    expect(e.location?.line).toBe(2);
  });

  it('UTF-16 without a BOM suggests the encoding', async () => {
    const e = await inputError(scanCsv({ file: await tmpCsv(iconv.encode('a,b\n1,2\n', 'utf-16le')) }));
    expect(e.hint).toContain('--encoding utf-16le');
  });

  it('missing file and directory', async () => {
    const missing = await inputError(scanCsv({ file: path.join(tmp.path, 'nope.csv'), displayName: 'nope.csv' }));
    expect(missing.location?.file).toBe('nope.csv');
    expect(missing.hint).toMatch(/pass - to read stdin/);
    const sub = path.join(tmp.path, 'sub');
    await mkdir(sub, { recursive: true });
    const isDir = await inputError(scanCsv({ file: sub }));
    expect(isDir.message).toMatch(/directory/);
  });
});

describe('spoolToTempFile', () => {
  it('copies a stream to a file that can be scanned and read, then removes it', async () => {
    const { path: file, cleanup } = await spoolToTempFile(Readable.from([Buffer.from('a,b\n1,'), Buffer.from('2\n')]));
    const { rows } = await readAll({ file, displayName: '<stdin>' });
    expect(rows[0]!.cells).toEqual(['1', '2']);
    await cleanup();
    expect(existsSync(file)).toBe(false);
  });

  it('keeps the recipients private in the shared temp folder: folder 0700, file 0600 under umask 022', async () => {
    const old = process.umask(0o022);
    try {
      const { path: file, cleanup } = await spoolToTempFile(Readable.from(['a,b\n1,2\n']));
      expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      await cleanup();
    } finally {
      process.umask(old);
    }
  });
});

describe('large files', () => {
  it('scans and streams 100k rows', async () => {
    const file = path.join(tmp.path, 'big.csv');
    const lines = ['first_name,last_name,email,company,notes'];
    for (let i = 1; i <= 100_000; i++) lines.push(`Name${i},Last${i},p${i}@x.example,"Co ${i}, Inc.",note ${i}`);
    await writeFile(file, `${lines.join('\n')}\n`);
    const started = Date.now();
    const scan = await scanCsv({ file });
    expect(scan.rows).toBe(100_000);
    let count = 0;
    let last: Recipient | undefined;
    for await (const r of readRecipients({ file }, scan)) {
      count++;
      last = r;
    }
    expect(count).toBe(100_000);
    expect(last).toEqual({ row: 100_000, line: 100_001, cells: ['Name100000', 'Last100000', 'p100000@x.example', 'Co 100000, Inc.', 'note 100000'] });
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 20_000);
});

describe.skipIf(!hasRealdata)('real-world files (../shared/realdata)', () => {
  const real = (p: string) => path.join(realdata, p);

  describe('csv-spectrum matches its JSON expectations', () => {
    const names = hasRealdata
      ? readdirSync(real('csv-spectrum/csvs'))
          .map((f) => f.replace(/\.csv$/, ''))
          .filter((f) => f !== 'location_coordinates') // known-broken upstream (expected JSON differs from the CSV)
      : [];
    it.each(names)('%s', async (name) => {
      const { scan, rows } = await readAll({ file: real(`csv-spectrum/csvs/${name}.csv`) });
      const expected = JSON.parse(readFileSync(real(`csv-spectrum/json/${name}.json`), 'utf8')) as Record<string, string>[];
      // We normalise line endings inside cells to LF.
      const normalised = expected.map((o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v.replace(/\r\n?/g, '\n')])));
      expect(rows.map((r) => recipientRecord(r, scan.columns))).toEqual(normalised);
    });
  });

  it('LinkedIn export: preamble skipped with a notice; canonical fields mapped', async () => {
    const { scan, rows } = await readAll({ file: real('crm-exports/linkedin-Connections-2024.excerpt.csv') });
    expect(scan.skipLines).toBe(3);
    expect(scan.notices).toHaveLength(1);
    expect(scan.columns.headers[0]).toBe('First Name');
    expect(scan.columns.canonical).toMatchObject({ first_name: 0, last_name: 1, email: 3, company: 4, role: 5 });
    expect(rows).toHaveLength(scan.rows);
    expect(rows[0]!.line).toBe(5);
    expect(rows.every((r) => r.cells.length === 7)).toBe(true);
  });

  it('HubSpot exports: repeated headers kept, renamed and warned about', async () => {
    const { scan, rows } = await readAll({ file: real('crm-exports/hubspot-contacts-with-company-export.excerpt.csv') });
    const h = scan.columns.headers;
    for (const dup of ['Create Date', 'Phone Number', 'Last Activity Date', 'Country/Region']) {
      expect(h.filter((x) => x === dup)).toHaveLength(1);
      expect(h).toContain(`${dup}_2`);
      expect(scan.warnings.join()).toContain(`${dup}_2`);
    }
    expect(new Set(h).size).toBe(h.length);
    expect(rows.every((r) => r.cells.length === h.length)).toBe(true);
    const all = await readAll({ file: real('crm-exports/hubspot-all-contacts-export.excerpt.csv') });
    expect(all.scan.columns.headers).toHaveLength(294);
    expect(all.scan.columns.headers).toContain('Billing Contact_2');
  });

  it.each([
    ['node-csv-fixtures/327.cws.latin1.csv', 'windows-1252', 'Acentuação1'],
    ['CharlesNepote-CSV-test-files/CSV-basic-ISO-8859-1.CRLF.csv', 'windows-1252', 'Hélène'],
    ['CharlesNepote-CSV-test-files/CSV-basic-ISO-8859-1.LF.csv', 'windows-1252', 'Hélène'],
    ['csvkit-examples/test_latin1.csv', 'iso-8859-9', '©'], // one byte: chardet's language guess is Turkish, © all the same
  ])('Latin-1 %s: not UTF-8, read as %s (detected) with a notice; --encoding still decides', async (f, detected, cell) => {
    const { scan, rows } = await readAll({ file: real(f), displayName: f });
    expect(scan.encoding).toBe(detected);
    expect(scan.notices).toEqual([`${f}: not UTF-8; read as ${detected} (detected); pass --encoding to choose another.`]);
    expect(rows.flatMap((r) => r.cells)).toContain(cell);
    const chosen = await readAll({ file: real(f), encoding: 'windows-1252' });
    expect(chosen.scan.notices).toEqual([]);
    expect(chosen.rows.map((r) => r.cells)).toEqual(rows.map((r) => r.cells));
  });

  it('CSVY: the YAML front matter is skipped with a notice, and the header after it is used', async () => {
    const { scan, rows } = await readAll({ file: real('CharlesNepote-CSV-test-files/test.csvy.UTF8.RFC4180.csvy') });
    expect(scan.skipLines).toBe(16);
    expect(scan.notices.join('\n')).toMatch(/skipped 16 line\(s\) before the header \(YAML front matter, as in CSVY\)/);
    expect(scan.columns.headers).toEqual(['var1', 'var2', 'var3']);
    expect(rows[0]!.cells).toEqual(['A', '1', '2.5']);
  });

  it('Thunderbird semicolon file', async () => {
    const { scan, rows } = await readAll({ file: real('thunderbird-addrbook/csv_semicolon.csv') });
    expect(scan.delimiter).toBe(';');
    expect(scan.columns.canonical).toMatchObject({ full_name: 0, first_name: 1, last_name: 2, email: 3 });
    expect(rows[0]!.cells).toEqual(['John Doe', 'John', 'Doe', 'john@doe.invalid']);
  });

  it('node-csv 411.csv: a row with a trailing comma (one empty extra cell) is read, with a notice', async () => {
    const { scan, rows } = await readAll({ file: real('node-csv-fixtures/411.csv') });
    expect(scan.notices.join('\n')).toMatch(/1 row\(s\) end in empty cells past the header's 5 columns/);
    expect(rows[1]!.cells).toEqual(['2', 'Kylie', 'Lauderdale', 'klauderdale1@wsj.com', '2022-02-14']);
    expect(rows.every((r) => r.cells.length === 5)).toBe(true);
  });

  it('Thunderbird address book: every row has a trailing comma the header lacks; the rows are read', async () => {
    const { scan, rows } = await readAll({ file: real('thunderbird-addrbook/basic_csv_addressbook.csv') });
    expect(scan.columns.headers).toHaveLength(37);
    expect(scan.notices.join('\n')).toMatch(/2 row\(s\) end in empty cells .*Thunderbird/);
    expect(rows.map((r) => r.cells[scan.columns.canonical.email!])).toEqual(['john@doe.invalid', 'jane@doe.invalid']);
  });

  it('unterminated quote: names line 2 where the quote opened', async () => {
    const e = await inputError(scanCsv({ file: real('bad-inputs/long-fields/unterminated-quote.csv') }));
    expect(e.location?.line).toBe(2);
  });

  it('UTF-8 BOM files: header without BOM', async () => {
    for (const f of ['node-csv-fixtures/365-utf8-bom-windows.csv', 'csvkit-examples/test_utf8_bom.csv', 'roundcube-csv2vcard/all.csv']) {
      const { scan } = await readAll({ file: real(f) });
      expect(scan.columns.headers[0]!.charCodeAt(0)).not.toBe(0xfeff);
    }
  });

  it('UTF-16 files with a BOM are detected', async () => {
    for (const f of ['csvkit-examples/test_utf16_little.csv', 'csvkit-examples/test_utf16_big.csv', 'node-csv-fixtures/365-utf16le-bom-windows.csv']) {
      const { scan, rows } = await readAll({ file: real(f) });
      expect(scan.encoding).toMatch(/^utf-16/);
      expect(scan.columns.headers).toEqual(['a', 'b', 'c']);
      expect(rows[0]!.cells).toEqual(['1', '2', '3']);
    }
  });

  it('CR-only (old Mac) file with a quoted newline', async () => {
    const { rows } = await readAll({ file: real('csvkit-examples/mac_newlines.csv') });
    expect(rows.map((r) => r.cells)).toEqual([['1', '2', '3'], ['Once upon\na time', '5', '6']]);
  });

  it('NUL byte file', async () => {
    const e = await inputError(scanCsv({ file: real('csvkit-examples/null_byte.csv') }));
    expect(e.message).toMatch(/not a text file/);
  });

  it('very long fields are read whole', async () => {
    const ascii = await readAll({ file: real('bad-inputs/long-fields/long-notes-ascii-131073.csv') });
    const notes = ascii.scan.columns.canonical.notes!;
    expect(Math.max(...ascii.rows.map((r) => r.cells[notes]!.length))).toBeGreaterThanOrEqual(131_073);
    const cjk = await readAll({ file: real('bad-inputs/long-fields/long-notes-cjk-65600chars.csv') });
    expect(cjk.rows[0]!.cells[cjk.scan.columns.canonical.notes!]!.length).toBeGreaterThanOrEqual(65_600);
  });

  it('a 10,007-cell row under a 7-column header is a clean ragged-row error', async () => {
    const e = await inputError(scanCsv({ file: real('bad-inputs/long-fields/many-columns-10000.csv') }));
    expect(e.message).toMatch(/expected 7 cells.*got 10007/);
  });

  it('csvkit bad.csv reports every ragged row', async () => {
    const e = await inputError(scanCsv({ file: real('csvkit-examples/bad.csv') }));
    expect(e.location?.line).toBe(2);
    expect(e.details).toEqual(['line 3: expected 3 cells, got 2']);
  });
});
