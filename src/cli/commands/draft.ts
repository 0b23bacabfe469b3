// `draftsmith draft`: parses the flags, runs the campaign (app/draft-campaign.ts), and reports how
// it went: the summary on stderr, and the error (with its resume hint) that sets the exit code.
import path from 'node:path';
import { EngineError, InterruptedError, PartialFailureError, UsageError } from '../../core/errors.js';
import { shellWord } from '../../core/text/shell-word.js';
import { parseRowSelection } from '../../core/recipients/row-selection.js';
import { draftCampaign, type CampaignOutcome, type DraftCampaignOptions } from '../../app/draft-campaign.js';
import { createUi, type Ui } from '../../ui/terminal.js';
import { renderLintSummary } from '../../ui/lint-summary.js';
import { renderSummary } from '../../ui/summary.js';
import { DRAFT_RESUME_FLAGS, resumeCommand } from '../resume.js';
import { createEngineFromFlags, type EngineFlags } from '../engine-choice.js';
import { onInterrupt } from '../interrupt.js';
import { checkBatchFlags, reportBatchOut } from '../draft-batch.js';
import type { CliIo } from '../streams.js';

export interface DraftFlags extends EngineFlags, Omit<DraftCampaignOptions, 'csv' | 'selection' | 'resume' | 'concurrency'> {
  concurrency: number;
  quiet?: boolean;
}

export async function runDraftCommand(csvArg: string, flags: DraftFlags, io: CliIo): Promise<void> {
  const ui = createUi({ env: io.env, stdout: io.stdout, stderr: io.stderr, quiet: Boolean(flags.quiet) });
  const selection = flags.rows ? parseRowSelection(flags.rows) : undefined;
  const fromStdin = csvArg === '-';
  if (fromStdin && io.stdin.isTTY) {
    throw new UsageError('`-` reads the recipients CSV from stdin, but stdin is a terminal.', {
      hint: 'pipe a file in (`cat leads.csv | draftsmith draft - ...`) or pass the CSV path.',
    });
  }
  checkBatchFlags(flags);
  const resume = resumeCommand('draft', [csvArg, '--profile', flags.profile], flags as never, DRAFT_RESUME_FLAGS);
  const outcome = await draftCampaign(
    { ...flags, csv: csvArg, selection, resume },
    {
      ui,
      cwd: io.cwd,
      env: io.env,
      stdin: io.stdin,
      stdout: io.stdout,
      createEngine: (profile, pick) => createEngineFromFlags({ ...flags, ...pick }, profile, io),
      onInterrupt: (stop) => onInterrupt(io, stop),
    },
  );
  if (outcome && 'kind' in outcome) reportBatchOut(outcome, resume, io, ui);
  else if (outcome) report(outcome, { flags, io, ui, resume, fromStdin });
}

/** The run's summary, then the error that says how it ended when it did not simply finish. */
function report(outcome: CampaignOutcome, at: { flags: DraftFlags; io: CliIo; ui: Ui; resume: string; fromStdin: boolean }): void {
  const { summary, tally, notes, draftsPath } = outcome;
  const { flags, io, ui, fromStdin } = at;
  // --batch-in: what comes next is a batch of the rows still to draft, not a live run.
  const resume = outcome.next ?? at.resume;
  const draftsName = path.relative(io.cwd, draftsPath) || draftsPath;
  if (outcome.readerGone) {
    ui.note(`the reader of --out closed the pipe: stopped, ${summary.drafted} new draft(s) kept in ${draftsName}.`);
    return;
  }
  if (!flags.quiet || summary.failed > 0) {
    io.stderr.write(
      renderSummary(summary, {
        draftsFile: draftsName,
        color: ui.chalk,
        resumeCommand: resume,
        ...(outcome.next ? { retryHow: 'write the requests of the failed and missing rows, run that batch, and read its results with --batch-in' } : {}),
        lint: [...notes, ...renderLintSummary(tally, ui.chalk), ...(summary.cached + summary.stale > 0 ? [unchangedNote(draftsName)] : [])],
        review: true,
        excluded: outcome.excluded,
        rules: outcome.rules,
      }),
    );
  }
  if (summary.engineDown) {
    const { sinceMs, lastError } = summary.engineDown;
    const left = outcome.selected - summary.drafted - summary.cached - summary.failed;
    throw new EngineError(`the engine stopped answering (nothing for ${Math.round(sinceMs / 1000)}s; last error: ${lastError}): stopped with ${summary.drafted} new draft(s) kept, ${left} row(s) not drafted yet.`, {
      hint: `once it answers again (\`draftsmith doctor\` checks), ${fromStdin ? 'pipe the same CSV into the same command' : `resume with: ${resume}`}`,
    });
  }
  if (summary.interrupted) {
    throw new InterruptedError('interrupted: every finished draft is saved.', {
      hint: fromStdin ? 'pipe the same CSV into the same command to resume.' : `resume with: ${resume}`,
    });
  }
  if (summary.failed > 0) {
    throw new PartialFailureError(`${summary.failed} of ${outcome.selected} recipient(s) failed.`, {
      hint: outcome.next ? `write their requests again (${outcome.next}), run the batch, and read its results with --batch-in.` : 're-run the same command: only the failed rows are drafted again.',
    });
  }
}

function unchangedNote(draftsName: string): string {
  return `lint: unchanged drafts are not linted again; \`draftsmith status ${shellWord(draftsName)}\` lints every undecided one`;
}
