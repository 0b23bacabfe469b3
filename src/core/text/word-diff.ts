// Word-level differences between a model's text and the text a reviewer approved: the runs of
// words removed and inserted, and how much of the text changed. Whitespace is not a word, so an
// edit that only re-wraps lines changes nothing. The alignment is jsdiff's (Myers) over word and
// punctuation tokens. Pure.
import { diffArrays } from 'diff';

/** One place where the texts differ: the words taken out and the words put in (either may be empty). */
export interface WordEdit {
  removed: string[];
  inserted: string[];
  /** Index in the old text's tokens where the run starts. */
  at: number;
}

// A word (letters, digits, inner apostrophes and hyphens), or one punctuation mark.
const TOKEN = /[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*|[^\s\p{L}\p{N}]/gu;
const WORD = /[\p{L}\p{N}]/u;

/** The text as word and punctuation tokens, in order. */
export function tokens(text: string): string[] {
  return text.normalize('NFC').match(TOKEN) ?? [];
}

export function isWord(token: string): boolean {
  return WORD.test(token);
}

/** The runs of change from `before` to `after`; [] when only whitespace differs. */
export function wordEdits(before: string, after: string): WordEdit[] {
  const edits: WordEdit[] = [];
  let at = 0;
  let open: WordEdit | undefined;
  for (const part of diffArrays(tokens(before), tokens(after))) {
    if (!part.added && !part.removed) {
      if (open) edits.push(open);
      open = undefined;
      at += part.value.length;
      continue;
    }
    open ??= { removed: [], inserted: [], at };
    if (part.removed) {
      open.removed.push(...part.value);
      at += part.value.length;
    } else {
      open.inserted.push(...part.value);
    }
  }
  if (open) edits.push(open);
  return edits;
}

/** Share of the old text's words that changed (0 to 1): each run counts its larger side, punctuation aside. */
export function editShare(before: string, after: string): number {
  const words = tokens(before).filter(isWord).length;
  let changed = 0;
  for (const e of wordEdits(before, after)) {
    changed += Math.max(e.removed.filter(isWord).length, e.inserted.filter(isWord).length);
  }
  if (words === 0) return changed > 0 ? 1 : 0;
  return Math.min(1, changed / words);
}
