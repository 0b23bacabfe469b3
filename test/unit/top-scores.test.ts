// The best few of many scores: exact, ties by index, in any input order.
import { describe, expect, it } from 'vitest';
import { bestSlots, kthLargest, topSlots } from '../../src/core/memory/top-scores.js';

describe('kthLargest', () => {
  it.each([
    [[5], 1, 5],
    [[1, 9, 3, 7, 5], 1, 9],
    [[1, 9, 3, 7, 5], 3, 5],
    [[1, 9, 3, 7, 5], 5, 1],
    [[2, 2, 2, 1, 3], 2, 2],
    [[2, 2, 2, 1, 3], 4, 2],
    [[0.5, -Infinity, 0.25, 0.75], 4, -Infinity],
  ])('%j, k=%i -> %d', (values, k, expected) => {
    expect(kthLargest(Float64Array.from(values), k)).toBe(expected);
  });

  it('agrees with a sort on shuffled data', () => {
    let seed = 7;
    const values = Array.from({ length: 2000 }, () => ((seed = (seed * 48271) % 2147483647) % 97) / 7);
    const sorted = [...values].sort((a, b) => b - a);
    for (const k of [1, 2, 48, 500, 1999, 2000]) expect(kthLargest(Float64Array.from(values), k)).toBe(sorted[k - 1]);
  });
});

const SCORES = Float64Array.from([0, 3, 1, 3, 2, 3, 0.5]);
const PICKS: [number[], number, number[]][] = [
  [[1, 2, 3, 4, 5, 6], 2, [1, 3]],
  [[6, 5, 4, 3, 2, 1], 3, [1, 3, 5]],
  [[6, 5, 4, 3, 2, 1], 4, [1, 3, 5, 4]],
  [[2, 6], 5, [2, 6]],
  [[4, 2, 6, 5], 1, [5]],
];

describe('topSlots and bestSlots', () => {
  it.each(PICKS)('%j, limit %i -> %j (score descending, then the lower slot)', (slots, limit, expected) => {
    expect(topSlots(SCORES, [...slots], limit)).toEqual(expected);
    expect(bestSlots(SCORES, Int32Array.from([...slots, 0, 0]), slots.length, limit)).toEqual(expected);
  });

  it('bestSlots agrees with topSlots over many tied scores, and picks none for limit 0', () => {
    const many = Float64Array.from({ length: 3000 }, (_, i) => ((i * 7919) % 97) / 4);
    const slots = Array.from({ length: 3000 }, (_, i) => (i * 1237) % 3000);
    for (const limit of [1, 12, 20, 96]) expect(bestSlots(many, Int32Array.from(slots), slots.length, limit)).toEqual(topSlots(many, [...slots], limit));
    expect(bestSlots(many, Int32Array.from(slots), slots.length, 0)).toEqual([]);
  });
});
