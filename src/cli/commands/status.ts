// `draftsmith status`: counts by status, what needs a person (edited drafts awaiting approval, stale
// decisions), recipients no longer in the CSV, failed rows, and what to do next. `--format json`
// gives scripts the same counts.
import path from 'node:path';
import type { ChalkInstance } from 'chalk';
import type { DraftStatus } from '../../core/decisions/records.js';
import { DRAFT_STATUSES } from '../../core/decisions/records.js';
import { stripControlsInline } from '../../core/text/sanitize.js';
import { locateDraftsFile, profileForDrafts } from '../../io/drafts-file/drafts-path.js';
import { DraftsStore } from '../../io/drafts-file/store.js';
import { toJsonLine } from '../../io/export/record-writer.js';
import { createUi } from '../../ui/terminal.js';
import type { CliIo } from '../streams.js';

export interface StatusFlags {
  profile?: string;
  format?: 'text' | 'json';
}

interface StatusReport {
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
}

export async function runStatusCommand(file: string | undefined, flags: StatusFlags, io: CliIo): Promise<void> {
  const draftsPath = await locateDraftsFile(file, io.cwd);
  const store = await DraftsStore.open(draftsPath, { lock: false, create: false });
  try {
    for (const w of store.warnings) io.stderr.write(`draftsmith: warning: ${stripControlsInline(w)}\n`);
    const name = path.relative(io.cwd, draftsPath) || draftsPath;
    const report = buildReport(store, name);
    if (flags.format === 'json') {
      io.stdout.write(`${toJsonLine(report)}\n`);
      return;
    }
    const ui = createUi({ env: io.env, stdout: io.stdout, stderr: io.stderr, quiet: false });
    const profileFile = profileForDrafts(flags.profile, store.recordedProfile(), io.cwd);
    const lintLines = profileFile ? await lintLinesFor(store, profileFile, ui.chalk) : [];
    io.stdout.write(`${renderReport(report, lintLines).join('\n')}\n`);
  } finally {
    await store.close();
  }
}

function buildReport(store: DraftsStore, file: string): StatusReport {
  const counts = Object.fromEntries(DRAFT_STATUSES.map((s) => [s, 0])) as Record<DraftStatus, number>;
  const report: StatusReport = { file, recipients: 0, counts, edited: 0, stale: 0, orphaned: 0, notDrafted: 0, failures: [] };
  let current = 0;
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
  }
  const roster = store.roster();
  report.recipients = roster?.size ?? current;
  report.notDrafted = roster ? Math.max(0, roster.size - current) : 0;
  return report;
}

function renderReport(r: StatusReport, lintLines: string[]): string[] {
  const lines = [`${r.file}: ${r.recipients} recipient(s)`];
  for (const status of DRAFT_STATUSES) {
    const extra = status === 'drafted' && r.edited > 0 ? `  (${r.edited} edited by a person, waiting for approval of the edited text)` : '';
    lines.push(`  ${status.padEnd(11)} ${r.counts[status]}${extra}`);
  }
  if (r.notDrafted > 0) lines.push(`  ${'not drafted'.padEnd(11)} ${r.notDrafted}`);
  if (r.stale > 0) lines.push(`  ${'stale'.padEnd(11)} ${r.stale}  (decided or edited, but their inputs changed since: \`draft ... --redraft-decided\` redrafts them)`);
  if (r.orphaned > 0) lines.push(`  ${'orphaned'.padEnd(11)} ${r.orphaned}  (no longer in the CSV: never exported)`);
  if (lintLines.length > 0) lines.push('', ...lintLines);
  const name = r.file;
  if (r.failures.length > 0) {
    lines.push('', 'failed rows:');
    for (const f of r.failures.slice(0, 20)) lines.push(`  row ${f.row}: ${stripControlsInline(f.error)}`);
    if (r.failures.length > 20) lines.push(`  ... and ${r.failures.length - 20} more`);
    lines.push('', 'next: re-run the same `draftsmith draft` command to retry only the failed rows.');
  } else if (r.counts.drafted > 0) {
    lines.push('', `next: review them with \`draftsmith review ${name}\``);
  } else if (r.counts.approved > 0) {
    lines.push('', `next: export the approved drafts with \`draftsmith export ${name} --format csv --out approved.csv\``);
  }
  return lines;
}

/** Lint the latest version of every undecided draft; decided ones were already read by a person. */
async function lintLinesFor(store: DraftsStore, profileFile: string, chalk: ChalkInstance): Promise<string[]> {
  const [{ readProfile }, { lintDraft }, { addToTally, emptyTally }, { renderLintSummary }] = await Promise.all([
    import('../../io/profile-file.js'),
    import('../../core/lint/lint-draft.js'),
    import('../../core/lint/tally.js'),
    import('../../ui/lint-summary.js'),
  ]);
  const { profile } = await readProfile(profileFile);
  const tally = emptyTally();
  for (const s of store.recipients()) {
    if (s.status !== 'drafted' || s.orphaned) continue;
    const shown = store.read(s.key);
    if (shown?.text) addToTally(tally, s.row, lintDraft({ ...shown.text, recipient: shown.draft.recipient }, profile));
  }
  return renderLintSummary(tally, chalk);
}
