// The change detector behind "is this row the same as last run": equal inputs hash alike, and any
// change a CSV row can carry (a character, a cell boundary, the run's settings) changes it.
import { describe, expect, it } from 'vitest';
import { cellsDigest, inputsDigest } from '../../src/core/drafting/fingerprint.js';
import { quickHash, toHex } from '../../src/core/text/quick-hash.js';

const hex = (parts: string[]) => toHex(quickHash(parts));

describe('quickHash', () => {
  it('is the same for equal parts, in any call', () => {
    expect(hex(['Ana', 'ana@x.org'])).toBe(hex(['Ana', 'ana@x.org']));
    expect(hex(['Ana', 'ana@x.org'])).toMatch(/^[0-9a-f]{32}$/);
  });

  it.each([
    ['a cell boundary moved', ['ab', 'c'], ['a', 'bc']],
    ['an empty cell added', ['a'], ['a', '']],
    ['one character changed', ['Met at meetup 12'], ['Met at meetup 13']],
    ['case changed', ['ana@x.org'], ['Ana@x.org']],
    ['a non-ASCII letter', ['Zoé'], ['Zoe']],
    ['cells swapped', ['a', 'b'], ['b', 'a']],
  ])('changes when %s', (_label, a, b) => {
    expect(hex(a)).not.toBe(hex(b));
  });

  it('has no collisions over 100,000 rows that differ in one number', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 100_000; i++) seen.add(hex([`Ana${i}`, `ana${i}@example.com`, `Acme ${i % 97}`]));
    expect(seen.size).toBe(100_000);
  });
});

describe('inputsDigest', () => {
  it('depends on both the run settings and the row', () => {
    const row = cellsDigest(['Ana', 'ana@x.org']);
    expect(inputsDigest('run-a', row)).toBe(inputsDigest('run-a', cellsDigest(['Ana', 'ana@x.org'])));
    expect(inputsDigest('run-b', row)).not.toBe(inputsDigest('run-a', row));
    expect(inputsDigest('run-a', cellsDigest(['Ana', 'ana@y.org']))).not.toBe(inputsDigest('run-a', row));
  });
});
