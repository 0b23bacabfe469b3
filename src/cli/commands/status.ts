// `draftsmith status`: counts by status, failed rows, and what to do next.
import path from 'node:path';
import { locateDraftsFile } from '../../io/drafts-path.js';
import { DraftsStore } from '../../io/drafts-store.js';
import { stripControlsInline } from '../../core/sanitize.js';
import type { DraftStatus } from '../../core/draft.js';
import type { CliIo } from '../io.js';
import type { ChalkInstance } from 'chalk';
import { profileForDrafts } from '../../io/drafts-path.js';
import { createUi } from '../../ui/terminal.js';

/** Lint every undecided draft against the profile; decided ones were already read by a person. */
async function lintLinesFor(store: DraftsStore, profileFile: string, chalk: ChalkInstance): Promise<string[]> {
  const [{ readProfile }, { lintDraft }, { addToTally, emptyTally }, { renderLintSummary }] = await Promise.all([
    import('../../io/profile-file.js'),
    import('../../core/lint.js'),
    import('../../core/lint-tally.js'),
    import('../../ui/lint-summary.js'),
  ]);
  const { profile } = await readProfile(profileFile);
  const tally = emptyTally();
  for (const s of store.rows()) {
    if (s.status !== 'drafted') continue;
    const d = store.readDraft(s.row);
    if (d) addToTally(tally, s.row, lintDraft({ subject: d.subject, body: d.body ?? '', recipient: d.recipient }, profile));
  }
  return renderLintSummary(tally, chalk);
}

const ORDER: DraftStatus[] = ['drafted', 'approved', 'edited', 'skipped', 'failed'];

export interface StatusFlags {
  profile?: string;
}

export async function runStatusCommand(file: string | undefined, flags: StatusFlags, io: CliIo): Promise<void> {
  const draftsPath = await locateDraftsFile(file, io.cwd);
  const store = await DraftsStore.open(draftsPath, { lock: false, create: false });
  try {
    const ui = createUi({ env: io.env, stdout: io.stdout, stderr: io.stderr, quiet: false });
    const counts = new Map<DraftStatus, number>();
    const failed: { row: number; error: string }[] = [];
    const rows = store.rows();
    for (const s of rows) {
      counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
      if (s.status === 'failed') failed.push({ row: s.row, error: store.readDraft(s.row)?.error ?? 'unknown error' });
    }
    const name = path.relative(io.cwd, draftsPath) || draftsPath;
    const profileFile = profileForDrafts(flags.profile, store.recordedProfile(), io.cwd);
    const lintLines = profileFile ? await lintLinesFor(store, profileFile, ui.chalk) : [];
    const lines = [`${name}: ${rows.length} recipient(s)`];
    for (const status of ORDER) lines.push(`  ${status.padEnd(9)} ${counts.get(status) ?? 0}`);
    if (lintLines.length > 0) lines.push('', ...lintLines);
    if (failed.length > 0) {
      lines.push('', 'failed rows:');
      for (const f of failed.slice(0, 20)) lines.push(`  row ${f.row}: ${stripControlsInline(f.error)}`);
      if (failed.length > 20) lines.push(`  ... and ${failed.length - 20} more`);
      lines.push('', 'next: re-run the same `draftsmith draft` command to retry only the failed rows.');
    } else if ((counts.get('drafted') ?? 0) > 0) {
      lines.push('', `next: review them with \`draftsmith review ${name}\``);
    } else if ((counts.get('approved') ?? 0) + (counts.get('edited') ?? 0) > 0) {
      lines.push('', `next: export the approved drafts with \`draftsmith export ${name} --format csv --out approved.csv\``);
    }
    for (const w of store.warnings) io.stderr.write(`draftsmith: warning: ${w}\n`);
    io.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await store.close();
  }
}
