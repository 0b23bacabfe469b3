// `status`'s use case: where a drafts file stands (counts by status, edited drafts waiting for
// approval, stale decisions, orphans, rows not drafted yet, failed rows, excluded recipients and,
// with a memory, drafts whose recipient replied since), and with a tone profile
// the lint of every undecided draft's latest version (with a memory, its checks too, as `lint` runs
// them: opted-out, repeats-earlier). Returns data; the command renders it.
import type { DraftStatus } from '../core/decisions/records.js';
import { DRAFT_STATUSES } from '../core/decisions/records.js';
import type { LintTally } from '../core/lint/tally.js';
import { locateDraftsFile, profileForDrafts } from '../io/drafts-file/drafts-path.js';
import { DraftsStore } from '../io/drafts-file/store.js';
import { openDecisionMemory, type DecisionMemory } from './decision-memory.js';
import { openMemory, type MemoryFlag } from './open-memory.js';
import { replyAfterDraft } from './stale-by-reply.js';
import { countVariants, type VariantRate } from '../core/decisions/variant-rates.js';

export interface StatusReport {
  /** The drafts file as shown to the user. */
  file: string;
  /** Recipients in the CSV as `draft` last read it (when known), else recipients with a draft. */
  recipients: number;
  counts: Record<DraftStatus, number>;
  /** Undecided drafts whose latest version a person wrote: waiting for approval of that text. */
  edited: number;
  /** Decided or edited recipients whose inputs changed since their draft. */
  stale: number;
  /** Drafts whose recipient is no longer in the CSV (never exported). */
  orphaned: number;
  /** Recipients in the CSV with no draft yet (when the CSV's roster is known). */
  notDrafted: number;
  failures: { row: number; error: string }[];
  /** Recipients `draft` skipped because the memory says not to contact them, with why. */
  excluded: { row: number; reason: string }[];
  /** Drafts whose recipient replied after they were made (with a memory): their row, status and the reply's time. */
  staleByReply: { row: number; status: DraftStatus; repliedAt: string }[];
  /** Drafts made in variants: per variant name, recipients offered it and approved with it (absent without any). */
  variants?: VariantRate[];
}

export interface StatusOptions {
  file?: string;
  cwd: string;
  profile?: string;
  /** Lint the undecided drafts (when a profile is found). */
  lint: boolean;
  /** How the file is named in the report (from its absolute path). */
  name: (draftsPath: string) => string;
  /** --memory FILE / --no-memory; with `env`, the memory is read for stale-by-reply and the lint (not without `env`). */
  memory?: MemoryFlag;
  env?: NodeJS.ProcessEnv;
}

/** The report, and the lint's tally when asked for and a profile was found. */
export async function draftsStatus(o: StatusOptions, warn: (message: string) => void): Promise<{ report: StatusReport; tally?: LintTally }> {
  const draftsPath = await locateDraftsFile(o.file, o.cwd);
  const store = await DraftsStore.open(draftsPath, { lock: false, create: false });
  try {
    for (const w of store.warnings) warn(w);
    const report = buildReport(store, o.name(draftsPath));
    if (o.env) await addReplies(report, store, { ...o, env: o.env });
    if (!o.lint) return { report };
    const profileFile = profileForDrafts(o.profile, store.recordedProfile(), o.cwd);
    if (!profileFile) return { report };
    // The lint's memory checks, as `lint` runs them (read only; its do-not-contact list even under --no-memory).
    const memory = o.env ? await openDecisionMemory(o.memory, draftsPath, { env: o.env, cwd: o.cwd, warn }, 'read') : undefined;
    try {
      return { report, tally: await lintUndecided(store, profileFile, memory) };
    } finally {
      memory?.close();
    }
  } finally {
    await store.close();
  }
}

function buildReport(store: DraftsStore, file: string): StatusReport {
  const counts = Object.fromEntries(DRAFT_STATUSES.map((s) => [s, 0])) as Record<DraftStatus, number>;
  const report: StatusReport = { file, recipients: 0, counts, edited: 0, stale: 0, orphaned: 0, notDrafted: 0, failures: [], excluded: [], staleByReply: [] };
  let current = 0;
  const rates = new Map<string, VariantRate>();
  for (const s of store.recipients()) {
    if (s.orphaned) {
      report.orphaned++;
      continue;
    }
    current++;
    counts[s.status]++;
    if (s.status === 'drafted' && s.edited) report.edited++;
    if (s.stale) report.stale++;
    if (s.status === 'failed') report.failures.push({ row: s.row, error: store.readDraft(s.key)?.error ?? 'unknown error' });
    if (s.status === 'excluded') report.excluded.push({ row: s.row, reason: store.exclusion(s.key)?.reason ?? 'unknown reason' });
    // Only drafts made in variants are read (the fold counts them): a file without any reads nothing more.
    if (s.variants !== undefined && !s.edited && s.status !== 'excluded') {
      const shown = store.read(s.key);
      if (shown) countVariants(rates, (shown.draft.variants ?? []).map((v) => v.name), s.status === 'approved' ? shown.variant : undefined);
    }
  }
  if (rates.size > 0) report.variants = [...rates.values()];
  const roster = store.roster();
  report.recipients = roster?.size ?? current;
  report.notDrafted = roster ? Math.max(0, roster.size - current) : 0;
  return report;
}

/** Drafts whose recipient replied since they were made, from the memory (read only; none under --no-memory). */
async function addReplies(report: StatusReport, store: DraftsStore, o: { memory?: MemoryFlag; env: NodeJS.ProcessEnv; cwd: string }): Promise<void> {
  const opened = await openMemory(o.memory, { env: o.env, cwd: o.cwd, notice: () => {} }, 'read');
  if (!opened) return;
  try {
    if (!opened.full) return;
    for (const s of store.recipients()) {
      if (s.orphaned || s.status === 'excluded' || s.status === 'failed') continue;
      const repliedAt = replyAfterDraft(opened.store, store, s.key);
      if (repliedAt !== undefined) report.staleByReply.push({ row: s.row, status: s.status, repliedAt });
    }
  } finally {
    opened.store.close();
  }
}

/** Lint the latest version of every undecided draft; decided ones were already read by a person. */
async function lintUndecided(store: DraftsStore, profileFile: string, memory: DecisionMemory | undefined): Promise<LintTally> {
  const [{ readProfile }, { lintDraft }, { addToTally, emptyTally }, { recordLintInput }] = await Promise.all([
    import('../io/profile-file.js'),
    import('../core/lint/lint-draft.js'),
    import('../core/lint/tally.js'),
    import('../core/lint/record-input.js'),
  ]);
  const { profile } = await readProfile(profileFile);
  const tally = emptyTally();
  for (const s of store.recipients()) {
    if (s.status !== 'drafted' || s.orphaned) continue;
    const shown = store.read(s.key);
    if (!shown?.text) continue;
    const known = memory?.lintMemory(s.key, shown.draft.recipient);
    // Of a draft made in variants, every variant: any of them may be the one approved.
    const texts = shown.variant !== undefined ? (shown.draft.variants ?? []) : [shown.text];
    for (const text of texts) {
      const fields = text.fields ? { fields: text.fields } : {};
      addToTally(tally, s.row, lintDraft({ subject: text.subject, body: text.body, ...fields, recipient: shown.draft.recipient, ...(known ? { memory: known } : {}), ...recordLintInput(shown.draft) }, profile));
    }
  }
  return tally;
}
