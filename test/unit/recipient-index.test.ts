// What the drafts file's fold keeps per recipient, in typed arrays by slot: every field read back
// as set, rosters deciding rows and orphans, and growth past the first allocation.
import { describe, expect, it } from 'vitest';
import { RecipientIndex, type FoldState } from '../../src/core/decisions/recipient-index.js';

const hex = (n: number) => n.toString(16).padStart(32, '0');

function state(key: string, draftRow: number, over: Partial<FoldState> = {}): FoldState {
  return {
    key, draftRow, status: 'drafted', version: 1, edited: false, fingerprint: hex(draftRow), legacy: false, stale: false,
    draft: { offset: draftRow * 100, length: 90 }, ...over,
  };
}

describe('RecipientIndex', () => {
  it('reads back every field as set, hex fingerprints and inputs included', () => {
    const index = new RecipientIndex();
    index.set(state('a', 1, { inputs: hex(99), status: 'approved', version: 3, edited: true, legacy: true, stale: true,
      text: { offset: 5_000_000_000, length: 7 }, decision: { offset: 123, length: 4 } }));
    index.set(state('b', 2, { fingerprint: 'not-hex' }));
    expect(index.get('a')).toEqual({
      key: 'a', row: 1, draftRow: 1, status: 'approved', version: 3, edited: true, fingerprint: hex(1), inputs: hex(99),
      legacy: true, stale: true, orphaned: false, draft: { offset: 100, length: 90 }, text: { offset: 5_000_000_000, length: 7 },
      decision: { offset: 123, length: 4 },
    });
    expect(index.get('b')).toMatchObject({ fingerprint: 'not-hex', edited: false, legacy: false, stale: false });
    expect(index.get('b')).not.toHaveProperty('inputs');
    expect(index.get('b')).not.toHaveProperty('text');
    expect(index.get('missing')).toBeUndefined();
    expect([index.size, index.has('a'), index.has('c')]).toEqual([2, true, false]);
  });

  it('a later state for the same key replaces the earlier one in its slot', () => {
    const index = new RecipientIndex();
    index.set(state('a', 1, { inputs: hex(7), decision: { offset: 1, length: 1 } }));
    index.set(state('a', 4, { fingerprint: hex(40), version: 2 }));
    expect(index.size).toBe(1);
    expect(index.get('a')).toMatchObject({ draftRow: 4, fingerprint: hex(40), version: 2 });
    expect(index.get('a')).not.toHaveProperty('decision');
    expect(index.get('a')).not.toHaveProperty('inputs');
  });

  it('without a roster nobody is orphaned and rows are the drafts\' rows', () => {
    const index = new RecipientIndex();
    index.set(state('b', 2));
    index.set(state('a', 1));
    expect(index.orphans()).toEqual([]);
    expect(index.values().map((s) => [s.key, s.row, s.orphaned])).toEqual([['a', 1, false], ['b', 2, false]]);
  });

  it('a roster gives rows (or its own rows list) and orphans the rest, sorted by their last row', () => {
    const index = new RecipientIndex();
    for (const [k, r] of [['a', 1], ['b', 2], ['c', 3], ['d', 4]] as const) index.set(state(k, r));
    index.applyRoster(['d', 'b'], [2, 5]);
    expect(index.values().map((s) => [s.key, s.row, s.orphaned])).toEqual([['d', 2, false], ['b', 5, false], ['a', 1, true], ['c', 3, true]]);
    expect(index.orphans().map((s) => s.key)).toEqual(['a', 'c']);
    index.applyRoster(['a', 'b', 'c', 'd']);
    expect(index.orphans()).toEqual([]);
    expect(index.values().map((s) => s.row)).toEqual([1, 2, 3, 4]);
  });

  it('placeInRoster sets a row only once a roster exists', () => {
    const index = new RecipientIndex();
    index.set(state('a', 1));
    index.placeInRoster('a', 9);
    expect(index.get('a')?.row).toBe(1);
    index.applyRoster([]);
    index.placeInRoster('a', 9);
    expect(index.get('a')).toMatchObject({ row: 9, orphaned: false });
  });

  it('finds the recipient whose latest draft came from a row (the latest such)', () => {
    const index = new RecipientIndex();
    index.set(state('a', 3));
    index.set(state('b', 5));
    index.set(state('c', 3));
    expect([index.keyAtDraftRow(3), index.keyAtDraftRow(5), index.keyAtDraftRow(4)]).toEqual(['c', 'b', undefined]);
  });

  it.each([0, 10, 5000])('grows past its first allocation (made room for %i) and keeps every slot', (expected) => {
    const index = new RecipientIndex(expected);
    for (let i = 1; i <= 3000; i++) index.set(state(`k${i}`, i, { inputs: hex(i + 1) }));
    expect(index.size).toBe(3000);
    for (const i of [1, 1024, 1025, 2048, 3000]) expect(index.get(`k${i}`)).toMatchObject({ draftRow: i, fingerprint: hex(i), inputs: hex(i + 1) });
  });

  it('refuses a status it does not know', () => {
    expect(() => new RecipientIndex().set(state('a', 1, { status: 'edited' as never }))).toThrow(/unknown draft status edited/);
  });
});
