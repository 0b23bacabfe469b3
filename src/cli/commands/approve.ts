// `draftsmith approve`: review's `a` for scripts (app/approve-drafts.ts). The command checks that
// exactly one of --rows and --clean is given, and reports what was approved, held and left alone.
import path from 'node:path';
import { approveDrafts, type ApproveOutcome } from '../../app/approve-drafts.js';
import type { MemoryFlag } from '../../app/open-memory.js';
import { reviewerName } from '../../app/reviewer.js';
import { EXIT, ExitError, UsageError } from '../../core/errors.js';
import { listRows, parseRowSelection } from '../../core/recipients/row-selection.js';
import { stripControlsInline } from '../../core/text/sanitize.js';
import { shellWord } from '../../core/text/shell-word.js';
import type { CliIo } from '../streams.js';

export interface ApproveFlags {
  rows?: string;
  clean?: boolean;
  /** Lint codes --clean tolerates, comma-separated. */
  allow?: string;
  /** With --rows: approve drafts with error findings too. */
  force?: boolean;
  profile?: string;
  /** Who decides (default: the OS user). */
  reviewer?: string;
  /** --memory FILE / --no-memory. */
  memory?: MemoryFlag;
  /** With --rows N (one row): approve it with this file's text as an edited version; `-` = stdin. */
  edit?: string;
  /** With --rows: of drafts with variants, approve this one (1-based). */
  variant?: number;
}

export async function runApproveCommand(file: string | undefined, flags: ApproveFlags, io: CliIo): Promise<void> {
  if (Boolean(flags.rows) === Boolean(flags.clean)) {
    throw new UsageError('approve needs exactly one of --rows or --clean.', {
      hint: 'e.g. `draftsmith approve --rows 3,5-9`, or `draftsmith approve --clean`.',
    });
  }
  if (flags.allow && !flags.clean) throw new UsageError('--allow goes with --clean.', { hint: 'e.g. `draftsmith approve --clean --allow long-draft,unknown-url`.' });
  if (flags.edit !== undefined && !/^\s*\d+\s*$/.test(flags.rows ?? '')) {
    throw new UsageError('--edit approves exactly one row: give it with --rows N.', { hint: 'e.g. `draftsmith approve --rows 3 --edit row3.txt` (the file: `Subject: ...`, a blank line, then the body).' });
  }
  if (flags.variant !== undefined && !flags.rows) {
    throw new UsageError('--variant goes with --rows: a person picks the variant of the rows they name.', { hint: 'e.g. `draftsmith approve --rows 3 --variant 2` (`draftsmith review` shows the variants).' });
  }
  const selection = flags.rows ? parseRowSelection(flags.rows) : undefined;
  const allowed = new Set((flags.allow ?? '').split(',').map((c) => c.trim()).filter(Boolean));
  const outcome = await approveDrafts(
    {
      file, cwd: io.cwd, env: io.env, profile: flags.profile, selection, rows: flags.rows, allowed, force: Boolean(flags.force),
      reviewer: reviewerName(flags.reviewer, io.env), memory: flags.memory, notice: (m) => io.stderr.write(m),
      ...(flags.edit !== undefined ? { edit: { file: flags.edit, stdin: io.stdin } } : {}),
      ...(flags.variant !== undefined ? { variant: flags.variant } : {}),
    },
    (w) => io.stderr.write(`draftsmith: warning: ${stripControlsInline(w)}\n`),
  );
  io.stderr.write(report(outcome, flags, path.relative(io.cwd, outcome.draftsPath) || outcome.draftsPath));
  // A script recording an edit must notice when it was not recorded (the report says why).
  if (flags.edit !== undefined && outcome.approved.length === 0) throw new ExitError(EXIT.runtime);
}

function report(o: ApproveOutcome, flags: ApproveFlags, rel: string): string {
  const variant = flags.variant !== undefined && o.approved.length ? ` (variant ${flags.variant} of those drafted in variants)` : '';
  const lines = [`draftsmith: approved ${o.approved.length} draft(s)${o.approved.length ? `: rows ${listRows(o.approved, 40)}` : ''}${variant}`];
  for (const e of o.edited) lines.push(`  row ${e.row}: approved with the edited text, saved as version ${e.version}`);
  if (flags.edit !== undefined && o.approved.length > 0 && o.edited.length === 0) lines.push('  the edit file holds the draft\'s own text: approved unedited');
  for (const f of o.forced) lines.push(`  approved despite lint errors (--force): row ${f.row} (${f.codes.join(', ')})`);
  for (const r of o.refused) {
    const who = r.who ? ` ${stripControlsInline(r.who)}` : '';
    lines.push(`  not approved, on the do-not-contact list (no flag overrides it): row ${r.row}${who} (${stripControlsInline(r.reason)})`);
  }
  if (o.unpicked.length) lines.push(`  not approved, drafted in variants and none picked: rows ${listRows(o.unpicked, 40)} (pick one: draftsmith approve --rows ${o.unpicked[0]} --variant N, or in review)`);
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
