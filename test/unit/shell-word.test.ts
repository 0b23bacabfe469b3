import { describe, expect, it } from 'vitest';
import { shellWord } from '../../src/core/text/shell-word.js';

describe('shellWord', () => {
  it('leaves plainly safe words alone', () => {
    for (const w of ['leads.drafts.jsonl', '../x/p.yaml', 'hf:owner/repo:Q4_K_M', '3,5-9', 'a+b@host']) expect(shellWord(w)).toBe(w);
  });

  it('single-quotes anything else, escaping single quotes', () => {
    expect(shellWord('my leads.csv')).toBe("'my leads.csv'");
    expect(shellWord("o'brien.csv")).toBe(`'o'\\''brien.csv'`);
    expect(shellWord('$(rm -rf ~)')).toBe("'$(rm -rf ~)'");
    expect(shellWord('')).toBe("''");
  });

  it('strips terminal controls before quoting', () => {
    expect(shellWord('a\u001b]0;title\u0007b.csv')).toBe('ab.csv');
  });
});
