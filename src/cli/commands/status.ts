// `draftsmith status`: counts by status, what needs a person (edited drafts awaiting approval, stale
// decisions), recipients no longer in the CSV, failed rows, and what to do next. `--format json`
// gives scripts the same counts. The counting and the lint are app/drafts-status.ts; this renders.
import path from 'node:path';
import { DRAFT_STATUSES } from '../../core/decisions/records.js';
import { stripControlsInline } from '../../core/text/sanitize.js';
import { draftsStatus, type StatusReport } from '../../app/drafts-status.js';
import { toJsonLine } from '../../io/export/record-writer.js';
import { createUi } from '../../ui/terminal.js';
import type { CliIo } from '../streams.js';
import type { MemoryFlag } from '../../app/open-memory.js';

export interface StatusFlags {
  profile?: string;
  format?: 'text' | 'json';
  /** --memory FILE / --no-memory (the command table's shared memory option). */
  memory?: MemoryFlag;
}

export async function runStatusCommand(file: string | undefined, flags: StatusFlags, io: CliIo): Promise<void> {
  const json = flags.format === 'json';
  const { report, tally } = await draftsStatus(
    { file, cwd: io.cwd, profile: flags.profile, lint: !json, name: (p) => path.relative(io.cwd, p) || p, memory: flags.memory, env: io.env },
    (w) => io.stderr.write(`draftsmith: warning: ${stripControlsInline(w)}\n`),
  );
  if (json) {
    io.stdout.write(`${toJsonLine(report)}\n`);
    return;
  }
  const ui = createUi({ env: io.env, stdout: io.stdout, stderr: io.stderr, quiet: false });
  const { renderLintSummary } = await import('../../ui/lint-summary.js');
  const lintLines = tally ? renderLintSummary(tally, ui.chalk) : [];
  io.stdout.write(`${renderReport(report, lintLines).join('\n')}\n`);
}

/** Who is excluded and why, and whose draft is stale by a reply (the person wrote since). */
function renderMemoryLines(r: StatusReport): string[] {
  const lines: string[] = [];
  if (r.staleByReply.length > 0) {
    const undecided = r.staleByReply.filter((s) => s.status === 'drafted').length;
    lines.push(`  ${'stale by reply'} ${r.staleByReply.length}  (the person wrote after their draft; \`draft ... --redraft-stale\` redrafts the ${undecided} undecided, with --redraft-decided the decided too)`);
    for (const s of r.staleByReply.slice(0, 20)) lines.push(`    row ${s.row} (${s.status}): reply of ${s.repliedAt.slice(0, 10)}`);
    if (r.staleByReply.length > 20) lines.push(`    ... and ${r.staleByReply.length - 20} more`);
  }
  if (r.excluded.length > 0) {
    lines.push('', 'excluded (the memory says not to contact them, or a profile rule skips them; never approved or exported; `draft` re-checks them every run):');
    for (const e of r.excluded.slice(0, 20)) lines.push(`  row ${e.row}: ${stripControlsInline(e.reason)}`);
    if (r.excluded.length > 20) lines.push(`  ... and ${r.excluded.length - 20} more`);
  }
  return lines;
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
  lines.push(...renderMemoryLines(r));
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
