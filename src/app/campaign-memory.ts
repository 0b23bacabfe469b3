// The memory's part of a `draft` run: who must not be contacted (found while the CSV is scanned,
// recorded as `excluded` in the drafts file, never sent to the model), each recipient's history for
// the prompt, and who replied after their draft (stale by a reply). `draft` only reads the memory;
// it notes the drafts file there so `history forget` can list it. Under --no-memory the memory is
// opened read-only for the do-not-contact list alone: no history, no stale-by-reply, no note.
import { historyRules, type Templates } from '../core/drafting/prompt.js';
import type { Suppression } from '../core/memory/records.js';
import { normaliseAddress, whoOf } from '../core/memory/who.js';
import { historyBudget, type ToneProfile } from '../core/profile.js';
import type { Columns } from '../core/recipients/recipients.js';
import type { DraftsStore } from '../io/drafts-file/store.js';
import type { HistorySource } from './draft-jobs.js';
import { openMemory, type MemoryFlag, type OpenedMemory } from './open-memory.js';
import { replyAfterDraft } from './stale-by-reply.js';

/** A recipient `draft` skips: the row, its key and why (opted out or undeliverable, and the memory's reason). */
export interface Exclusion {
  row: number;
  key: string;
  reason: string;
}

/** `opted out: reply of 2026-10-03 asked to stop`, `undeliverable: 550 no such user`. */
export function exclusionReason(s: Suppression): string {
  return `${s.kind === 'opted-out' ? 'opted out' : 'undeliverable'}: ${s.reason}`;
}

export class CampaignMemory {
  private readonly found = new Map<number, Exclusion>();

  private constructor(private readonly opened: OpenedMemory | undefined) {}

  /** The memory `--memory`/`--no-memory` and the environment name, read only; none when there is no memory yet. */
  static async open(flag: MemoryFlag, deps: { env: NodeJS.ProcessEnv; cwd: string; notice: (message: string) => void }): Promise<CampaignMemory> {
    return new CampaignMemory(await openMemory(flag, deps, 'read'));
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

  /** Who replied after their latest draft: the reply's time, per key (undefined without a full memory). */
  replies(drafts: Pick<DraftsStore, 'readDraft'>): ((key: string) => string | undefined) | undefined {
    const store = this.opened?.store;
    if (!store || !this.full) return undefined;
    return (key) => replyAfterDraft(store, drafts, key);
  }

  /** Remember the drafts file, so `history forget` can list the files that still hold an address. */
  noteDrafts(draftsPath: string): void {
    if (this.full) this.opened!.store.noteFile(draftsPath, 'drafts');
  }

  close(): void {
    this.opened?.store.close();
  }
}

/**
 * Records each exclusion in the drafts file, unless the recipient is already excluded for the same
 * reason (a re-run adds nothing). A recipient found contactable again needs no record: the run
 * drafts it (core/decisions/rules.ts planRow), and the new draft ends the exclusion.
 */
export function recordExclusions(store: DraftsStore, exclusions: readonly Exclusion[]): void {
  const at = new Date().toISOString();
  for (const e of exclusions) {
    if (store.get(e.key)?.status === 'excluded' && store.exclusion(e.key)?.reason === e.reason) continue;
    store.append({ type: 'excluded', key: e.key, row: e.row, reason: e.reason, at });
  }
}
