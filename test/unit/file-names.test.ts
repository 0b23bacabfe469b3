import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { safeFileStem, slugify } from '../../src/core/export/file-names.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const traversalDir = path.resolve(repoRoot, '../shared', 'realdata/bad-inputs/path-traversal');
const hasShared = existsSync(traversalDir);
if (!hasShared) console.warn(`skipping real-data file-name tests: ${traversalDir} not found`);

const RESERVED = /^(con|prn|aux|nul|clock\$|com[0-9¹²³]|lpt[0-9¹²³])$/i;

/** Everything a safe stem must be, whatever the input. */
function expectSafe(stem: string): void {
  expect(stem).toMatch(/^[a-z0-9][a-z0-9-]*$/);
  expect(stem.length).toBeLessThanOrEqual(60);
  expect(stem).not.toContain('..');
  expect(stem).not.toMatch(/[/\\:%.\s]/);
  // Windows treats `CON.eml` and `con.anything` as the device: check the part before any dot too.
  expect(stem.split('.')[0]).not.toMatch(RESERVED);
  expect(path.basename(`${stem}.eml`)).toBe(`${stem}.eml`);
  expect(path.win32.basename(`${stem}.eml`)).toBe(`${stem}.eml`);
}

describe('safeFileStem', () => {
  const cases: [string, number, string][] = [
    ['Ana Pereira', 3, '0003-ana-pereira'],
    ['José Müller-Weiß', 12, '0012-jose-muller-weiss'],
    ['Søren Ødegård', 1, '0001-soren-odegard'],
    ['Łukasz Żółć', 2, '0002-lukasz-zolc'],
    ['  ..hidden  ', 4, '0004-hidden'],
    ['山田 太郎', 5, '0005'],
    ['', 6, '0006'],
    ['../../etc/passwd', 7, '0007-etc-passwd'],
    ['CON', 8, '0008-con'],
    ['Ana\r\nBcc: evil', 9, '0009-ana-bcc-evil'],
    ['Ana Pereira', 12345, '12345-ana-pereira'],
  ];
  it.each(cases)('%j, row %i -> %s', (name, row, expected) => {
    expect(safeFileStem(name, row)).toBe(expected);
  });

  it('caps the length and does not end with a dash', () => {
    const stem = safeFileStem(`${'Verylongname '.repeat(20)}`, 7);
    expectSafe(stem);
    expect(stem.startsWith('0007-verylongname-')).toBe(true);
    expect(stem.endsWith('-')).toBe(false);
  });

  it('is never empty and never a dot file for odd rows or names', () => {
    for (const [name, row] of [['', Number.NaN], ['.', -1], ['...', 0], ['\u0000', 1.5], ['🎉', Infinity]] as const) {
      expectSafe(safeFileStem(name, row));
    }
  });

  it('keeps rows apart: different rows never share a stem, and stems sort by row', () => {
    const stems = Array.from({ length: 300 }, (_, i) => safeFileStem('Same Name', i + 1));
    expect(new Set(stems).size).toBe(stems.length);
    expect([...stems].sort()).toEqual(stems);
  });
});

describe('slugify', () => {
  it('folds to lower-case ASCII words joined by dashes', () => {
    expect(slugify('Ærøskøbing Straße  Nº 5')).toBe('aeroskobing-strasse-no-5');
  });
});

describe.skipIf(!hasShared)('safeFileStem on real traversal payloads', () => {
  const names = (): string[] => {
    const json = JSON.parse(readFileSync(path.join(traversalDir, 'path-traversal-names.json'), 'utf8')) as Record<string, { items: string[] }>;
    return Object.values(json).flatMap((group) => group.items);
  };
  const patt = (): string[] =>
    readFileSync(path.join(traversalDir, 'PayloadsAllTheThings-directory_traversal.txt'), 'utf8')
      .split(/\r?\n/)
      .filter((l) => l !== '');

  it('makes a safe stem of every BLNS / PayloadsAllTheThings name entry', () => {
    const items = names();
    expect(items.length).toBeGreaterThan(30);
    items.forEach((item, i) => expectSafe(safeFileStem(item, i + 1)));
  });

  it('makes a safe stem of every line of the PayloadsAllTheThings traversal list', () => {
    const lines = patt();
    expect(lines.length).toBeGreaterThan(100);
    lines.forEach((line, i) => expectSafe(safeFileStem(line, i + 1)));
  });

  it('turns the Windows device names into ordinary names', () => {
    for (const device of ['CON', 'PRN', 'AUX', 'CLOCK$', 'NUL', 'COM1', 'LPT1', 'A:']) {
      const stem = safeFileStem(device, 1);
      expectSafe(stem);
      expect(stem).not.toBe(device.toLowerCase());
    }
  });
});
