// A CSV that is not UTF-8 and comes without --encoding: its encoding is detected when chardet is
// sure, with a notice; otherwise the UTF-8 error names the first bad byte's line.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { detectEncoding } from '../../src/io/csv/encoding.js';
import { readRecipients, scanCsv } from '../../src/io/csv/reader.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tmp = useTempDir('csv-encoding-test-');

let n = 0;
async function tmpCsv(content: Buffer): Promise<string> {
  const file = path.join(tmp.path, `e${++n}.csv`);
  await writeFile(file, content);
  return file;
}

async function cells(file: string): Promise<string[][]> {
  const scan = await scanCsv({ file });
  const out: string[][] = [];
  for await (const r of readRecipients({ file }, scan)) out.push(r.cells);
  return out;
}

async function rejection(p: Promise<unknown>): Promise<InputError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InputError);
  return err as InputError;
}

describe('a CSV that is not UTF-8, without --encoding', () => {
  it('an Excel export in Windows-1252 (curly quotes, en dash) is read as windows-1252 with a notice', async () => {
    const text = 'name,notes\nO’Brien,“great” talk – follow up\nMüller,Café am Markt\n';
    const file = await tmpCsv(iconv.encode(text, 'windows-1252'));
    const scan = await scanCsv({ file, displayName: 'leads.csv' });
    expect(scan.encoding).toBe('windows-1252');
    expect(scan.notices).toEqual(['leads.csv: not UTF-8; read as windows-1252 (detected); pass --encoding to choose another.']);
    expect(await cells(file)).toEqual([
      ['O’Brien', '“great” talk – follow up'],
      ['Müller', 'Café am Markt'],
    ]);
  });

  it('Latin-1 text that chardet rates equally as several ISO-8859 tables is read as windows-1252', async () => {
    const file = await tmpCsv(iconv.encode('n\nHélène\n', 'latin1'));
    const scan = await scanCsv({ file });
    expect(scan.encoding).toBe('windows-1252');
    expect(await cells(file)).toEqual([['Hélène']]);
  });

  it('other encodings are detected too: Windows-1251 Cyrillic, Shift_JIS', async () => {
    const ru = await tmpCsv(iconv.encode('имя,фамилия,компания\nИван,Петров,Ромашка\nОльга,Смирнова,Северсталь\n', 'windows-1251'));
    expect((await scanCsv({ file: ru })).encoding).toBe('windows-1251');
    expect((await cells(ru))[1]).toEqual(['Ольга', 'Смирнова', 'Северсталь']);
    const ja = await tmpCsv(iconv.encode('名前,会社\n山田太郎,株式会社サンプル\n鈴木花子,東京商事\n', 'shift_jis'));
    expect((await scanCsv({ file: ja })).encoding).toBe('shift_jis');
    expect((await cells(ja))[0]).toEqual(['山田太郎', '株式会社サンプル']);
  });

  it('a guess that leaves a byte undecodable (0x81 has no character in Windows-1252) is not taken', async () => {
    const bytes = Buffer.concat([Buffer.from('name,city\nAnn,Paris\nRen'), Buffer.from([0x81]), Buffer.from('e,Nantes\n')]);
    expect(await detectEncoding(bytes)).toBeUndefined();
    const e = await rejection(scanCsv({ file: await tmpCsv(bytes), displayName: 'x.csv' }));
    expect(e.message).toBe('not valid UTF-8 (byte 0x81).');
    expect(e.location).toEqual({ file: 'x.csv', line: 3 });
    expect(e.hint).toContain('--encoding windows-1252');
  });

  it('text full of control bytes looks binary: no guess, the UTF-8 error', async () => {
    const latin = iconv.encode('nom,ville\nHélène,Orléans\nAndré,Besançon\nFrançois,Nîmes\n'.repeat(20), 'latin1');
    expect(await detectEncoding(latin)).toBe('windows-1252'); // the same text without the control bytes
    const noisy = Buffer.from(latin.map((b, i) => (i % 25 === 0 ? 0x07 : b)));
    expect(await detectEncoding(noisy)).toBeUndefined();
    const e = await rejection(scanCsv({ file: await tmpCsv(noisy) }));
    expect(e.message).toMatch(/^not valid UTF-8/);
  });

  it('an explicit --encoding is used as given, with no notice', async () => {
    const file = await tmpCsv(iconv.encode('n\nHélène\n', 'latin1'));
    const scan = await scanCsv({ file, encoding: 'ISO-8859-1' });
    expect(scan.encoding).toBe('iso-8859-1');
    expect(scan.notices).toEqual([]);
  });
});
