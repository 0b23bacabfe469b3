// Which earlier approved messages a prompt carries as examples of the reviewer's voice (issue 12):
// the memory hands over candidates whose recipients matched this one (FTS5 bm25, best first:
// io/memory), and this ranks them. Pure and deterministic: the same candidates, k and clock give
// the same picks, in the same order.
import type { ExampleCandidate } from './records.js';
import { foldWord } from './search-fields.js';

/** A candidate picked as an example, with its score and why it was picked. */
export interface ChosenExample extends ExampleCandidate {
  score: number;
  why: ExampleReason;
}

export interface ExampleReason {
  /** The query's words found in its recipient's fields (folded, in the query's order). */
  shared: string[];
  /** Edited, then approved: the reviewer's own words, weighted more. */
  edited: boolean;
  /** Whole days between its approval and `now` (0 for a time in the future). */
  ageDays: number;
}

/**
 * An edited-then-approved message weighs more: the reviewer rewrote it, so it is their voice
 * rather than the model's they merely let pass.
 */
export const EDITED_WEIGHT = 1.5;

/**
 * The recency weight halves every 180 days. A reviewer's voice drifts (a new sign-off, a shorter
 * style), so last season's approvals should lead; but a half-life, not a cut-off, keeps a close
 * match from a year ago (weight 1/4) ahead of a weak match from last week when few people are alike.
 */
export const RECENCY_HALF_LIFE_DAYS = 180;

const DAY_MS = 86_400_000;

export interface ChooseOptions {
  /** How many to pick (profile `memory.examples`); 0 picks none. */
  k: number;
  now: Date;
  /** The words the memory was asked for: each pick names those its recipient shares. */
  terms?: readonly string[];
}

/** score = match x (edited ? 1.5 : 1) x 0.5^(age / 180 days). */
export function exampleScore(c: Pick<ExampleCandidate, 'match' | 'edited' | 'at'>, now: Date): number {
  return Math.max(0, c.match) * (c.edited ? EDITED_WEIGHT : 1) * recencyWeight(ageDays(c.at, now));
}

function recencyWeight(days: number): number {
  return 0.5 ** (days / RECENCY_HALF_LIFE_DAYS);
}

function ageDays(at: string, now: Date): number {
  const t = Date.parse(at);
  // An unreadable time counts as very old: it can still be picked, after every dated one.
  if (Number.isNaN(t)) return 100 * 365;
  return Math.max(0, (now.getTime() - t) / DAY_MS);
}

/** Score desc, then newest first, then the smaller id: a total order, so ties never depend on input order. */
function before(a: { score: number; at: string; id: number }, b: { score: number; at: string; id: number }): boolean {
  if (a.score !== b.score) return a.score > b.score;
  if (a.at !== b.at) return a.at > b.at;
  return a.id < b.id;
}

/**
 * The k best candidates by exampleScore. One pass keeping the k best (k is at most 10), not a sort
 * of the thousands of candidates: this runs once per drafted row.
 */
export function chooseExamples(candidates: readonly ExampleCandidate[], o: ChooseOptions): ChosenExample[] {
  const k = Math.max(0, Math.floor(o.k));
  if (k === 0) return [];
  const best: { c: ExampleCandidate; score: number; at: string; id: number }[] = [];
  for (const c of candidates) {
    // No weight lifts a match by more than EDITED_WEIGHT: one that cannot reach the k-th best is
    // passed over before its time is parsed (most of the thousands, as the memory sends the best first).
    if (best.length === k && Math.max(0, c.match) * EDITED_WEIGHT < best[k - 1]!.score) continue;
    const entry = { c, score: exampleScore(c, o.now), at: c.at, id: c.id };
    if (best.length === k && !before(entry, best[k - 1]!)) continue;
    let i = best.length;
    while (i > 0 && before(entry, best[i - 1]!)) i--;
    best.splice(i, 0, entry);
    if (best.length > k) best.pop();
  }
  return best.map(({ c, score }) => ({
    ...c,
    score,
    why: { shared: sharedWords(o.terms ?? [], c.fields), edited: c.edited, ageDays: Math.floor(ageDays(c.at, o.now)) },
  }));
}

/**
 * The query's words found among the words of its recipient's fields (folded as the memory folds
 * them). A plain split, not search-fields' exampleTerms: this runs for every pick of every row.
 */
export function sharedWords(terms: readonly string[], fields: Record<string, string>): string[] {
  if (terms.length === 0) return [];
  const words = new Set(foldWord(Object.values(fields).join(' ')).split(/[^\p{L}\p{N}]+/u));
  return terms.filter((t) => words.has(foldWord(t)));
}

/** One line for a pick: `#12: shared role, rust · edited · 40 days old (score 3.21)`. */
export function describeChoice(e: ChosenExample): string {
  const parts = [e.why.shared.length > 0 ? `shared ${e.why.shared.join(', ')}` : 'no shared words'];
  if (e.why.edited) parts.push('edited');
  parts.push(e.why.ageDays === 1 ? '1 day old' : `${e.why.ageDays} days old`);
  return `#${e.id}: ${parts.join(' · ')} (score ${e.score.toFixed(2)})`;
}
