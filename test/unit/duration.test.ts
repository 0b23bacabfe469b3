import { describe, expect, it } from 'vitest';
import { parseDays } from '../../src/core/memory/duration.js';

describe('parseDays', () => {
  it.each([
    ['365d', 365],
    ['1d', 1],
    ['52w', 364],
    ['12m', 360],
    ['1y', 365],
    ['2Y', 730],
    [' 6 months ', 180],
    ['3 weeks', 21],
    ['10 days', 10],
  ])('%j -> %d days', (text, days) => expect(parseDays(text)).toBe(days));

  it.each(['', '365', 'd', '0d', '-5d', '1.5y', '12 parsecs', '1y2m', '9999999d', 'y1'])('%j is not an age', (text) => expect(parseDays(text)).toBeUndefined());
});
