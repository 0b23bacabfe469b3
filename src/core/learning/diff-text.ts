// Example diffs as one line of text, in git's word-diff notation: `[-removed-]` and `{+inserted+}`,
// with a few words of context either side. Line breaks are shown as ⏎ so an example stays on one
// line. Pure.
import type { WordEdit } from '../text/word-diff.js';
import { joinTokens } from './phrases.js';

const CONTEXT = 4;

function oneLine(text: string): string {
  return text.trim().replace(/\s*\n\s*/g, ' ⏎ ').replace(/[ \t]+/g, ' ');
}

/** `[-before-] {+after+}`, either side left out when empty. */
export function replacementDiff(before: string | undefined, after: string | undefined): string {
  const parts: string[] = [];
  if (before && before.trim() !== '') parts.push(`[-${oneLine(before)}-]`);
  if (after && after.trim() !== '') parts.push(`{+${oneLine(after)}+}`);
  return parts.join(' ');
}

/** One run of an edit, with up to four tokens of the old text either side. */
export function runDiff(oldTokens: readonly string[], run: WordEdit): string {
  const start = Math.max(0, run.at - CONTEXT);
  const end = run.at + run.removed.length;
  const before = oldTokens.slice(start, run.at);
  const after = oldTokens.slice(end, end + CONTEXT);
  const change = replacementDiff(joinTokens(run.removed), joinTokens(run.inserted));
  return [start > 0 ? '…' : '', joinTokens(before), change, joinTokens(after), end + CONTEXT < oldTokens.length ? '…' : '']
    .filter((s) => s !== '')
    .join(' ');
}
