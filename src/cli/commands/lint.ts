// `draftsmith lint FILE [--profile P]`: lints a drafts file or JSONL records shaped like `export`'s
// (app/lint-drafts.ts), one finding a line on stdout, the summary on stderr. Exit 1 when any
// finding is an error.
import { ExitError, UsageError } from '../../core/errors.js';
import type { LintFinding } from '../../core/lint/finding.js';
import { stripControlsInline } from '../../core/text/sanitize.js';
import { lintDrafts } from '../../app/lint-drafts.js';
import type { MemoryFlag } from '../../app/open-memory.js';
import { toJsonLine } from '../../io/export/record-writer.js';
import { writeWithBackpressure } from '../../io/output-target.js';
import { renderLintSummary } from '../../ui/lint-summary.js';
import { createUi } from '../../ui/terminal.js';
import type { CliIo } from '../streams.js';

export interface LintFlags {
  profile?: string;
  format: 'text' | 'jsonl';
  /** --memory FILE / --no-memory (when the command table gives lint the memory flags). */
  memory?: MemoryFlag;
}

export async function runLintCommand(file: string, flags: LintFlags, io: CliIo): Promise<void> {
  if (file === '-' && io.stdin.isTTY) {
    throw new UsageError('`-` reads the drafts from stdin, but stdin is a terminal.', {
      hint: 'pipe them in (`draftsmith export --all | draftsmith lint - -p profile.yaml`) or pass a file.',
    });
  }
  const ui = createUi({ env: io.env, stdout: io.stdout, stderr: io.stderr, quiet: false });
  const warn = (w: string) => ui.warn(w);
  const tally = await lintDrafts({ file, cwd: io.cwd, stdin: io.stdin, profile: flags.profile, env: io.env, memory: flags.memory, warn }, async (row, findings) => {
    for (const f of findings) await writeWithBackpressure(io.stdout, formatFinding(row, f, flags.format));
  });
  for (const l of renderLintSummary(tally, ui.chalk)) io.stderr.write(`${l}\n`);
  if (tally.errorRows.length > 0) throw new ExitError(1);
}

function formatFinding(row: number, f: LintFinding, format: 'text' | 'jsonl'): string {
  if (format === 'jsonl') return `${toJsonLine({ row, level: f.level, code: f.code, message: f.message })}\n`;
  return `row ${row}\t${f.level}\t${f.code}\t${stripControlsInline(f.message)}\n`;
}
