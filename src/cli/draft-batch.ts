// `draft --batch-out` / `--batch-in`: the flags that cannot go together, and what `--batch-out`
// prints when it has written its file: how many requests, and the two commands that come next.
import path from 'node:path';
import { UsageError } from '../core/errors.js';
import { shellWord } from '../core/text/shell-word.js';
import type { BatchOutReport } from '../app/batch-out.js';
import type { Ui } from '../ui/terminal.js';
import type { CliIo } from './streams.js';

interface BatchFlagValues {
  batchOut?: string;
  batchIn?: string;
  dryRun?: boolean;
  out?: string;
}

/** Refuses combinations that have no meaning, before anything is read. */
export function checkBatchFlags(flags: BatchFlagValues): void {
  const which = flags.batchOut !== undefined ? '--batch-out' : flags.batchIn !== undefined ? '--batch-in' : undefined;
  if (!which) return;
  const clash = [
    flags.batchOut !== undefined && flags.batchIn !== undefined ? '--batch-in' : undefined,
    flags.dryRun ? '--dry-run' : undefined,
    flags.batchOut !== undefined && flags.out !== undefined ? '--out' : undefined,
  ].find((f) => f !== undefined);
  if (clash) {
    throw new UsageError(`${which} cannot be combined with ${clash}.`, {
      hint: 'write the requests with --batch-out, run the batch, then read its results with --batch-in (separate runs).',
    });
  }
}

/** The summary of `--batch-out` and the next steps (on stderr; nothing with --quiet). */
export function reportBatchOut(report: BatchOutReport, resume: string, io: CliIo, ui: Ui): void {
  const file = report.file === '-' ? '<stdout>' : report.file;
  const draftsName = path.relative(io.cwd, report.draftsPath) || report.draftsPath;
  const kept = report.cached + report.stale;
  ui.info(`wrote ${report.requests} request(s) for ${report.model} to ${file}${kept > 0 ? ` (${kept} of ${report.selected} row(s) already drafted or kept: no request)` : ''}; nothing was sent.`);
  if (report.requests === 0) {
    ui.info(`nothing to draft: every selected row has its draft in ${draftsName}.`);
    return;
  }
  const results = 'results.jsonl';
  const input = report.file === '-' ? 'requests.jsonl' : report.file;
  ui.info('next: run the batch where the GPU is, then read its results into the drafts file:');
  ui.info(`  vllm run-batch -i ${shellWord(input)} -o ${results} --model ${shellWord(report.model)}`);
  ui.info(`  ${resume} --batch-in ${results}`);
}
