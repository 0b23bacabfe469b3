// "Did you mean ...?" for unknown keys, commands and column names. Pure.

/**
 * Edit distance where insertions, deletions, substitutions and swaps of neighbouring letters
 * (`nmae` -> `name`, the commonest typo) each cost one (optimal string alignment).
 */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let before = new Array<number>(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let cur = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      cur[j] = d;
    }
    [before, prev, cur] = [prev, cur, before];
  }
  return prev[b.length]!;
}

// `Sign-Off`, `sign off` and `signoff` are all the same typo of `sign_off`.
const normalise = (s: string): string => s.trim().toLowerCase().replace(/[\s-]+/g, '_');

/**
 * The candidate closest to `word`, or undefined when none is close enough to be a plausible
 * typo (about a third of the letters may differ; short words allow one edit).
 */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  const w = normalise(word);
  if (!w) return undefined;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const c = normalise(candidate);
    const d = c.replace(/_/g, '') === w.replace(/_/g, '') ? 0 : levenshtein(w, c);
    const allowed = Math.max(1, Math.floor(Math.max(w.length, c.length) / 3));
    if (d <= allowed && d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}
