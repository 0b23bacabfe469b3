// `draftsmith export`: approved drafts (the exact version approved), or a chosen set of statuses,
// for the next tool: JSONL or CSV to a file or stdout, one .eml per draft into a folder, or one mbox
// file (app/export-drafts.ts). Recipients no longer in the CSV are never exported unless
// --include-orphans; recipients on the memory's do-not-contact list never are (named on stderr;
// the exit code stays 0: what was written is complete and correct). The command checks the flags
// and reports what was written and left out.
import { APPROVED_ONLY, type ExportChoice } from '../../core/decisions/rules.js';
import { parseStatusList } from '../../core/decisions/records.js';
import { UsageError } from '../../core/errors.js';
import { stripControlsInline } from '../../core/text/sanitize.js';
import { exportDrafts, type ExportFormat, type ExportOutcome } from '../../app/export-drafts.js';
import type { MemoryFlag } from '../../app/open-memory.js';
import type { CliIo } from '../streams.js';

export interface ExportFlags {
  format: ExportFormat;
  out?: string;
  all?: boolean;
  status?: string;
  profile?: string;
  includeOrphans?: boolean;
  rawCells?: boolean;
  /** eml/mbox: X-Draftsmith-* provenance headers. */
  provenance?: boolean;
  memory?: MemoryFlag;
}

export async function runExportCommand(file: string | undefined, flags: ExportFlags, io: CliIo): Promise<void> {
  const choice = exportChoice(flags);
  const mail = flags.format === 'eml' || flags.format === 'mbox';
  if (mail && (flags.out === undefined || flags.out === '-')) {
    throw new UsageError(`--format ${flags.format} writes files: give --out ${flags.format === 'eml' ? 'FOLDER' : 'FILE.mbox'}`, {
      hint: `e.g. \`draftsmith export --format ${flags.format} --out ${flags.format === 'eml' ? 'outbox/' : 'drafts.mbox'}\``,
    });
  }
  if (flags.provenance && !mail) {
    throw new UsageError('--provenance goes with --format eml or mbox: JSONL and CSV always carry the provenance.', {
      hint: 'e.g. `draftsmith export --format eml --out outbox/ --provenance`.',
    });
  }
  const out = flags.out ?? '-';
  const outcome = await exportDrafts({
    file, cwd: io.cwd, env: io.env, stdout: io.stdout, format: flags.format, out, choice, profile: flags.profile, rawCells: flags.rawCells,
    provenance: flags.provenance, memory: flags.memory, notice: (m) => io.stderr.write(m),
  });
  const said = report(outcome, flags, choice, out);
  if (said) io.stderr.write(said);
}

/** What was left out, what was written where, and what to do when nothing was. */
function report(r: ExportOutcome, flags: ExportFlags, choice: ExportChoice, out: string): string {
  const lines: string[] = [];
  for (const s of r.suppressed) {
    const who = s.who ? ` (${stripControlsInline(s.who)})` : '';
    lines.push(`draftsmith: row ${s.row}${who} not exported: on the do-not-contact list, ${stripControlsInline(s.reason)}\n`);
  }
  for (const s of r.skipped) lines.push(`draftsmith: row ${s.row} not exported: ${stripControlsInline(s.reason)}\n`);
  if (r.orphansLeft > 0) {
    lines.push(`draftsmith: ${r.orphansLeft} draft(s) not exported: their recipients are no longer in the CSV (--include-orphans exports them).\n`);
  }
  if (r.written === 0 && r.suppressed.length === 0 && choice.statuses !== 'all' && flags.status === undefined) {
    const reapprove = r.edited > 0 ? ` ${r.edited} of them edited and waiting for approval of the edited text.` : '';
    lines.push(
      `draftsmith: no approved drafts yet (${r.undecided} waiting for review).${reapprove}\n  hint: review them with \`draftsmith review\`, or export everything with --all.\n`,
    );
  } else if (out !== '-') {
    const what = flags.format === 'eml' ? 'message file(s) into' : 'record(s) to';
    lines.push(`draftsmith: wrote ${r.written} ${what} ${out}\n`);
  }
  if ((flags.format === 'eml' || flags.format === 'mbox') && !r.sender?.email) {
    lines.push(`draftsmith: the messages have no From: address.\n  hint: add sender.email to the tone profile (pass it with --profile if it moved).\n`);
  }
  return lines.join('');
}

function exportChoice(flags: ExportFlags): ExportChoice {
  if (flags.all && flags.status !== undefined) {
    throw new UsageError('--all and --status cannot be used together', { hint: 'use --all for every record, or --status to pick some.' });
  }
  const includeOrphans = Boolean(flags.includeOrphans);
  if (flags.all) return { statuses: 'all', includeOrphans };
  return flags.status === undefined ? { ...APPROVED_ONLY, includeOrphans } : { statuses: parseStatusList(flags.status), includeOrphans };
}
