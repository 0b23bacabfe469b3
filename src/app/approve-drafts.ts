// `approve`'s use case, review's `a` for scripts: approves the latest version of undecided drafts
// by row (--rows) or every one the lint has nothing to say about (--clean), against the tone
// profile the drafts were made with (or --profile). Failed, skipped, approved and orphaned
// recipients are left alone and named; a recipient on the memory's do-not-contact list is refused
// whatever --force says. Each approval goes to the drafts file, then to the memory (one write
// each). Returns what it did for the command to report.
import { UsageError } from '../core/errors.js';
import { recipientLabel } from '../core/export/export-record.js';
import type { RowSelection } from '../core/recipients/row-selection.js';
import { locateDraftsFile, profileForDrafts } from '../io/drafts-file/drafts-path.js';
import { DraftsStore } from '../io/drafts-file/store.js';
import { openDecisionMemory, type DecisionMemory } from './decision-memory.js';
import { loadLintContext, type LintContext } from './lint-context.js';
import type { MemoryFlag } from './open-memory.js';

export interface ApproveOptions {
  file?: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  profile?: string;
  /** --rows: approve these rows (lint errors only with `force`); absent: --clean. */
  selection?: RowSelection;
  /** --rows as typed, for messages. */
  rows?: string;
  /** Lint codes --clean tolerates. */
  allowed: ReadonlySet<string>;
  force: boolean;
  /** Recorded with each decision. */
  reviewer: string;
  memory?: MemoryFlag;
  /** The memory's first-time notice. */
  notice?: (message: string) => void;
}

export interface ApproveOutcome {
  approved: number[];
  /** --clean: rows with any finding not allowed; --rows: rows with an error finding (without --force). */
  held: { row: number; codes: string[] }[];
  forced: { row: number; codes: string[] }[];
  /** On the do-not-contact list: never approved, whatever the flags. */
  refused: { row: number; who: string; reason: string }[];
  leftAlone: string[];
  draftsPath: string;
}

type Outcome = Omit<ApproveOutcome, 'draftsPath'>;

export async function approveDrafts(o: ApproveOptions, warn: (message: string) => void): Promise<ApproveOutcome> {
  const draftsPath = await locateDraftsFile(o.file, o.cwd);
  const store = await DraftsStore.open(draftsPath, { lock: true, create: false });
  let memory: DecisionMemory | undefined;
  try {
    const profileFile = profileForDrafts(o.profile, store.recordedProfile(), o.cwd);
    if (!profileFile) {
      throw new UsageError('approving needs the tone profile the lint checks against, and the drafts file names none that exists.', {
        hint: 'add --profile <file> (the one you drafted with).',
      });
    }
    const ctx = await loadLintContext(profileFile);
    for (const w of store.warnings) warn(w);
    if (o.selection) assertRowsMatch(store, o.selection, o.rows ?? '');
    memory = await openDecisionMemory(o.memory, draftsPath, { env: o.env, cwd: o.cwd, warn, ...(o.notice ? { notice: o.notice } : {}), toneProfile: ctx.profile });
    const outcome = approveAll(store, ctx, memory, o);
    const unrecorded = memory.unrecorded();
    if (unrecorded) warn(unrecorded);
    return { ...outcome, draftsPath };
  } finally {
    memory?.close();
    await store.close();
  }
}

function approveAll(store: DraftsStore, ctx: LintContext, memory: DecisionMemory, opts: Pick<ApproveOptions, 'selection' | 'allowed' | 'force' | 'reviewer'>): Outcome {
  const out: Outcome = { approved: [], held: [], forced: [], refused: [], leftAlone: [] };
  const at = new Date().toISOString();
  for (const state of store.recipients()) {
    // Row numbers are the CSV's as read now: a recipient no longer in it has none.
    if (state.orphaned) continue;
    if (opts.selection && !opts.selection.has(state.row)) continue;
    if (state.status !== 'drafted') {
      if (opts.selection) out.leftAlone.push(`${state.row} (${state.status})`);
      continue;
    }
    const shown = store.read(state.key);
    if (!shown?.text) continue;
    const recipient = shown.draft.recipient;
    const suppressed = memory.suppression(state.key, recipient);
    if (suppressed) {
      out.refused.push({ row: state.row, who: recipientLabel(recipient), reason: `${suppressed.kind}: ${suppressed.reason}` });
      continue;
    }
    if (!passesLint(out, state.row, ctx.lint(shown.text, recipient, memory.lintMemory(state.key, recipient)), opts)) continue;
    // Appended one by one: an interrupted run keeps the approvals already made. The decision names
    // the exact version whose text was linted.
    store.append({ type: 'decision', key: state.key, row: state.row, status: 'approved', version: state.version, reviewer: opts.reviewer, at });
    memory.approved(shown, { at, reviewer: opts.reviewer });
    out.approved.push(state.row);
  }
  return out;
}

/** --clean: no finding at all unless allowed; --rows: no error unless --force (then named). */
function passesLint(out: Outcome, row: number, findings: { level: string; code: string }[], opts: Pick<ApproveOptions, 'selection' | 'allowed' | 'force'>): boolean {
  if (!opts.selection) {
    const codes = findings.filter((f) => !opts.allowed.has(f.code)).map((f) => f.code);
    if (codes.length > 0) out.held.push({ row, codes });
    return codes.length === 0;
  }
  const errors = findings.filter((f) => f.level === 'error').map((f) => f.code);
  if (errors.length > 0 && !opts.force) {
    out.held.push({ row, codes: errors });
    return false;
  }
  if (errors.length > 0) out.forced.push({ row, codes: errors });
  return true;
}

function assertRowsMatch(store: DraftsStore, selection: RowSelection, spec: string): void {
  const rows = store.recipients().filter((s) => !s.orphaned);
  if (rows.some((s) => selection.has(s.row))) return;
  const last = Math.max(0, ...rows.map((s) => s.row));
  throw new UsageError(`--rows ${spec} matches none of the ${rows.length} drafted row(s).`, {
    hint: rows.length ? `drafted rows lie between 1 and ${last}; \`draftsmith status\` lists them.` : 'run `draftsmith draft` first.',
  });
}
