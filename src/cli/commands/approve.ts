// `draftsmith approve`: review's `a` for scripts. Approves drafted rows by number (--rows) or every
// drafted row the lint finds no error in (--clean). Decided and failed rows are left alone.
import path from 'node:path';
import { UsageError } from '../../core/errors.js';
import { parseRowSelection } from '../../core/row-selection.js';
import { stripControlsInline } from '../../core/sanitize.js';
import { locateDraftsFile, profileForDrafts } from '../../io/drafts-path.js';
import { DraftsStore } from '../../io/drafts-store.js';
import type { CliIo } from '../io.js';
import { loadLintContext, type LintContext } from './review.js';
import { shellWord } from '../../core/shell-word.js';

export interface ApproveFlags {
  rows?: string;
  clean?: boolean;
  profile?: string;
}

export async function runApproveCommand(file: string | undefined, flags: ApproveFlags, io: CliIo): Promise<void> {
  if (Boolean(flags.rows) === Boolean(flags.clean)) {
    throw new UsageError('approve needs exactly one of --rows or --clean.', {
      hint: 'e.g. `draftsmith approve --rows 3,5-9`, or `draftsmith approve --clean --profile profile.yaml`.',
    });
  }
  const selection = flags.rows ? parseRowSelection(flags.rows) : undefined;
  const draftsPath = await locateDraftsFile(file, io.cwd);
  const store = await DraftsStore.open(draftsPath, { lock: true, create: false });
  let ctx: LintContext | undefined;
  try {
    const profileFile = profileForDrafts(flags.profile, store.recordedProfile(), io.cwd);
    if (flags.clean && !profileFile) {
      throw new UsageError('--clean needs the tone profile the lint checks against, and the drafts file names none that exists.', {
        hint: 'add --profile <file> (the one you drafted with).',
      });
    }
    ctx = profileFile ? await loadLintContext(profileFile) : undefined;
  } catch (err) {
    await store.close();
    throw err;
  }
  const approved: number[] = [];
  const withErrors: number[] = [];
  const notDrafted: string[] = [];
  try {
    for (const w of store.warnings) io.stderr.write(`draftsmith: warning: ${stripControlsInline(w)}\n`);
    const at = new Date().toISOString();
    for (const state of store.rows()) {
      if (selection && !selection.has(state.row)) continue;
      if (state.status !== 'drafted') {
        if (selection) notDrafted.push(`${state.row} (${state.status})`);
        continue;
      }
      const record = store.readDraft(state.row);
      if (!record) continue;
      if (flags.clean && ctx) {
        const findings = ctx.lint({ subject: record.subject, body: record.body ?? '' }, record.recipient);
        if (findings.some((f) => f.level === 'error')) {
          withErrors.push(state.row);
          continue;
        }
      }
      // Appended one by one: an interrupted run keeps the approvals already made.
      store.append({ type: 'decision', row: state.row, status: 'approved', version: state.version, at });
      approved.push(state.row);
    }
  } finally {
    await store.close();
  }

  const rel = path.relative(io.cwd, draftsPath) || draftsPath;
  const lines = [`draftsmith: approved ${approved.length} draft(s)${approved.length ? `: rows ${listRows(approved)}` : ''}`];
  if (notDrafted.length) lines.push(`  left alone (not a fresh draft): rows ${notDrafted.join(', ')}`);
  if (withErrors.length) {
    lines.push(`  not approved, lint errors: rows ${listRows(withErrors)}`);
    const profile = flags.profile ? ` --profile ${shellWord(flags.profile)}` : '';
    lines.push(`  hint: look at them with \`draftsmith review ${shellWord(rel)}${profile}\``);
  }
  if (approved.length) lines.push(`  next: draftsmith export ${shellWord(rel)}`);
  io.stderr.write(`${lines.join('\n')}\n`);
}

/** 1,2,3,5,7,8 -> "1-3, 5, 7-8". */
export function listRows(rows: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < rows.length; ) {
    let j = i;
    while (j + 1 < rows.length && rows[j + 1] === rows[j]! + 1) j++;
    out.push(i === j ? `${rows[i]}` : `${rows[i]}-${rows[j]}`);
    i = j + 1;
  }
  return out.join(', ');
}
