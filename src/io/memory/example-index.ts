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
import { kthLargest, topSlots } from '../../core/memory/top-scores.js';
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
  postings: Map<string, Postings>;
  scores: Float64Array;
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
    // The few approvals that may not serve are barred before scoring (-Infinity stays -Infinity)
    // rather than filtered out of the many that may.
    const barred = [...(set.byCampaign.get(campaign) ?? []), ...people.flatMap((p) => set.byPerson.get(p) ?? [])];
    for (const slot of barred) set.scores[slot] = -Infinity;
    const touched = this.score(set, terms, q.limit);
    const best = topSlots(set.scores, touched, q.limit);
    const out = best.map((slot) => {
      const r = this.row(set.ids[slot]!);
      const c: ExampleCandidate = { id: r.id, campaign: r.campaign, at: r.at, edited: r.edited, body: r.body, fields: r.fields, match: set.scores[slot]! };
      if (r.subject !== undefined) c.subject = r.subject;
      return c;
    });
    for (const slot of touched) set.scores[slot] = 0;
    for (const slot of barred) set.scores[slot] = 0;
    return out;
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
      postings: new Map(),
      scores: new Float64Array(rows.length),
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
   * Adds each word's BM25 share to the approvals holding it; returns the slots touched (barred ones
   * hold -Infinity and are never touched). Words go rarest first (highest weight, then by name: the
   * same sums for the same query). Once the limit-th best partial score beats the most that the
   * words left could give an approval not yet touched, those words only add to the approvals
   * already touched (MaxScore): the exact top `limit`, for a fraction of the work.
   */
  private score(set: ExampleSet, words: string[], limit: number): number[] {
    const lists = words.map((w) => this.postings(set, w)).sort((a, b) => b.max - a.max || (a.word < b.word ? -1 : 1));
    const rest = lists.map((_, i) => lists.slice(i).reduce((sum, p) => sum + p.max, 0));
    const restPostings = lists.map((_, i) => lists.slice(i).reduce((sum, p) => sum + p.slots.length, 0));
    const touched: number[] = [];
    const scores = set.scores;
    let closed = false;
    lists.forEach(({ slots, weights }, i) => {
      if (!closed && i > 0 && touched.length >= limit && restPostings[i]! * 2 >= touched.length) {
        const values = new Float64Array(touched.length);
        for (let t = 0; t < touched.length; t++) values[t] = scores[touched[t]!]!;
        closed = kthLargest(values, limit) > rest[i]!;
      }
      for (let t = 0; t < slots.length; t++) {
        const slot = slots[t]!;
        const v = scores[slot]!;
        if (v === 0) {
          if (closed) continue;
          touched.push(slot);
        }
        scores[slot] = v + weights[t]!;
      }
    });
    return touched;
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
