// What a reviewer's edits teach, as proposals for the tone profile (`draftsmith learn`): phrases
// they delete again and again (banned_phrases), phrases they keep adding (required_phrases), the
// greeting and the sign-off they put in place of the model's (greeting, sign_off), drafts they cut
// by a steady share (length.max_words: what they keep), and rewritten subjects (shown, not applied).
// Each proposal carries its evidence (edits, recipients, two example diffs) and a confidence: the
// share of the edits that had the chance to show the habit and did. Pure and deterministic.
import type { LearnedEdit } from '../memory/records.js';
import { fold } from '../lint/greeting.js';
import { countWords, prepareEdit, sameText, type PreparedEdit } from './edit-parts.js';
import { phraseSupport, type PhraseSupport } from './phrases.js';
import { replacementDiff, runDiff } from './diff-text.js';
import { tokens } from '../text/word-diff.js';

export type ProposalKind = 'banned_phrase' | 'required_phrase' | 'greeting' | 'sign_off' | 'length' | 'subject';
/** The profile key a proposal writes; `subject` proposals write none (they are shown to learn from). */
export type ProposalKey = 'banned_phrases' | 'required_phrases' | 'greeting' | 'sign_off' | 'length.max_words';

export interface Evidence {
  /** Edits that show the habit. */
  edits: number;
  /** Distinct recipients among them. */
  recipients: number;
  /** Up to two example diffs (`[-removed-] {+inserted+}`), with the memory's message ids. */
  examples: { id: number; diff: string }[];
}

export interface Proposal {
  kind: ProposalKind;
  key: ProposalKey | null;
  value: string | number | { before: string; after: string }[];
  evidence: Evidence;
  /** 0 to 1, two decimals. */
  confidence: number;
}

/** What the profile already says, so nothing it has is proposed again. */
export interface CurrentProfile {
  greeting?: string;
  sign_off?: string;
  banned_phrases?: readonly string[];
  required_phrases?: readonly string[];
  length?: { max_words?: number };
}

export interface LearnOptions {
  /** Fewest edits and recipients a proposal needs to be kept (default 3 and 2). */
  minEdits?: number;
  minRecipients?: number;
}

export const MIN_EDITS = 3;
export const MIN_RECIPIENTS = 2;
/**
 * A draft counts as shortened when the reviewer kept at most this share of its words: cutting one
 * stock sentence from a short draft is a phrase habit (banned_phrases), not a length one.
 */
const SHORTENED = 0.75;
/** Most before/after pairs a subject proposal lists. */
const SUBJECT_PAIRS = 5;

const ratio = (n: number, of: number): number => (of === 0 ? 0 : Math.round((n / of) * 100) / 100);

function evidence(edits: readonly PreparedEdit[], diff: (e: PreparedEdit) => string): Evidence {
  return {
    edits: edits.length,
    recipients: new Set(edits.map((e) => e.recipient)).size,
    examples: edits.slice(0, 2).map((e) => ({ id: e.id, diff: diff(e) })),
  };
}

const folded = (s: string | undefined): string => fold((s ?? '').trim()).replace(/\s+/g, ' ');

function phraseProposals(edits: PreparedEdit[], current: CurrentProfile): Proposal[] {
  const sides = [
    ['removed', 'banned_phrase', 'banned_phrases', current.banned_phrases],
    ['inserted', 'required_phrase', 'required_phrases', current.required_phrases],
  ] as const;
  return sides.flatMap(([side, kind, key, has]) => {
    const known = new Set((has ?? []).map(folded));
    return phraseSupport(edits, side)
      .filter((p) => !known.has(folded(p.text)))
      .map((p) => phraseProposal(p, kind, key, side));
  });
}

function phraseProposal(p: PhraseSupport, kind: ProposalKind, key: ProposalKey, side: 'removed' | 'inserted'): Proposal {
  const wanted = tokens(p.text).map((t) => fold(t)).join(' ');
  const diff = (e: PreparedEdit): string => {
    const run = e.runs.find((r) => ` ${r[side].map((t) => fold(t)).join(' ')} `.includes(` ${wanted} `)) ?? e.runs[0]!;
    return runDiff(e.beforeTokens, run);
  };
  return { kind, key, value: p.text, evidence: evidence(p.edits, diff), confidence: ratio(p.edits.length, p.chances) };
}

/** The same replacement text put in place of the model's, most often; ties by first seen. */
function replacement(
  edits: PreparedEdit[],
  part: 'greeting' | 'closing',
  kind: 'greeting' | 'sign_off',
  current: string | undefined,
): Proposal[] {
  const groups = new Map<string, { text: string; edits: PreparedEdit[] }>();
  let withPart = 0;
  for (const e of edits) {
    const after = e.after[part];
    if (after === undefined) continue;
    withPart++;
    if (e.before[part] !== undefined && sameText(folded(e.before[part]), folded(after))) continue;
    const key = folded(after);
    const group = groups.get(key) ?? { text: after, edits: [] };
    group.edits.push(e);
    groups.set(key, group);
  }
  const best = [...groups.values()].sort((a, b) => b.edits.length - a.edits.length)[0];
  if (!best || folded(best.text) === folded(current)) return [];
  // Consistency: every approved text that has this part, already right or replaced.
  const agreeing = edits.filter((e) => e.after[part] !== undefined && folded(e.after[part]) === folded(best.text)).length;
  const diff = (e: PreparedEdit) => replacementDiff(e.before[part], e.after[part]);
  return [{ kind, key: kind, value: best.text, evidence: evidence(best.edits, diff), confidence: ratio(agreeing, withPart) }];
}

/** Words of the phrases the reviewer deleted from this edit's middle that are proposed as banned anyway. */
function bannedCut(e: PreparedEdit, banned: readonly string[]): number {
  const before = ` ${tokens(e.before.middle).map((t) => fold(t)).join(' ')} `;
  const after = ` ${tokens(e.after.middle).map((t) => fold(t)).join(' ')} `;
  return banned.filter((p) => before.includes(` ${p} `) && !after.includes(` ${p} `)).reduce((n, p) => n + countWords(p), 0);
}

/**
 * Drafts the reviewer cut by a steady share: propose the most words they kept (rounded up to 5).
 * Measured on the middles, less the phrases proposed as banned: deleting one stock sentence, or a
 * shorter sign-off, is a phrase or sign-off habit, not a length one.
 */
function lengthProposal(edits: PreparedEdit[], current: CurrentProfile, banned: readonly Proposal[]): Proposal[] {
  const phrases = banned.map((p) => tokens(String(p.value)).map((t) => fold(t)).join(' '));
  const shortened = edits.filter((e) => {
    const before = e.before.middleWords - bannedCut(e, phrases);
    return before > 0 && e.after.middleWords <= before * SHORTENED;
  });
  if (shortened.length === 0 || shortened.length * 2 < edits.length) return [];
  const kept = Math.ceil(Math.max(...shortened.map((e) => e.after.words)) / 5) * 5;
  const limit = current.length?.max_words;
  if (limit !== undefined && kept >= limit) return [];
  const diff = (e: PreparedEdit) => `${e.before.words} -> ${e.after.words} words (kept ${Math.round((e.after.words / e.before.words) * 100)}%)`;
  return [{ kind: 'length', key: 'length.max_words', value: kept, evidence: evidence(shortened, diff), confidence: ratio(shortened.length, edits.length) }];
}

function subjectProposal(edits: PreparedEdit[]): Proposal[] {
  const withSubject = edits.filter((e) => e.before.subject !== undefined && e.after.subject !== undefined);
  const rewritten = withSubject.filter((e) => !sameText(e.before.subject, e.after.subject));
  if (rewritten.length === 0) return [];
  const pairs = rewritten.slice(0, SUBJECT_PAIRS).map((e) => ({ before: e.before.subject!, after: e.after.subject! }));
  const diff = (e: PreparedEdit) => replacementDiff(e.before.subject, e.after.subject);
  return [{ kind: 'subject', key: null, value: pairs, evidence: evidence(rewritten, diff), confidence: ratio(rewritten.length, withSubject.length) }];
}

/** Every proposal the edits support, strong enough or not (see `strongEnough`), in a fixed order. */
export function learnFromEdits(edits: readonly LearnedEdit[], current: CurrentProfile = {}): { proposals: Proposal[]; edits: number; recipients: number } {
  const prepared = [...edits]
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id - b.id))
    .map(prepareEdit)
    .filter((e): e is PreparedEdit => e !== undefined);
  const phrases = phraseProposals(prepared, current);
  const proposals = [
    ...replacement(prepared, 'closing', 'sign_off', current.sign_off),
    ...replacement(prepared, 'greeting', 'greeting', current.greeting),
    ...phrases,
    ...lengthProposal(prepared, current, phrases.filter((p) => p.kind === 'banned_phrase')),
    ...subjectProposal(prepared),
  ];
  return { proposals, edits: prepared.length, recipients: new Set(prepared.map((e) => e.recipient)).size };
}

/** Backed by enough edits, in enough recipients, to be shown by default. */
export function strongEnough(p: Proposal, o: LearnOptions = {}): boolean {
  return p.evidence.edits >= (o.minEdits ?? MIN_EDITS) && p.evidence.recipients >= (o.minRecipients ?? MIN_RECIPIENTS);
}

/** Proposals that write a profile key (a subject proposal only informs). */
export function applicable(p: Proposal): p is Proposal & { key: ProposalKey } {
  return p.key !== null;
}
