// The memory's part of a `draft` run: who must not be contacted (found while the CSV is scanned,
// recorded as `excluded` in the drafts file, never sent to the model), each recipient's history for
// the prompt, and who replied after their draft (stale by a reply). `draft` writes two things there:
// the drafts file's path (so `history forget` can list it), and the withdrawal of an approval when
// a new version or an exclusion replaces an approved draft (the memory never says "approved" for
// text that no longer is). With a full memory it also picks, per drafted row, earlier approved
// messages of the same profile and channel to similar people as examples of the reviewer's voice
// (exampleSource). Under --no-memory the memory is opened read-only for the do-not-contact
// list alone: no history, no stale-by-reply, no note, no withdrawal.
import { historyRules, type Templates } from '../core/drafting/prompt.js';
import type { LintMemory } from '../core/lint/repeats.js';
import { chooseExamples } from '../core/memory/example-choice.js';
import type { ExampleQuery, HistoryItem, Suppression } from '../core/memory/records.js';
import { exampleTerms } from '../core/memory/search-fields.js';
import { normaliseAddress, whoOf } from '../core/memory/who.js';
import { historyBudget, memoryExamples, type ToneProfile } from '../core/profile.js';
import type { Columns } from '../core/recipients/recipients.js';
import type { DraftsStore } from '../io/drafts-file/store.js';
import type { MemoryStore } from '../io/memory/memory-store.js';
import type { ExampleSource, HistorySource } from './draft-jobs.js';
import { AnalysisCache } from '../io/memory/analysis-cache.js';
import { firstTimeNotice, memoryPath, openMemory, type MemoryFlag, type OpenedMemory } from './open-memory.js';
import { replyAfterDraft } from './stale-by-reply.js';

/** A recipient `draft` skips: the row, its key and why (opted out or undeliverable, and the memory's reason; or a rule). */
export interface Exclusion {
  row: number;
  key: string;
  reason: string;
  /** The profile's rule that skipped the recipient (reason `rule <name>`), when it was a rule and not the memory. */
  rule?: string;
}

/** `opted out: reply of 2026-10-03 asked to stop`, `undeliverable: 550 no such user`. */
export function exclusionReason(s: Suppression): string {
  return `${s.kind === 'opted-out' ? 'opted out' : 'undeliverable'}: ${s.reason}`;
}

export class CampaignMemory {
  private readonly found = new Map<number, Exclusion>();
  private withdrawFailed = false;
  private cache: Promise<AnalysisCache> | undefined;

  private constructor(
    private readonly opened: OpenedMemory | undefined,
    private readonly warn: (message: string) => void,
    private readonly where: { flag: MemoryFlag; deps: MemoryDeps },
  ) {}

  /** The memory `--memory`/`--no-memory` and the environment name; none when there is no memory yet (draft never creates one). */
  static async open(flag: MemoryFlag, deps: MemoryDeps): Promise<CampaignMemory> {
    return new CampaignMemory(await openMemory(flag, deps, 'read'), deps.warn ?? (() => {}), { flag, deps });
  }

  /**
   * Where the model's sentiments and embeddings are kept (issue 13), opened on first use: the
   * memory (created if absent, with its first-time notice), or this process only under --no-memory.
   */
  analysisCache(): Promise<AnalysisCache> {
    this.cache ??= (async () => {
      const { flag, deps } = this.where;
      const cache = await AnalysisCache.open(flag === false ? undefined : memoryPath(flag, deps.env, deps.cwd));
      if (cache.created && cache.path) deps.notice(firstTimeNotice(cache.path).replace(/^draftsmith: note: /, ''));
      return cache;
    })();
    return this.cache;
  }

  /** The text of the recipient's newest reply, for its sentiment; none without a full memory (--no-memory reads no history). */
  lastReply(key: string, recipient: Record<string, string>): string | undefined {
    if (!this.full) return undefined;
    return this.opened!.store.lastReply(whoOf(key, recipient))?.text;
  }

  /** History in prompts and stale-by-reply: a memory exists and --no-memory was not given. */
  get full(): boolean {
    return this.opened?.full === true;
  }

  /**
   * A hook for the CSV scan (campaign.ts rosterReader) for recipients keyed by something other than
   * their e-mail (`identity:` columns, a URL, the cells): the do-not-contact list is asked by key
   * and by the e-mail cell while the row's cells are at hand. E-mail keys say it all: exclusions()
   * asks about those, for the selected rows only. Undefined without a memory (nothing to ask).
   */
  screener(columns: Columns): ((row: number, key: string, cells: readonly string[]) => void) | undefined {
    const store = this.opened?.store;
    if (!store) return undefined;
    const column = columns.canonical.email;
    return (row, key, cells) => {
      if (key.startsWith('email:')) return;
      const email = column === undefined ? undefined : normaliseAddress(cells[column] ?? '');
      const suppression = store.suppression(email ? { key, email } : { key });
      if (suppression) this.found.set(row, { row, key, reason: exclusionReason(suppression) });
    };
  }

  /** The excluded rows among the selected ones, in row order. */
  exclusions(selected: { rows: () => Iterable<number> }, keyAt: (row: number) => string): Exclusion[] {
    const store = this.opened?.store;
    if (!store) return [];
    const out: Exclusion[] = [];
    for (const row of selected.rows()) {
      const key = keyAt(row);
      const known = this.found.get(row);
      // The key is `email:ADDRESS`: by key is by address (one lookup, not two).
      const suppression = known ? undefined : key.startsWith('email:') ? store.suppression({ key }) : undefined;
      if (known) out.push(known);
      else if (suppression) out.push({ row, key, reason: exclusionReason(suppression) });
    }
    return out;
  }

  /** Where each job's history comes from (the profile's budget), or none under --no-memory or a budget of 0 items. */
  historySource(profile: ToneProfile, templates: Templates, draftsPath: string | undefined): HistorySource | undefined {
    const store = this.opened?.store;
    const budget = historyBudget(profile);
    if (!store || !this.full || budget.items === 0) return undefined;
    // A campaign never reads its own drafts file's approvals as history.
    const opts = draftsPath ? { excludeCampaign: draftsPath } : {};
    return { of: (key, recipient) => store.history(whoOf(key, recipient), budget, opts), budget, rules: historyRules(profile, templates) };
  }

  /**
   * The examples for each drafted row (profile `memory.examples`, 0: none), or none without a full
   * memory. `profileFile` and `draftsPath` are absolute: the profile's own approvals only, never
   * this campaign's.
   */
  exampleSource(profile: ToneProfile, profileFile: string, draftsPath: string): ExampleSource | undefined {
    const store = this.opened?.store;
    if (!store || !this.full) return undefined;
    return exampleSourceIn(store, profile, { profile: profileFile, campaign: draftsPath }, this.warn);
  }

  /** Who replied after their latest draft: the reply's time, per key (undefined without a full memory). */
  replies(drafts: Pick<DraftsStore, 'readDraft'>): ((key: string) => string | undefined) | undefined {
    const store = this.opened?.store;
    if (!store || !this.full) return undefined;
    return (key) => replyAfterDraft(store, drafts, key);
  }

  /**
   * A new version or an exclusion replaced `key`'s approved draft: the memory's approval of it in
   * this campaign becomes withdrawn (full memory only). A write that fails costs a warning, once,
   * never the run: the drafts file holds the truth.
   */
  withdraw(campaign: string, key: string): void {
    if (!this.full) return;
    try {
      this.opened!.store.withdrawApproval(campaign, key);
    } catch (err) {
      if (!this.withdrawFailed) this.warn(`the memory could not record that an approval was withdrawn (${(err as Error).message}); the drafts file holds the new version.`);
      this.withdrawFailed = true;
    }
  }

  /**
   * The memory's approvals of this campaign that the drafts file no longer holds (a later version,
   * a skip or an exclusion made under --no-memory, or while the memory could not be written)
   * become withdrawn. One index range over this campaign's approvals; full memory only.
   */
  reconcile(campaign: string, drafts: Pick<DraftsStore, 'get'>): void {
    if (!this.full) return;
    try {
      for (const a of this.opened!.store.approvalsOf(campaign)) {
        const s = drafts.get(a.key);
        if (s?.status !== 'approved' || s.version !== a.version) this.withdraw(campaign, a.key);
      }
    } catch (err) {
      this.warn(`the memory's approvals could not be compared with the drafts file (${(err as Error).message}).`);
    }
  }

  /** Remember the drafts file, so `history forget` can list the files that still hold an address. */
  noteDrafts(draftsPath: string): void {
    if (this.full) this.opened!.store.noteFile(draftsPath, 'drafts');
  }

  close(): void {
    this.opened?.store.close();
    void this.cache?.then((c) => c.close());
  }
}

type MemoryDeps = { env: NodeJS.ProcessEnv; cwd: string; notice: (message: string) => void; warn?: (message: string) => void };

/**
 * Records each exclusion in the drafts file, unless the recipient is already excluded for the same
 * reason (a re-run adds nothing). A recipient found contactable again needs no record: the run
 * drafts it (core/decisions/rules.ts planRow), and the new draft ends the exclusion.
 */
export function recordExclusions(store: DraftsStore, exclusions: readonly Exclusion[], memory?: Pick<CampaignMemory, 'withdraw'>): void {
  const at = new Date().toISOString();
  for (const e of exclusions) {
    const was = store.get(e.key)?.status;
    if (was === 'excluded' && store.exclusion(e.key)?.reason === e.reason) continue;
    store.append({ type: 'excluded', key: e.key, row: e.row, reason: e.reason, at });
    // Opted out after the approval: the approval no longer holds, in the memory either.
    if (was === 'approved') memory?.withdraw(store.path, e.key);
  }
}

/**
 * The history a run's prompts carry, kept per key until the row's draft is linted, so the lint's
 * memory checks (repeats-earlier) read what the prompt read instead of asking the memory twice.
 * Without a history source (no full memory, or a budget of 0 items) the lint gets no memory.
 */
export function historyForLint(source: HistorySource | undefined): { source: HistorySource | undefined; take: (key: string) => LintMemory | undefined } {
  if (!source) return { source, take: () => undefined };
  const seen = new Map<string, HistoryItem[]>();
  const of: HistorySource['of'] = (key, recipient) => {
    const items = source.of(key, recipient);
    seen.set(key, items);
    return items;
  };
  const take = (key: string): LintMemory => {
    const history = seen.get(key) ?? [];
    seen.delete(key);
    return { history };
  };
  return { source: { ...source, of }, take };
}

/**
 * How many of the best bm25 matches chooseExamples weighs (recency, edited) for k examples. The
 * weights lift a match by 1.5 at most, so deep in the list a lower match rarely reaches the top k,
 * and the memory's cost grows with this number on every drafted row (bench/memory-examples.ts:
 * 48 cost some 0.3 ms a row more than 12 over 50,000 approvals). The choice is "the best k among
 * the best matches", deterministic either way.
 */
export function exampleCandidates(k: number): number {
  return Math.max(12, 4 * k);
}

/**
 * The words a row is matched on: its describing fields' words, the shortest fields first (role,
 * company, industry, city before a paragraph of notes); each word adds its postings to the memory's
 * work on every drafted row, and past the first few they barely change who is most alike.
 */
export const EXAMPLE_TERMS = 8;

/**
 * The example source over one store, for `draft` (above) and review's regenerate: the row's sent
 * fields' words are the query, chooseExamples ranks what the memory finds. A read that fails costs
 * one warning and the examples, never the draft. Undefined when the profile asks for none.
 */
export function exampleSourceIn(
  store: Pick<MemoryStore, 'exampleCandidates'>,
  profile: ToneProfile,
  where: { profile: string; campaign: string },
  warn: (message: string) => void,
  now: () => Date = () => new Date(),
): ExampleSource | undefined {
  const k = memoryExamples(profile);
  if (k === 0) return undefined;
  let failed = false;
  return {
    of: (key, recipient, sent) => {
      const terms = exampleTerms(sent, EXAMPLE_TERMS);
      if (terms.length === 0 || failed) return [];
      const q: ExampleQuery = { profile: where.profile, channel: profile.channel, who: whoOf(key, recipient), excludeCampaign: where.campaign, terms, limit: exampleCandidates(k) };
      try {
        return chooseExamples(store.exampleCandidates(q), { k, now: now(), terms });
      } catch (err) {
        failed = true;
        warn(`the memory's earlier approvals could not be read as examples (${(err as Error).message}); drafting goes on without them.`);
        return [];
      }
    },
  };
}
