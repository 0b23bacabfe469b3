import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { parseRowSelection } from '../../src/core/recipients/row-selection.js';

const pick = (spec: string, upTo = 20): number[] => {
  const sel = parseRowSelection(spec);
  return Array.from({ length: upTo }, (_, i) => i + 1).filter((r) => sel.has(r));
};

describe('parseRowSelection', () => {
  it.each([
    ['3', [3]],
    ['3,5-9', [3, 5, 6, 7, 8, 9]],
    [' 5 - 6 , 1 ', [1, 5, 6]],
    ['2,2,1-2', [1, 2]],
    ['18-', [18, 19, 20]],
    ['4-4', [4]],
    ['1,', [1]],
  ])('%j selects %j', (spec, rows) => {
    expect(pick(spec)).toEqual(rows);
  });

  it.each([
    ['3,5-9', 'rows 3, 5-9'],
    ['9,1', 'rows 1, 9'],
    ['12-', 'rows 12-'],
  ])('describes %j as %j', (spec, text) => {
    expect(parseRowSelection(spec).describe()).toBe(text);
  });

  it.each(['7-3', 'x', '0', '0-2', '', ' , ', '-3', '1.5', '3-x', '1;2', '99999999999999999999'])(
    'rejects %j with a UsageError and a hint',
    (spec) => {
      let caught: unknown;
      try {
        parseRowSelection(spec);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(UsageError);
      expect((caught as UsageError).exitCode).toBe(2);
      expect((caught as UsageError).hint).toBeTruthy();
    },
  );
});
