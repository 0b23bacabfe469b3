// A campaign's bookkeeping around a `draft` run: who is in the CSV (the roster), which list and
// profile the drafts file belongs to, and what the run does with each recipient it already knows.
// Composes the drafts file (io) with the pure rules (core); prints nothing.
import { planRow, type PlanOptions, type RowPlan } from '../core/decisions/rules.js';
import { UsageError } from '../core/errors.js';
import { listRows } from '../core/recipients/row-selection.js';
import { inputsDigest, legacyDraftFingerprint, type DraftInputs } from '../core/drafting/fingerprint.js';
import { privateColumns } from '../core/drafting/private-columns.js';
import type { ToneProfile } from '../core/profile.js';
import type { RecipientState } from '../core/decisions/recipient-index.js';
import { recipientKeyFor } from '../core/recipients/recipient-key.js';
import { RosterBuilder, rosterDigest, sourceMismatch, type SourceIdentity } from '../core/recipients/roster.js';
import type { DraftJob } from '../core/drafting/run-contract.js';
import type { RowVisitor } from '../io/csv/reader.js';
import type { Columns } from '../core/recipients/recipients.js';
import type { DraftsStore } from '../io/drafts-file/store.js';

/** Told each row's first occurrence of a recipient while the CSV is scanned (the memory's do-not-contact check). */
export type RowScreen = (columns: Columns) => ((row: number, key: string, cells: readonly string[]) => void) | undefined;

/** A scan visitor that keys every row by the profile's rules, and the roster it fills. */
export function rosterReader(profile: ToneProfile, screen?: RowScreen): { visitor: RowVisitor; roster: () => RosterBuilder } {
  let roster: RosterBuilder | undefined;
  const visitor: RowVisitor = (columns) => {
    const keyOf = recipientKeyFor(columns, { identity: profile.identity, privateColumns: privateColumns(profile, columns) });
    const built = new RosterBuilder(keyOf, columns, profile.channel === 'email');
    roster = built;
    const hook = screen?.(columns);
    if (!hook) return (r) => built.add(r);
    return (r) => {
      built.add(r);
      const at = built.keyAt(r.row);
      if (at?.first) hook(r.row, at.key, r.cells);
    };
  };
  return {
    visitor,
    roster: () => {
      if (!roster) throw new Error('the CSV scan did not reach its header');
      return roster;
    },
  };
}

export interface BindOptions {
  /** `--relink`: the list or profile moved; the drafts file follows it. */
  relink: boolean;
  /** The drafts file as the user typed it, for hints. */
  draftsName: string;
}

/**
 * Makes sure the drafts file belongs to this list and profile (recording them in a new file),
 * and records who is in the list now when that changed. Returns the recipients no longer in it.
 */
export function bindDraftsFile(store: DraftsStore, source: SourceIdentity, roster: RosterBuilder, opts: BindOptions): RecipientState[] {
  const recorded = store.source();
  const why = recorded ? sourceMismatch(recorded, source) : undefined;
  if (why && !opts.relink) {
    throw new UsageError(`${opts.draftsName} belongs to another list: ${why}.`, {
      hint: `draft this list into its own file with --drafts NEW.drafts.jsonl; if it is the same list moved or renamed (or the profile moved), add --relink.`,
    });
  }
  const at = new Date().toISOString();
  if (!recorded || why) store.append({ type: 'source', csv: source.csv, header: [...source.header], profile: source.profile, at });
  const rows = roster.rowsIfShifted();
  const digest = rosterDigest(roster.keys, rows);
  if (store.roster()?.digest !== digest) store.append({ type: 'roster', digest, keys: roster.keys, ...(rows ? { rows } : {}), at });
  else store.useRoster({ keys: roster.keys, ...(rows ? { rows } : {}) });
  return store.orphans();
}

/** `--redraft-stale` and who replied after their draft (app/stale-by-reply.ts), for planJobs. */
export interface ReplyPlan {
  redraftStale: boolean;
  /** The reply's time when `key` replied after its latest draft; undefined without a memory. */
  replyAfter?: (key: string) => string | undefined;
  /** Filled by planJobs: recipients kept although they replied after their draft (decided: true). */
  kept: Map<string, boolean>;
}

/**
 * What the runner does with each job: planRow's rule over what the file holds. A decided
 * recipient whose inputs changed is marked stale once (an `inputs` record), and unmarked when its
 * inputs match its draft again. A draft kept as it is whose recipient replied since is stale by the
 * reply: --redraft-stale redrafts it when undecided, and with --redraft-decided when decided.
 */
export function planJobs(store: DraftsStore, engine: { engine: string; model: string }, opts: PlanOptions, replies?: ReplyPlan): (job: DraftJob) => { plan: RowPlan; version: number } {
  return (job) => {
    const known = store.get(job.key);
    const matches = known !== undefined && fingerprintMatches(known, job, engine);
    let plan = planRow(known, matches, opts);
    if (known && plan === 'stale' && !known.stale) {
      store.append({ type: 'inputs', key: job.key, fingerprint: job.fingerprint, at: new Date().toISOString() });
    } else if (known && plan === 'cached' && known.stale) {
      store.append({ type: 'inputs', key: job.key, fingerprint: known.fingerprint, at: new Date().toISOString() });
    }
    if (known && plan === 'cached' && replies?.replyAfter?.(job.key) !== undefined) plan = planReplied(known, opts, replies, job.key);
    return { plan, version: (known?.version ?? 0) + 1 };
  };
}

function planReplied(known: RecipientState, opts: PlanOptions, replies: ReplyPlan, key: string): RowPlan {
  const decided = known.status === 'approved' || known.status === 'skipped' || known.edited;
  if (replies.redraftStale && (!decided || opts.redraftDecided)) {
    replies.kept.delete(key);
    return 'draft';
  }
  replies.kept.set(key, decided);
  return 'cached';
}

/**
 * Rows whose recipient is already drafted from these very inputs and needs nothing: settled from
 * the scan's digests alone, so a finished campaign is never parsed twice or prompted at all.
 * Returns a flag per row (1 = settled) and how many.
 */
export function settleUnchanged(
  rows: Iterable<number>,
  rowCount: number,
  roster: RosterBuilder,
  run: string,
  plan: (job: DraftJob) => { plan: RowPlan },
  known: (key: string) => RecipientState | undefined,
): { settled: Uint8Array; count: number } {
  const settled = new Uint8Array(rowCount + 1);
  let count = 0;
  for (const row of rows) {
    const key = roster.keyAt(row)!.key;
    const inputs = known(key)?.inputs;
    if (inputs === undefined || inputs !== inputsDigest(run, roster.digestAt(row))) continue;
    // Only the key and inputs are read: equal inputs decide without the fingerprint.
    const probe = { key, inputs } as DraftJob;
    if (plan(probe).plan !== 'cached') continue;
    settled[row] = 1;
    count++;
  }
  return { settled, count };
}

function fingerprintMatches(known: RecipientState, job: DraftJob, engine: { engine: string; model: string }): boolean {
  // Same row under the same run settings: the same messages, without building them.
  if (job.inputs !== undefined && known.inputs === job.inputs) return true;
  if (known.fingerprint === job.fingerprint) return true;
  if (!known.legacy) return false;
  const inputs: DraftInputs = { ...job.request, ...engine };
  return known.fingerprint === legacyDraftFingerprint(inputs, known.draftRow);
}

/** Lines for the run's summary about the list itself: repeats, orphans and stale decisions. */
export function campaignNotes(roster: RosterBuilder, orphans: readonly RecipientState[], stale: number, redraftHint: string, replied?: RepliedNote): string[] {
  const lines: string[] = [];
  if (roster.duplicates.length > 0) {
    const shown = roster.duplicates.slice(0, 5).map((d) => `row ${d.row} (= row ${d.firstRow})`).join(', ');
    lines.push(`${roster.duplicates.length} row(s) repeat a recipient already in the CSV and were not drafted: ${shown}${roster.duplicates.length > 5 ? ', ...' : ''}`);
  }
  if (orphans.length > 0) {
    lines.push(
      `${orphans.length} draft(s) belong to recipients no longer in the CSV (orphaned; never exported): last at row(s) ${listRows(orphans.map((o) => o.row))}`,
    );
  }
  if (stale > 0) {
    lines.push(`${stale} decided or edited draft(s) are stale (their inputs changed since): kept as they are`, `  to redraft them: ${redraftHint}`);
  }
  if (replied) lines.push(...repliedNotes(replied));
  return lines;
}

/** Drafts kept although their recipient replied since: their rows, and the command that redrafts them. */
export interface RepliedNote {
  undecided: number[];
  decided: number[];
  /** The run's resume command. */
  resume: string;
}

function repliedNotes(r: RepliedNote): string[] {
  const lines: string[] = [];
  if (r.undecided.length > 0) {
    lines.push(`${r.undecided.length} undecided draft(s) are stale by a reply (the person wrote since): rows ${listRows(r.undecided)}`, `  to redraft them with the reply in view: ${withFlags(r.resume, ['--redraft-stale'])}`);
  }
  if (r.decided.length > 0) {
    lines.push(`${r.decided.length} decided or edited draft(s) are stale by a reply: kept as they are (rows ${listRows(r.decided)})`, `  to redraft them too: ${withFlags(r.resume, ['--redraft-stale', '--redraft-decided'])}`);
  }
  return lines;
}

/** The command with the flags it does not have yet. */
function withFlags(command: string, flags: readonly string[]): string {
  const words = new Set(command.split(' '));
  return [command, ...flags.filter((f) => !words.has(f))].join(' ');
}

/** Rows that will make poor drafts, said before any model time is spent. */
export function preflightWarnings(roster: RosterBuilder, channel: string): string[] {
  const out: string[] = [];
  if (roster.noName.length > 0) out.push(`${roster.noName.length} row(s) have no name (rows ${listRows(roster.noName)}): their drafts cannot greet anyone by name`);
  if (channel === 'email' && roster.noEmail.length > 0) {
    out.push(`${roster.noEmail.length} row(s) have no e-mail address (rows ${listRows(roster.noEmail)}): they cannot be exported as mail`);
  }
  return out;
}
