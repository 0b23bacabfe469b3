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

// Folding is most of the work on a large memory, and texts repeat their words: remember them.
const folds = new Map<string, string>();

function foldToken(token: string): string {
  let f = folds.get(token);
  if (f === undefined) {
    if (folds.size > 100_000) folds.clear();
    f = fold(token);
    folds.set(token, f);
  }
  return f;
}

function foldedKey(list: readonly string[]): string {
  return list.map(foldToken).join(' ');
}

/** Whether `phrase` (folded, space-joined tokens) is in `text`'s folded tokens, on token bounds. */
function containsPhrase(haystack: string, phrase: string): boolean {
  return ` ${haystack} `.includes(` ${phrase} `);
}

function foldedText(text: string): string {
  return foldedKey(tokens(text));
}

/** Which texts hold each folded token: a phrase can only be in the texts of its rarest token. */
class TokenIndex {
  private readonly byToken = new Map<string, number[]>();
  /** Each text padded with a space either side, so a phrase is found on token bounds by one `includes`. */
  private readonly padded: string[];
  constructor(texts: readonly string[]) {
    this.padded = texts.map((t) => ` ${t} `);
    texts.forEach((text, i) => {
      for (const t of new Set(text.split(' '))) {
        const list = this.byToken.get(t);
        if (list) list.push(i);
        else this.byToken.set(t, [i]);
      }
    });
  }
  /** Indexes of the texts that contain `phrase` (folded, space-joined). */
  holding(phrase: string): number[] {
    let fewest: number[] | undefined;
    for (const t of phrase.split(' ')) {
      const list = this.byToken.get(t) ?? [];
      if (!fewest || list.length < fewest.length) fewest = list;
    }
    const wanted = ` ${phrase} `;
    return (fewest ?? []).filter((i) => this.padded[i]!.includes(wanted));
  }
}

/** Fewest edits a phrase needs to be a proposal at all: once is not a habit. */
const MIN_BACKING = 2;

/** Every phrase on one side of the edits' runs backed by 2+ edits, with its support; sorted best first. */
export function phraseSupport(edits: readonly PreparedEdit[], side: PhraseSide): PhraseSupport[] {
  const candidates = new Map<string, string>();
  for (const e of edits) {
    for (const r of e.runs) {
      const run = trimmed(r[side]);
      const key = foldedKey(run);
      if (worthy(run) && !candidates.has(key)) candidates.set(key, joinTokens(run));
    }
  }
  // One line a run (runs never hold a line break in their folded form), so a phrase cannot span two.
  const runs = new TokenIndex(edits.map((e) => e.runs.map((r) => foldedKey(trimmed(r[side]))).join(' \n ')));
  const mine = new TokenIndex(edits.map((e) => foldedText(side === 'removed' ? e.before.middle : e.after.middle)));
  const other = new TokenIndex(edits.map((e) => foldedText(side === 'removed' ? e.after.middle : e.before.middle)));
  const found: PhraseSupport[] = [];
  for (const [key, text] of candidates) {
    const inOther = new Set(other.holding(key));
    const backing = runs.holding(key).filter((i) => !inOther.has(i));
    if (backing.length < MIN_BACKING) continue;
    const chances = side === 'removed' ? mine.holding(key).length : edits.length - inOther.size;
    found.push({ text, edits: backing.map((i) => edits[i]!), chances: Math.max(chances, backing.length) });
  }
  return bestFirst(found);
}

/** Best supported first; a phrase overlapping a better (or equally supported, longer) one is dropped. */
function bestFirst(found: PhraseSupport[]): PhraseSupport[] {
  const keyed = found.map((p) => {
    const key = foldedText(p.text);
    return { p, key, length: key.split(' ').length };
  });
  keyed.sort((a, b) => b.p.edits.length - a.p.edits.length || b.length - a.length || (a.p.text < b.p.text ? -1 : a.p.text > b.p.text ? 1 : 0));
  const kept: PhraseSupport[] = [];
  const keptByToken = new Map<string, string[]>();
  for (const { p, key } of keyed) {
    const near = new Set(key.split(' ').flatMap((t) => keptByToken.get(t) ?? []));
    if ([...near].some((k) => containsPhrase(k, key) || containsPhrase(key, k))) continue;
    kept.push(p);
    for (const t of new Set(key.split(' '))) keptByToken.set(t, [...(keptByToken.get(t) ?? []), key]);
  }
  return kept;
}
