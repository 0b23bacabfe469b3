// One reviewer's edit, taken apart for learning: the recipient's names masked (so "Hi Ana" and
// "Hi Bo" compare alike and no name becomes a phrase), the body split into its greeting word(s),
// the middle, and the closing block (sign-off and the sender's name). Phrases are compared only in
// the middles, so a replaced sign-off is learned as a sign-off, never also as a phrase to ban.
// Pure.
import type { LearnedEdit, MessageText } from '../memory/records.js';
import { fold, openingGreeting } from '../lint/greeting.js';
import { tokens, wordEdits, type WordEdit } from '../text/word-diff.js';

/** What a masked name reads as: one word token, so diffs and phrases treat it as one word. */
export const NAME_MASK = 'NAME';

/** The parts of one message that learning compares. */
export interface MessageParts {
  greeting?: string;
  middle: string;
  closing?: string;
  subject?: string;
  /** Words of the whole body, and of the middle alone. */
  words: number;
  middleWords: number;
}

/** An edit ready to aggregate: both versions in parts, and the word runs that changed in the middle. */
export interface PreparedEdit {
  id: number;
  recipient: string;
  before: MessageParts;
  after: MessageParts;
  /** Old and new middle text as tokens, for example diffs. */
  beforeTokens: string[];
  runs: WordEdit[];
}

// Headers whose values are a person's name (snake_case, several languages); not a company's name.
const NAME_HEADER = /(^|_)(name|first|last|given|surname|family|vorname|nachname|prenom|nom|nombre|apellidos?|nome|cognome)(_|$)/;
const NOT_A_PERSON = /(company|firm|org|organi[sz]ation|business|employer|account|brand|team|product|event|user|file|host|domain)/;

function headerKey(header: string): string {
  return fold(header).replace(/[^\p{L}\p{N}]+/gu, '_').replace(/^_|_$/g, '');
}

/** The name words to mask: the edit's display name and the values of name-like columns (2+ letters each). */
export function nameWords(edit: Pick<LearnedEdit, 'name' | 'fields'>): string[] {
  const values = [edit.name ?? ''];
  for (const [header, value] of Object.entries(edit.fields)) {
    const key = headerKey(header);
    if (NAME_HEADER.test(key) && !NOT_A_PERSON.test(key)) values.push(value);
  }
  const words = values.flatMap((v) => v.split(/[^\p{L}\p{M}'’]+/u)).filter((w) => [...w].length >= 2);
  // Longest first, so "Annabel" is masked before "Anna" could cut it.
  return [...new Set(words)].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `text` with every whole-word occurrence of the names (case-insensitive) replaced by NAME_MASK. */
export function maskNames(text: string, names: readonly string[]): string {
  if (names.length === 0) return text;
  const alternatives = names.map((n) => escapeRegExp(n.normalize('NFC'))).join('|');
  const re = new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives})(?![\\p{L}\\p{N}])`, 'giu');
  return text.normalize('NFC').replace(re, NAME_MASK);
}

const CLOSING_LINES = 3;
const CLOSING_LINE_WORDS = 4;

/** Where the closing block starts: trailing short lines (not questions), up to a blank line; -1 for none. */
function closingStart(lines: readonly string[]): number {
  let end = lines.length;
  while (end > 0 && lines[end - 1]!.trim() === '') end--;
  let start = end;
  while (start > 0 && end - start < CLOSING_LINES) {
    const line = lines[start - 1]!.trim();
    const words = line.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
    // A sentence (ending in . or ?) is the message, not its closing: "Thanks!" may close it.
    if (line === '' || words === 0 || words > CLOSING_LINE_WORDS || /[.?]$/.test(line)) break;
    start--;
  }
  // A message of nothing but short lines has no body to close: keep it whole.
  return start < end && lines.slice(0, start).some((l) => l.trim() !== '') ? start : -1;
}

export function countWords(text: string): number {
  return text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}

/** A message's parts (names already masked). */
export function messageParts(message: MessageText): MessageParts {
  const body = message.body.replace(/\r\n?/g, '\n');
  const opening = openingGreeting(body);
  const rest = opening ? body.slice(opening.end) : body;
  const lines = rest.split('\n');
  const cut = closingStart(lines);
  const closing = cut < 0 ? undefined : lines.slice(cut).join('\n').trim();
  const middle = (cut < 0 ? lines : lines.slice(0, cut)).join('\n').trim();
  const parts: MessageParts = { middle, words: countWords(body), middleWords: countWords(middle) };
  if (opening) parts.greeting = opening.text;
  if (closing) parts.closing = closing;
  if (message.subject !== undefined && message.subject.trim() !== '') parts.subject = message.subject.trim();
  return parts;
}

/** Whitespace-insensitive sameness of two texts. */
export function sameText(a: string | undefined, b: string | undefined): boolean {
  return (a ?? '').trim().split(/\s+/).join(' ') === (b ?? '').trim().split(/\s+/).join(' ');
}

/** The edit in parts, or undefined when it changed nothing but whitespace (it teaches nothing). */
export function prepareEdit(edit: LearnedEdit): PreparedEdit | undefined {
  const names = nameWords(edit);
  const mask = (m: MessageText): MessageText => ({
    body: maskNames(m.body, names),
    ...(m.subject === undefined ? {} : { subject: maskNames(m.subject, names) }),
  });
  const before = messageParts(mask(edit.original));
  const after = messageParts(mask(edit.approved));
  // Whitespace is not a token: the same tokens mean an edit that only re-wrapped lines.
  const bodyChanged = tokens(edit.original.body).join('\u0000') !== tokens(edit.approved.body).join('\u0000');
  if (!bodyChanged && sameText(before.subject, after.subject)) return undefined;
  return {
    id: edit.id,
    recipient: edit.recipientKey,
    before,
    after,
    beforeTokens: tokens(before.middle),
    runs: wordEdits(before.middle, after.middle).map((r) => slid(tokens(before.middle), r)),
  };
}

const SENTENCE_END = new Set(['.', '!', '?', ':', '…']);

/** How well a run sits: right after a sentence (or clause) ends, and ending one itself. */
function fit(old: readonly string[], at: number, moving: readonly string[]): number {
  const prev = old[at - 1];
  const last = moving[moving.length - 1]!;
  return (prev === undefined || SENTENCE_END.has(prev) ? 2 : prev === ',' ? 1 : 0) + (SENTENCE_END.has(last) || last === ',' ? 1 : 0);
}

/**
 * A pure deletion or insertion can sit at several places when its edges repeat ("I hope ... well.
 * I saw" minus "I hope ... well." aligns as "hope ... well. I"): slide it to where it reads as a
 * phrase (see fit), leftmost on a tie. Replacements stay as the diff put them.
 */
export function slid(old: readonly string[], run: WordEdit): WordEdit {
  const side = run.inserted.length === 0 ? 'removed' : run.removed.length === 0 ? 'inserted' : undefined;
  if (!side) return run;
  const width = side === 'removed' ? run[side].length : 0;
  let moving = [...run[side]];
  let at = run.at;
  while (at > 0 && old[at - 1] === moving[moving.length - 1]) {
    moving = [old[at - 1]!, ...moving.slice(0, -1)];
    at--;
  }
  let best = { at, moving, score: fit(old, at, moving) };
  while (at + width < old.length && old[at + width] === moving[0]) {
    moving = [...moving.slice(1), old[at + width]!];
    at++;
    const score = fit(old, at, moving);
    if (score > best.score) best = { at, moving, score };
  }
  return { ...run, at: best.at, [side]: best.moving };
}
