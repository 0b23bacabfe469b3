// Phrases a reviewer deleted, or inserted, again and again: the runs of words that changed in the
// middles of their edits (edit-parts.ts), counted across edits. A phrase counts for an edit when it
// sits inside one of that edit's runs on the right side AND is absent from the other version (a
// phrase the reviewer moved is not one they delete). Where a shorter and a longer phrase overlap,
// the better supported one wins, and on a tie the longer, more specific one. Pure.
import { fold } from '../lint/greeting.js';
import { isWord, tokens } from '../text/word-diff.js';
import { NAME_MASK, type PreparedEdit } from './edit-parts.js';

export type PhraseSide = 'removed' | 'inserted';

/** A phrase and the edits that back it. */
export interface PhraseSupport {
  /** As the reviewer's text (or the model's, for removed phrases) wrote it the first time. */
  text: string;
  edits: PreparedEdit[];
  /** Edits whose other version had the phrase's chance: the model's text had it (removed), or lacked it (inserted). */
  chances: number;
}

/** Most words a proposed phrase may have: a longer run is a rewritten sentence, not a habit. */
const MAX_WORDS = 12;

const EDGE_PUNCTUATION = /^[^\p{L}\p{N}]+$/u;

/** Runs trimmed of leading and trailing punctuation tokens. */
function trimmed(run: readonly string[]): string[] {
  let a = 0;
  let b = run.length;
  while (a < b && EDGE_PUNCTUATION.test(run[a]!)) a++;
  while (b > a && EDGE_PUNCTUATION.test(run[b - 1]!)) b--;
  return run.slice(a, b);
}

/** Tokens joined as prose: no space before closing punctuation, none after opening brackets. */
export function joinTokens(list: readonly string[]): string {
  let out = '';
  for (const t of list) {
    const tight = out === '' || /^[,.;:!?%)\]}»”’…]$/u.test(t) || /[(\[{«“‘¿¡]$/u.test(out);
    out += tight ? t : ` ${t}`;
  }
  return out;
}

/** Worth proposing: 2+ words, or one word of 6+ letters; no masked name; not too long. */
function worthy(list: readonly string[]): boolean {
  const words = list.filter(isWord);
  if (words.length === 0 || words.length > MAX_WORDS || list.includes(NAME_MASK)) return false;
  return words.length >= 2 || [...words[0]!].length >= 6;
}

function foldedKey(list: readonly string[]): string {
  return list.map((t) => fold(t)).join(' ');
}

/** Whether `phrase` (folded, space-joined tokens) is in `text`'s folded tokens, on token bounds. */
function containsPhrase(haystack: string, phrase: string): boolean {
  return ` ${haystack} `.includes(` ${phrase} `);
}

function foldedText(text: string): string {
  return foldedKey(tokens(text));
}

/** Every phrase on one side of the edits' runs, with its support; sorted best first. */
export function phraseSupport(edits: readonly PreparedEdit[], side: PhraseSide): PhraseSupport[] {
  const candidates = new Map<string, string>();
  const sides = edits.map((e) => ({
    edit: e,
    runs: e.runs.map((r) => foldedKey(trimmed(r[side]))).filter((k) => k !== ''),
    mine: foldedText(side === 'removed' ? e.before.middle : e.after.middle),
    other: foldedText(side === 'removed' ? e.after.middle : e.before.middle),
  }));
  for (const e of edits) {
    for (const r of e.runs) {
      const run = trimmed(r[side]);
      const key = foldedKey(run);
      if (worthy(run) && !candidates.has(key)) candidates.set(key, joinTokens(run));
    }
  }
  const found: PhraseSupport[] = [];
  for (const [key, text] of candidates) {
    const backing = sides.filter((s) => s.runs.some((r) => containsPhrase(r, key)) && !containsPhrase(s.other, key));
    if (backing.length === 0) continue;
    const chances = sides.filter((s) => (side === 'removed' ? containsPhrase(s.mine, key) : !containsPhrase(s.other, key))).length;
    found.push({ text, edits: backing.map((s) => s.edit), chances: Math.max(chances, backing.length) });
  }
  return bestFirst(found);
}

/** Best supported first; a phrase overlapping a better (or equally supported, longer) one is dropped. */
function bestFirst(found: PhraseSupport[]): PhraseSupport[] {
  const length = (p: PhraseSupport) => tokens(p.text).length;
  const sorted = [...found].sort(
    (a, b) => b.edits.length - a.edits.length || length(b) - length(a) || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0),
  );
  const kept: PhraseSupport[] = [];
  for (const p of sorted) {
    const key = foldedText(p.text);
    if (kept.some((k) => containsPhrase(foldedText(k.text), key) || containsPhrase(key, foldedText(k.text)))) continue;
    kept.push(p);
  }
  return kept;
}
