// `draftsmith approve`: review's `a` for scripts. Approves the latest version of undecided drafts
// by row (--rows) or every one the lint has nothing to say about (--clean). Failed, skipped,
// approved and orphaned recipients are left alone and named.
import path from 'node:path';
import { loadLintContext, type LintContext } from '../../app/lint-context.js';
import { UsageError } from '../../core/errors.js';
import { listRows, parseRowSelection, type RowSelection } from '../../core/recipients/row-selection.js';
import { stripControlsInline } from '../../core/text/sanitize.js';
import { shellWord } from '../../core/text/shell-word.js';
import { locateDraftsFile, profileForDrafts } from '../../io/drafts-file/drafts-path.js';
import { DraftsStore } from '../../io/drafts-file/store.js';
import type { CliIo } from '../streams.js';

export interface ApproveFlags {
  rows?: string;
  clean?: boolean;
  /** Lint codes --clean tolerates, comma-separated. */
  allow?: string;
  /** With --rows: approve drafts with error findings too. */
  force?: boolean;
  profile?: string;
}

interface Outcome {
  approved: number[];
  /** --clean: rows with any finding not allowed; --rows: rows with an error finding (without --force). */
  held: { row: number; codes: string[] }[];
  forced: { row: number; codes: string[] }[];
  leftAlone: string[];
}

export async function runApproveCommand(file: string | undefined, flags: ApproveFlags, io: CliIo): Promise<void> {
  if (Boolean(flags.rows) === Boolean(flags.clean)) {
    throw new UsageError('approve needs exactly one of --rows or --clean.', {
      hint: 'e.g. `draftsmith approve --rows 3,5-9`, or `draftsmith approve --clean`.',
    });
  }
  if (flags.allow && !flags.clean) throw new UsageError('--allow goes with --clean.', { hint: 'e.g. `draftsmith approve --clean --allow long-draft,unknown-url`.' });
  const selection = flags.rows ? parseRowSelection(flags.rows) : undefined;
  const allowed = new Set((flags.allow ?? '').split(',').map((c) => c.trim()).filter(Boolean));
  const draftsPath = await locateDraftsFile(file, io.cwd);
  const store = await DraftsStore.open(draftsPath, { lock: true, create: false });
  let outcome: Outcome;
  try {
    const profileFile = profileForDrafts(flags.profile, store.recordedProfile(), io.cwd);
    if (!profileFile) {
      throw new UsageError('approving needs the tone profile the lint checks against, and the drafts file names none that exists.', {
        hint: 'add --profile <file> (the one you drafted with).',
      });
    }
    const ctx = await loadLintContext(profileFile);
    for (const w of store.warnings) io.stderr.write(`draftsmith: warning: ${stripControlsInline(w)}\n`);
    if (selection) assertRowsMatch(store, selection, flags.rows!);
    outcome = approveAll(store, ctx, { selection, allowed, force: Boolean(flags.force) });
  } finally {
    await store.close();
  }
  io.stderr.write(report(outcome, flags, path.relative(io.cwd, draftsPath) || draftsPath));
}

function approveAll(store: DraftsStore, ctx: LintContext, opts: { selection?: RowSelection; allowed: Set<string>; force: boolean }): Outcome {
  const out: Outcome = { approved: [], held: [], forced: [], leftAlone: [] };
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
    const findings = ctx.lint(shown.text, shown.draft.recipient);
    if (!opts.selection) {
      // --clean means no finding at all, warnings included, unless a code is allowed.
      const codes = findings.filter((f) => !opts.allowed.has(f.code)).map((f) => f.code);
      if (codes.length > 0) {
        out.held.push({ row: state.row, codes });
        continue;
      }
    } else {
      const errors = findings.filter((f) => f.level === 'error').map((f) => f.code);
      if (errors.length > 0 && !opts.force) {
        out.held.push({ row: state.row, codes: errors });
        continue;
      }
      if (errors.length > 0) out.forced.push({ row: state.row, codes: errors });
    }
    // Appended one by one: an interrupted run keeps the approvals already made. The decision names
    // the exact version whose text was linted.
    store.append({ type: 'decision', key: state.key, row: state.row, status: 'approved', version: state.version, at });
    out.approved.push(state.row);
  }
  return out;
}

function assertRowsMatch(store: DraftsStore, selection: RowSelection, spec: string): void {
  const rows = store.recipients().filter((s) => !s.orphaned);
  if (rows.some((s) => selection.has(s.row))) return;
  const last = Math.max(0, ...rows.map((s) => s.row));
  throw new UsageError(`--rows ${spec} matches none of the ${rows.length} drafted row(s).`, {
    hint: rows.length ? `drafted rows lie between 1 and ${last}; \`draftsmith status\` lists them.` : 'run `draftsmith draft` first.',
  });
}

function report(o: Outcome, flags: ApproveFlags, rel: string): string {
  const lines = [`draftsmith: approved ${o.approved.length} draft(s)${o.approved.length ? `: rows ${listRows(o.approved, 40)}` : ''}`];
  for (const f of o.forced) lines.push(`  approved despite lint errors (--force): row ${f.row} (${f.codes.join(', ')})`);
  if (o.leftAlone.length) lines.push(`  left alone (not an undecided draft): rows ${o.leftAlone.join(', ')}`);
  if (o.held.length) {
    const why = flags.clean ? 'lint findings' : 'lint errors; add --force to approve them anyway';
    lines.push(`  not approved, ${why}:`);
    for (const h of o.held.slice(0, 20)) lines.push(`    row ${h.row}: ${h.codes.join(', ')}`);
    if (o.held.length > 20) lines.push(`    ... and ${o.held.length - 20} more`);
    const profile = flags.profile ? ` --profile ${shellWord(flags.profile)}` : '';
    lines.push(`  hint: look at them with \`draftsmith review ${shellWord(rel)}${profile}\`${flags.clean ? ', or tolerate a code with --allow CODE' : ''}`);
  }
  if (o.approved.length) lines.push(`  next: draftsmith export ${shellWord(rel)}`);
  return `${lines.join('\n')}\n`;
}
