import { describe, expect, it } from 'vitest';
import { editShare, tokens, wordEdits } from '../../src/core/text/word-diff.js';

describe('word diff', () => {
  it.each([
    ['Hi Ana, I hope this finds you well.', ['Hi', 'Ana', ',', 'I', 'hope', 'this', 'finds', 'you', 'well', '.']],
    ["Don't re-wrap l'été", ["Don't", 're-wrap', "l'été"]],
    ['Grüße aus München!', ['Grüße', 'aus', 'München', '!']],
    ['  \n\t ', []],
  ])('tokens of %j', (text, expected) => {
    expect(tokens(text)).toEqual(expected);
  });

  it.each([
    // before, after, edits as [removed, inserted] word lists, share
    ['Hi Ana,\nI hope this email finds you well. We meet Thursday.', 'Hi Ana,\nWe meet Thursday.', [[['I', 'hope', 'this', 'email', 'finds', 'you', 'well', '.'], []]], 7 / 12],
    ['Best regards,\nAlex', 'Cheers,\nAlex', [[['Best', 'regards'], ['Cheers']]], 2 / 3],
    ['one two three', 'one two three four', [[[], ['four']]], 1 / 3],
    ['same words\n\nre-wrapped', 'same   words re-wrapped', [], 0],
    ['', 'new text', [[[], ['new', 'text']]], 1],
    ['', '', [], 0],
  ])('%j -> %j', (before, after, runs, share) => {
    expect(wordEdits(before, after).map((e) => [e.removed, e.inserted])).toEqual(runs);
    expect(editShare(before, after)).toBeCloseTo(share, 5);
  });

  it('places a run at its index in the old tokens', () => {
    expect(wordEdits('a b c d', 'a c d x').map((e) => e.at)).toEqual([1, 4]);
  });
});
