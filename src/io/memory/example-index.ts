// The example search (issue 12): which earlier approvals of a profile and channel went to people
// most like the one being drafted. The words come from the approval_search FTS5 index (schema 2;
// its vocabulary, read through fts5vocab) and are ranked with BM25 as FTS5 ranks them (k1 1.2,
// b 0.75), but the ranking runs here, over postings kept for the open memory: a recipient's words
// (role, industry, city...) are each shared by thousands of approvals, and FTS5's MATCH ... ORDER BY
// bm25() ranks every matching row (some 40 ms a lookup over 50,000 approvals), while a draft run
// asks once per row. Kept: per profile and channel, the approvals that may serve (approved or
// sent, with learning data), and per word its postings among them, loaded the first time a
// recipient has that word. Dropped when this connection writes or another one commits
// (PRAGMA data_version), so the answer always follows the memory's current state.
import type { ExampleCandidate, ExampleQuery } from '../../core/memory/records.js';
import { foldWord } from '../../core/memory/search-fields.js';
import { bestSlots, kthLargest } from '../../core/memory/top-scores.js';
import { personIds } from './people.js';
import type { Sql } from './statements.js';

const K1 = 1.2;
const B = 0.75;
/** A word in more than this share of the approvals is not searched: it matches nearly everyone and barely moves the order (its idf is about 0). */
export const COMMON_TERM_SHARE = 0.5;

/** A word's approvals and its BM25 share in each (fixed while the set is: the set is rebuilt when the memory changes). */
interface Postings {
  word: string;
  slots: Int32Array;
  weights: Float64Array;
  /** The highest weight: the most this word adds to any approval. */
  max: number;
}

/** The approvals of one profile and channel that may serve as examples, by slot (ids ascending). */
interface ExampleSet {
  ids: Int32Array;
  campaignIds: Map<string, number>;
  /** Slots by campaign number and by person: the approvals a query bars. */
  byCampaign: Map<number, number[]>;
  byPerson: Map<number, number[]>;
  length: Float64Array;
  averageLength: number;
  slotOf: Map<number, number>;
  personOf: Int32Array;
  postings: Map<string, Postings>;
  scores: Float64Array;
  /** Scratch: the slots a query touched. */
  touched: Int32Array;
  /** The best rankings by campaign and word set (see ExampleIndex.ranking). */
  rankings: Map<string, Ranked>;
}

/** Slots best first and their BM25 sums. */
interface Ranked {
  slots: number[];
  match: number[];
}

/** How many more than asked a kept ranking holds, for the person's own approvals to drop out of. */
const SPARE = 8;
/** Kept rankings per set; all are dropped when there are more (a run with thousands of distinct word sets gains nothing from them). */
const RANKINGS_KEPT = 4096;

function restOf(lists: readonly Postings[], from: number, of: (p: Postings) => number): number {
  let sum = 0;
  for (let i = from; i < lists.length; i++) sum += of(lists[i]!);
  return sum;
}

/** The approvals of a profile and channel that may serve, with their length in words (FTS5's docsize: one varint per column). */
export const EXAMPLE_SET_SQL = `SELECT m.id, m.person_id, m.campaign, d.sz FROM messages m JOIN approval_search_docsize d ON d.id = m.id
  WHERE m.profile = ? AND m.channel = ? AND m.state IN ('approved', 'sent') AND m.fields IS NOT NULL ORDER BY m.id`;

type Row = { campaign: string; at: string; edited: number | null; subject: string; body: string; fields: string | null };

export class ExampleIndex {
  private sets = new Map<string, ExampleSet>();
  private rows = new Map<number, Omit<ExampleCandidate, 'match'>>();
  private dataVersion: number | undefined;
  private vocabulary = false;

  constructor(private readonly sql: Sql) {}

  /** Forget everything kept: the memory changed. */
  reset(): void {
    this.sets.clear();
    this.rows.clear();
    this.dataVersion = undefined;
  }

  candidates(q: ExampleQuery): ExampleCandidate[] {
    if (q.limit <= 0 || q.terms.length === 0) return [];
    this.followChanges();
    const set = this.setFor(q.profile, q.channel);
    if (set.ids.length === 0) return [];
    const terms = this.usefulTerms(set, q.terms);
    if (terms.length === 0) return [];
    const people = personIds(this.sql, q.who);
    const campaign = set.campaignIds.get(q.excludeCampaign) ?? -1;
    const ranked = this.ranking(set, terms, campaign, people, q.limit);
    return ranked.slots.map((slot, i) => {
      const r = this.row(set.ids[slot]!);
      const c: ExampleCandidate = { id: r.id, campaign: r.campaign, at: r.at, edited: r.edited, body: r.body, fields: r.fields, match: ranked.match[i]! };
      if (r.subject !== undefined) c.subject = r.subject;
      return c;
    });
  }

  /**
   * The best `limit` approvals for the words, barring the campaign's and the person's own. A draft
   * run asks with the same words again and again (rows alike in role, industry and city), so the
   * best `limit + SPARE` without the person's bar are kept per word set and campaign: the person's
   * own approvals (usually none, a few at most) are dropped from that list, and when it is left
   * with fewer than `limit` while more approvals matched, the ranking is made again with them
   * barred. Exact either way: every approval outside the kept list ranks below all those in it.
   */
  private ranking(set: ExampleSet, terms: string[], campaign: number, people: number[], limit: number): Ranked {
    const key = `${campaign}\u0000${limit}\u0000${[...terms].sort().join('\u0000')}`;
    let kept = set.rankings.get(key);
    if (!kept) {
      kept = this.rank(set, terms, set.byCampaign.get(campaign) ?? [], limit + SPARE);
      if (set.rankings.size >= RANKINGS_KEPT) set.rankings.clear();
      set.rankings.set(key, kept);
    }
    const own = people.filter((p) => set.byPerson.has(p));
    if (own.length === 0) return { slots: kept.slots.slice(0, limit), match: kept.match.slice(0, limit) };
    const out: Ranked = { slots: [], match: [] };
    kept.slots.forEach((slot, i) => {
      if (out.slots.length < limit && !own.includes(set.personOf[slot]!)) {
        out.slots.push(slot);
        out.match.push(kept.match[i]!);
      }
    });
    if (out.slots.length === limit || kept.slots.length < limit + SPARE) return out;
    return this.rank(set, terms, [...(set.byCampaign.get(campaign) ?? []), ...own.flatMap((p) => set.byPerson.get(p)!)], limit);
  }

  /** The best `limit` approvals, the barred ones aside: scored, picked, and the scores cleared for the next query. */
  private rank(set: ExampleSet, terms: string[], barred: readonly number[], limit: number): Ranked {
    // The few approvals that may not serve are barred before scoring (-Infinity stays -Infinity)
    // rather than filtered out of the many that may.
    for (const slot of barred) set.scores[slot] = -Infinity;
    const count = this.score(set, terms, limit);
    const slots = bestSlots(set.scores, set.touched, count, limit);
    const match = slots.map((slot) => set.scores[slot]!);
    for (let t = 0; t < count; t++) set.scores[set.touched[t]!] = 0;
    for (const slot of barred) set.scores[slot] = 0;
    return { slots, match };
  }

  private followChanges(): void {
    const version = this.sql.st('PRAGMA data_version').pluck().get() as number;
    if (version !== this.dataVersion) this.reset();
    this.dataVersion = version;
  }

  private setFor(profile: string, channel: string): ExampleSet {
    const key = `${profile}\u0000${channel}`;
    let set = this.sets.get(key);
    if (set) return set;
    const rows = this.sql
      .st(EXAMPLE_SET_SQL)
      .raw()
      .all(profile, channel) as [number, number, string, Buffer][];
    const length = new Float64Array(rows.map((r) => firstVarint(r[3])));
    const campaignIds = new Map<string, number>();
    for (const r of rows) if (!campaignIds.has(r[2])) campaignIds.set(r[2], campaignIds.size);
    set = {
      ids: Int32Array.from(rows, (r) => r[0]),
      campaignIds,
      byCampaign: groupSlots(rows.map((r) => campaignIds.get(r[2])!)),
      byPerson: groupSlots(rows.map((r) => r[1])),
      length,
      averageLength: rows.length === 0 ? 1 : length.reduce((a, b) => a + b, 0) / rows.length || 1,
      slotOf: new Map(rows.map((r, slot) => [r[0], slot])),
      personOf: Int32Array.from(rows, (r) => r[1]),
      postings: new Map(),
      scores: new Float64Array(rows.length),
      touched: new Int32Array(rows.length),
      rankings: new Map(),
    };
    this.sets.set(key, set);
    return set;
  }

  /** The query's distinct words that some approval has and most do not (the rarest kept if all are common). */
  private usefulTerms(set: ExampleSet, terms: readonly string[]): string[] {
    const known = [...new Set(terms.map(foldWord))].filter((t) => t !== '' && this.postings(set, t).slots.length > 0);
    const limit = set.ids.length * COMMON_TERM_SHARE;
    const kept = known.filter((t) => this.postings(set, t).slots.length <= limit);
    if (kept.length > 0 || known.length === 0) return kept;
    return [known.reduce((a, b) => (this.postings(set, b).slots.length < this.postings(set, a).slots.length ? b : a))];
  }

  private postings(set: ExampleSet, term: string): Postings {
    let p = set.postings.get(term);
    if (p) return p;
    if (!this.vocabulary) this.sql.db.exec("CREATE VIRTUAL TABLE IF NOT EXISTS temp.approval_terms USING fts5vocab(main, 'approval_search', 'instance')");
    this.vocabulary = true;
    const slots: number[] = [];
    const tf: number[] = [];
    for (const doc of this.sql.st('SELECT doc FROM temp.approval_terms WHERE term = ?').pluck().all(term) as number[]) {
      const slot = set.slotOf.get(doc);
      if (slot === undefined) continue;
      if (slots[slots.length - 1] === slot) tf[tf.length - 1]!++;
      else {
        slots.push(slot);
        tf.push(1);
      }
    }
    const n = set.ids.length;
    const idf = Math.max(1e-6, Math.log((n - slots.length + 0.5) / (slots.length + 0.5)));
    const weights = new Float64Array(slots.length);
    for (let i = 0; i < slots.length; i++) {
      const f = tf[i]!;
      weights[i] = (idf * f * (K1 + 1)) / (f + K1 * (1 - B + (B * set.length[slots[i]!]!) / set.averageLength));
    }
    p = { word: term, slots: Int32Array.from(slots), weights, max: weights.reduce((a, b) => Math.max(a, b), 0) };
    set.postings.set(term, p);
    return p;
  }

  /**
   * Adds each word's BM25 share to the approvals holding it; returns how many slots it touched (barred ones
   * hold -Infinity and are never touched). Words go rarest first (highest weight, then by name: the
   * same sums for the same query). Once the limit-th best partial score beats the most that the
   * words left could give an approval not yet touched, those words only add to the approvals
   * already touched (MaxScore): the exact top `limit`, for a fraction of the work. The slots
   * touched are in set.touched[0, count).
   */
  private score(set: ExampleSet, words: string[], limit: number): number {
    const lists = words.map((w) => this.postings(set, w)).sort((a, b) => b.max - a.max || (a.word < b.word ? -1 : 1));
    const touched = set.touched;
    const scores = set.scores;
    let count = 0;
    let closed = false;
    for (let i = 0; i < lists.length; i++) {
      const { slots, weights } = lists[i]!;
      if (!closed && i > 0 && count >= limit && restOf(lists, i, (p) => p.slots.length) * 2 >= count) {
        const values = new Float64Array(count);
        for (let t = 0; t < count; t++) values[t] = scores[touched[t]!]!;
        closed = kthLargest(values, limit) > restOf(lists, i, (p) => p.max);
      }
      for (let t = 0; t < slots.length; t++) {
        const slot = slots[t]!;
        const v = scores[slot]!;
        if (v === 0) {
          if (closed) continue;
          touched[count++] = slot;
        }
        scores[slot] = v + weights[t]!;
      }
    }
    return count;
  }

  private row(id: number): Omit<ExampleCandidate, 'match'> {
    let row = this.rows.get(id);
    if (row) return row;
    const r = this.sql.st('SELECT campaign, at, edited, subject, body, fields FROM messages WHERE id = ?').get(id) as Row;
    row = { id, campaign: r.campaign, at: r.at, edited: r.edited === 1, ...(r.subject !== '' ? { subject: r.subject } : {}), body: r.body, fields: parseFields(r.fields) };
    this.rows.set(id, row);
    return row;
  }
}

function groupSlots(keys: number[]): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  keys.forEach((key, slot) => {
    const group = groups.get(key);
    if (group) group.push(slot);
    else groups.set(key, [slot]);
  });
  return groups;
}

/** FTS5's docsize blob: one varint per column; the index has one. */
function firstVarint(blob: Buffer): number {
  let value = 0;
  for (let i = 0; i < blob.length && i < 9; i++) {
    const byte = blob[i]!;
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) break;
  }
  return value;
}

export function parseFields(json: string | null): Record<string, string> {
  if (!json) return {};
  try {
    const value = JSON.parse(json) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      return Object.fromEntries(Object.entries(value as Record<string, unknown>).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
    }
  } catch {
    // a hand-edited row: no fields rather than a failed draft
  }
  return {};
}
