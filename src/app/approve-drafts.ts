// `approve`'s use case, review's `a` for scripts: approves the latest version of undecided drafts
// by row (--rows) or every one the lint has nothing to say about (--clean), against the tone
// profile the drafts were made with (or --profile). Failed, skipped, approved and orphaned
// recipients are left alone and named; a recipient on the memory's do-not-contact list is refused
// whatever --force says. Each approval goes to the drafts file, then to the memory (one write
// each). With `edit` (--rows N --edit FILE), the one row is approved with the person's text as a
// new version: the records review's `e` then `a` write (core/decisions/recording.ts), linted first.
// Returns what it did for the command to report.
import { parseEditFile } from '../core/decisions/edit-file.js';
import { mergeFields, outputFieldNames } from '../core/drafting/output-fields.js';
import { recordDecision, recordEdit } from '../core/decisions/recording.js';
import { withVariant, type ShownText, type StoredRecipient } from '../core/decisions/rules.js';
import { UsageError } from '../core/errors.js';
import { stripControlsInline } from '../core/text/sanitize.js';
import { recipientLabel } from '../core/export/export-record.js';
import type { RowSelection } from '../core/recipients/row-selection.js';
import { locateDraftsFile, profileForDrafts } from '../io/drafts-file/drafts-path.js';
import { DraftsStore } from '../io/drafts-file/store.js';
import { readEditFile } from '../io/edit-file.js';
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
  /** --edit FILE (`-`: stdin): approve the selected row (exactly one) with this text. */
  edit?: { file: string; stdin: NodeJS.ReadableStream };
  /** --variant N (with --rows): of drafts with variants, approve variant N (1-based). */
  variant?: number;
}

export interface ApproveOutcome {
  approved: number[];
  /** --clean: rows with any finding not allowed; --rows: rows with an error finding (without --force). */
  held: { row: number; codes: string[] }[];
  forced: { row: number; codes: string[] }[];
  /** --edit: rows approved with the file's text as a new version (absent: the text was the draft's own). */
  edited: { row: number; version: number }[];
  /** On the do-not-contact list: never approved, whatever the flags. */
  refused: { row: number; who: string; reason: string }[];
  /** Drafts with variants and no --variant: a person picks one, approve never does. */
  unpicked: number[];
  leftAlone: string[];
  draftsPath: string;
}

type Outcome = Omit<ApproveOutcome, 'draftsPath'>;

export async function approveDrafts(o: ApproveOptions, warn: (message: string) => void): Promise<ApproveOutcome> {
  const draftsPath = await locateDraftsFile(o.file, o.cwd);
  const editText = o.edit ? await readEditFile(o.edit.file, o.cwd, o.edit.stdin) : undefined;
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
    if (o.selection && o.variant !== undefined) assertVariantExists(store, o.selection, o.variant);
    memory = await openDecisionMemory(o.memory, draftsPath, { env: o.env, cwd: o.cwd, warn, ...(o.notice ? { notice: o.notice } : {}), toneProfile: ctx.profile });
    const edit = editText !== undefined ? parseEditFile(editText, { withSubject: ctx.profile.channel === 'email', file: o.edit!.file, fieldNames: outputFieldNames(ctx.profile.output?.fields) }) : undefined;
    const outcome = approveAll(store, ctx, memory, o, edit);
    const unrecorded = memory.unrecorded();
    if (unrecorded) warn(unrecorded);
    return { ...outcome, draftsPath };
  } finally {
    memory?.close();
    await store.close();
  }
}

type Opts = Pick<ApproveOptions, 'selection' | 'allowed' | 'force' | 'reviewer' | 'variant'>;

/** `edit`: the person's text for the selected row (the command makes sure it is one row). */
function approveAll(store: DraftsStore, ctx: LintContext, memory: DecisionMemory, opts: Opts, edit?: ShownText): Outcome {
  const out: Outcome = { approved: [], held: [], forced: [], edited: [], refused: [], leftAlone: [], unpicked: [] };
  const at = new Date().toISOString();
  for (const state of store.recipients()) {
    // Row numbers are the CSV's as read now: a recipient no longer in it has none.
    if (state.orphaned) continue;
    if (opts.selection && !opts.selection.has(state.row)) continue;
    // A failed draft has no text to approve, but a person's own text for it may be (as in review).
    if (state.status !== 'drafted' && !(edit && state.status === 'failed')) {
      if (opts.selection) out.leftAlone.push(`${state.row} (${state.status})`);
      continue;
    }
    const shown = picked(store.read(state.key), opts.variant, Boolean(edit));
    if (shown === 'unpicked') {
      out.unpicked.push(state.row);
      continue;
    }
    // An edit file's fields over the shown version's (a field it leaves out keeps its value).
    const text = edit ? { ...edit, ...withFields(edit, shown?.text) } : shown?.text;
    if (!shown || !text) continue;
    const recipient = shown.draft.recipient;
    const suppressed = memory.suppression(state.key, recipient);
    if (suppressed) {
      out.refused.push({ row: state.row, who: recipientLabel(recipient), reason: `${suppressed.kind}: ${suppressed.reason}` });
      continue;
    }
    // The text that is approved is the text linted; an edit is written only once it may be approved.
    if (!passesLint(out, state.row, ctx.lint(text, recipient, memory.lintMemory(state.key, recipient), shown.draft), opts)) continue;
    approveOne(store, memory, shown, { ...(edit ? { edit: text } : {}), at, reviewer: opts.reviewer }, out);
  }
  return out;
}

/**
 * Appended one by one: an interrupted run keeps the approvals already made. The decision names the
 * exact version whose text was linted; a file with the draft's own text approves it unedited.
 */
function approveOne(store: DraftsStore, memory: DecisionMemory, shown: StoredRecipient, d: { edit?: ShownText; at: string; reviewer: string }, out: Outcome): void {
  const changed = d.edit !== undefined && !sameText(d.edit, shown.text);
  const decided = changed ? recordEdit(store, memory, shown, d.edit!, d.at) : shown;
  recordDecision(store, memory, decided, { status: 'approved', at: d.at, reviewer: d.reviewer });
  out.approved.push(shown.state.row);
  if (changed) out.edited.push({ row: shown.state.row, version: decided.state.version });
}

/**
 * The recipient as approved: of a draft with variants, the one --variant names (checked to exist
 * first: assertVariantExists); without --variant (or --edit's own text), a person has not picked one.
 */
function picked(shown: StoredRecipient | undefined, variant: number | undefined, edit: boolean): StoredRecipient | 'unpicked' | undefined {
  if (shown?.variant === undefined) return shown;
  if (variant === undefined) return edit ? shown : 'unpicked';
  return withVariant(shown, variant);
}

/** --variant N must name a variant of every selected undecided draft: refused before anything is approved. */
function assertVariantExists(store: DraftsStore, selection: RowSelection, variant: number): void {
  for (const s of store.recipients()) {
    if (s.orphaned || !selection.has(s.row) || s.status !== 'drafted') continue;
    const count = s.edited ? 0 : (s.variants ?? 0);
    if (variant <= count) continue;
    const names = count > 0 ? (store.readDraft(s.key)?.variants ?? []).map((v, i) => `${i + 1} ${v.name}`).join(', ') : '';
    throw new UsageError(
      count === 0
        ? `row ${s.row} has no variants to pick from (${s.edited ? 'its latest version is a person\'s edit' : 'it was drafted without variants'}): --variant ${variant} does not apply.`
        : `row ${s.row} has ${count} variant(s) (${stripControlsInline(names)}): --variant ${variant} is not one of them.`,
      { hint: count === 0 ? `approve it without --variant (\`draftsmith approve --rows ${s.row}\`).` : `pick 1 to ${count}; \`draftsmith review\` shows them one after another.` },
    );
  }
}

function sameText(a: ShownText, b: ShownText | undefined): boolean {
  // The file's trailing blank space is dropped (core/decisions/edit-file.ts): so is the draft's here.
  return b !== undefined && a.body === b.body.trimEnd() && (a.subject ?? '') === (b.subject ?? '').trim() && JSON.stringify(a.fields ?? {}) === JSON.stringify(b.fields ?? {});
}

/** --clean: no finding at all unless allowed; --rows: no error unless --force (then named). */
function passesLint(out: Outcome, row: number, findings: { level: string; code: string }[], opts: Opts): boolean {
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

/** The fields an approval with an edit file records: the file's over the shown version's; none when neither has any. */
function withFields(edit: ShownText, shown: ShownText | undefined): Pick<ShownText, 'fields'> {
  const fields = mergeFields(Object.keys(edit.fields ?? {}), shown?.fields, edit.fields ?? {});
  return fields ? { fields } : {};
}
