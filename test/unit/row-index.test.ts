import { describe, expect, it } from 'vitest';
import type { RowState } from '../../src/core/journal.js';
import { RowIndex } from '../../src/core/row-index.js';

const state = (row: number, over: Partial<RowState> = {}): RowState => ({
  row,
  fingerprint: row.toString(16).padStart(32, '0'),
  status: 'drafted',
  version: 1,
  offset: row * 1000,
  length: 900,
  ...over,
});

describe('RowIndex', () => {
  it('gives back what was set, decision and every status included', () => {
    const index = new RowIndex();
    const statuses = ['drafted', 'failed', 'approved', 'edited', 'skipped'] as const;
    statuses.forEach((status, i) => index.set(i + 1, state(i + 1, { status, version: i + 2 })));
    index.set(3, state(3, { status: 'approved', decision: { offset: 123_456_789_012, length: 77 } }));
    expect(index.get(1)).toEqual(state(1, { version: 2 }));
    expect(index.get(3)).toEqual(state(3, { status: 'approved', decision: { offset: 123_456_789_012, length: 77 } }));
    expect(index.get(5)?.status).toBe('skipped');
    expect(index.get(6)).toBeUndefined();
    expect(index.get(0)).toBeUndefined();
    expect(index.size).toBe(5);
  });

  it('a new state replaces the old one, decision included', () => {
    const index = new RowIndex();
    index.set(2, state(2, { status: 'edited', decision: { offset: 5, length: 6 } }));
    index.set(2, state(2, { version: 2, fingerprint: 'ab'.repeat(16) }));
    expect(index.get(2)).toEqual(state(2, { version: 2, fingerprint: 'ab'.repeat(16) }));
    expect(index.size).toBe(1);
  });

  it('keeps fingerprints that are not 32 hex digits as they are', () => {
    const index = new RowIndex();
    index.set(1, state(1, { fingerprint: 'fp-1' }));
    index.set(2, state(2, { fingerprint: 'ABCDEF'.repeat(6).slice(0, 32) })); // upper case is not ours: kept verbatim
    expect(index.get(1)?.fingerprint).toBe('fp-1');
    expect(index.get(2)?.fingerprint).toBe('ABCDEF'.repeat(6).slice(0, 32));
    index.set(1, state(1));
    expect(index.get(1)?.fingerprint).toBe(state(1).fingerprint);
  });

  it('lists rows in order across growth; a stray huge row is kept aside, then joins when the arrays reach it', () => {
    const index = new RowIndex();
    index.set(5_000_000, state(5_000_000));
    for (const row of [3, 1, 2000, 2]) index.set(row, state(row));
    expect([...index.keys()]).toEqual([1, 2, 3, 2000, 5_000_000]);
    expect(index.get(5_000_000)).toEqual(state(5_000_000));
    for (let row = 4; row < 2000; row++) index.set(row, state(row));
    expect(index.size).toBe(2001);
    const keys = [...index.keys()];
    expect(keys).toEqual([...keys].sort((a, b) => a - b));
    expect([...index.values()].map((s) => s.row)).toEqual(keys);
  });
});
