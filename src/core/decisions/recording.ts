// The writes a person's action makes, in order, shared by review's loop (src/ui/review/loop.ts)
// and `approve` (src/app/approve-drafts.ts), so `approve --edit` records exactly what review's `e`
// then `a` records. The drafts file comes first (it is the record of decisions), the memory
// follows, one write each. The journal and the memory are passed in: nothing here does I/O itself.
import type { StoredRecipient, ShownText } from './rules.js';
import type { JournalRecord } from './records.js';

/** The part of the drafts store the writes use. */
export interface DecisionJournal {
  read(key: string): StoredRecipient | undefined;
  append(rec: JournalRecord): void;
}

/** The memory's side (app/decision-memory.ts); absent when there is no memory. */
export interface ApprovalLedger {
  approved(shown: StoredRecipient, decision: { at: string; reviewer: string }): void;
  withdrawn(key: string): void;
}

/**
 * A person's text as a new version of the recipient's message (an edit is not a decision: the
 * version is undecided until approved). A newer version withdraws an approval the memory holds.
 * Returns the recipient as it reads now (its latest version is the edit).
 */
export function recordEdit(journal: DecisionJournal, ledger: ApprovalLedger | undefined, shown: StoredRecipient, text: ShownText, at: string): StoredRecipient {
  const { key, row, version } = shown.state;
  const from = shown.variant !== undefined ? { variant: shown.variant } : {};
  journal.append({ type: 'edit', key, row, version: version + 1, ...(text.subject !== undefined ? { subject: text.subject } : {}), body: text.body, ...(text.fields ? { fields: text.fields } : {}), ...from, at });
  if (shown.state.status === 'approved') ledger?.withdrawn(key);
  return journal.read(key) ?? shown;
}

/**
 * A decision about the exact version shown. An approval goes to the memory too (with its
 * learning data); a skip takes back an approval the memory holds.
 */
export function recordDecision(
  journal: DecisionJournal,
  ledger: ApprovalLedger | undefined,
  shown: StoredRecipient,
  decision: { status: 'approved' | 'skipped'; at: string; reviewer?: string },
): void {
  const { key, row, version } = shown.state;
  const { status, at, reviewer } = decision;
  // With variants, the decision names the one shown: the approved text is that variant's.
  const variant = shown.variant !== undefined ? { variant: shown.variant } : {};
  journal.append({ type: 'decision', key, row, status, version, ...(reviewer ? { reviewer } : {}), ...variant, at });
  if (status === 'approved') ledger?.approved(shown, { at, reviewer: reviewer ?? 'unknown' });
  else if (shown.state.status === 'approved') ledger?.withdrawn(key);
}
