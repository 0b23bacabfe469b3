// Memory-dependent lint checks: `opted-out` (error: the person is on the do-not-contact list) and
// `repeats-earlier` (warning: the subject or the opening sentence is nearly the same as a message
// already sent or approved to this person in another campaign). Pure: the caller passes what the
// memory knows about the recipient; without a memory these checks simply do not run.
import type { HistoryItem, Suppression } from '../memory/records.js';
import type { LintFinding } from './finding.js';

/** What the memory knows about one recipient, as the lint needs it. */
export interface LintMemory {
  /** Newest first; never this campaign's own approvals (the memory leaves them out). */
  history: readonly HistoryItem[];
  suppression?: Suppression;
}

/** Two texts at or above this similarity are "nearly the same". */
export const REPEAT_SIMILARITY = 0.85;
/** An opening shorter than this many words is too generic to call a repeat ("Hi Ana."). */
const MIN_OPENING_WORDS = 4;

export function memoryFindings(subject: string, body: string, memory: LintMemory): LintFinding[] {
  const out: LintFinding[] = [];
  if (memory.suppression) {
    const what = memory.suppression.kind === 'opted-out' ? 'asked not to be contacted' : 'cannot be reached (mail to them bounced)';
    out.push({ level: 'error', code: 'opted-out', message: `the recipient ${what}: ${memory.suppression.reason}` });
  }
  const ours = memory.history.filter((h) => h.state === 'approved' || h.state === 'sent');
  const subjectNow = normaliseForCompare(stripReplyPrefix(subject));
  const openingNow = openingSentence(body);
  for (const h of ours) {
    const day = h.at.slice(0, 10);
    const before = normaliseForCompare(stripReplyPrefix(h.subject));
    if (subjectNow && before && similarity(subjectNow, before) >= REPEAT_SIMILARITY) {
      out.push({ level: 'warning', code: 'repeats-earlier', message: `the subject is nearly the same as the one ${verb(h)} on ${day}` });
      break;
    }
  }
  if (openingNow) {
    const match = ours.find((h) => {
      const earlier = openingSentence(h.text);
      return earlier !== undefined && similarity(openingNow, earlier) >= REPEAT_SIMILARITY;
    });
    if (match) out.push({ level: 'warning', code: 'repeats-earlier', message: `the opening sentence is nearly the same as the one ${verb(match)} on ${match.at.slice(0, 10)}` });
  }
  return out;
}

function verb(h: HistoryItem): string {
  return h.state === 'sent' ? 'sent' : 'approved';
}

/** Folded for comparison: lower case, no accents, letters and digits only, single spaces. */
export function normaliseForCompare(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** `Re: Fwd: AW: Quick idea` -> `Quick idea`. */
function stripReplyPrefix(subject: string): string {
  return subject.replace(/^\s*((re|fwd?|aw|wg|tr|rv|sv)\s*(\[\d+\])?\s*:\s*)+/i, '');
}

const GREETING = /^(hi|hello|hey|dear|good (morning|afternoon|evening)|hallo|liebe[rs]?|sehr geehrte[rs]?|bonjour|salut|cher|chere|hola|estimad[oa]s?|querid[oa]|ola|ciao|gentile|caro|cara)\b/;

/**
 * The first sentence after the greeting line, normalised; undefined when it has fewer than four
 * words. A greeting line is a short first line that starts like one or ends with a comma.
 */
export function openingSentence(body: string): string | undefined {
  const lines = body.split('\n').map((l) => l.trim()).filter(Boolean);
  if (lines.length === 0) return undefined;
  const first = normaliseForCompare(lines[0]!);
  const isGreeting = first.split(' ').length <= 6 && (GREETING.test(first) || /,\s*$/.test(lines[0]!));
  const rest = (isGreeting ? lines.slice(1) : lines).join(' ');
  const sentence = /^.*?[.!?](?=\s|$)/.exec(rest)?.[0] ?? rest;
  const folded = normaliseForCompare(sentence);
  return folded.split(' ').filter(Boolean).length >= MIN_OPENING_WORDS ? folded : undefined;
}

/**
 * Sørensen-Dice coefficient over character bigrams of the normalised texts: 1 for the same text,
 * near 1 for a changed word or two, low for different sentences. Order-sensitive enough for prose.
 */
export function similarity(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length < 2 || b.length < 2) return 0;
  const counts = new Map<string, number>();
  for (let i = 0; i < a.length - 1; i++) {
    const g = a.slice(i, i + 2);
    counts.set(g, (counts.get(g) ?? 0) + 1);
  }
  let shared = 0;
  for (let i = 0; i < b.length - 1; i++) {
    const g = b.slice(i, i + 2);
    const n = counts.get(g) ?? 0;
    if (n > 0) {
      shared++;
      counts.set(g, n - 1);
    }
  }
  return (2 * shared) / (a.length - 1 + (b.length - 1));
}
