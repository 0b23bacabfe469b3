// `draftsmith review`: parses the flags, runs the review (app/review-drafts.ts) with this terminal's
// prompts and screens, and says how it ended and how to resume.
//
// Screens and prompts go to stderr, like every other message draftsmith prints (stdout is data
// only). The review still requires stdin, stdout and stderr to be terminals: the prompts read
// keys from stdin, the screens are drawn on stderr, and the editor takes over the terminal
// through the inherited stdin/stdout.
import path from 'node:path';
import { parseStatusList } from '../../core/decisions/records.js';
import type { EngineChoice } from '../../core/engine.js';
import type { MemoryFlag } from '../../app/open-memory.js';
import { reviewDrafts } from '../../app/review-drafts.js';
import { reviewerName } from '../../app/reviewer.js';
import { shellWord } from '../../core/text/shell-word.js';
import { InterruptedError, UsageError } from '../../core/errors.js';
import { parseRowSelection } from '../../core/recipients/row-selection.js';
import { createAsk } from '../../ui/ask.js';
import { createUi } from '../../ui/terminal.js';
import type { CliIo } from '../streams.js';
import { splitHostList } from '../../core/host-address.js';
import { createEngineFromFlags } from '../engine-choice.js';
import { withInterrupt } from '../interrupt.js';

export interface ReviewFlags {
  engine?: EngineChoice;
  threads?: number;
  yes?: boolean;
  all?: boolean;
  status?: string;
  rows?: string;
  profile?: string;
  model?: string;
  host?: string;
  allowRemote?: boolean;
  timeout: number;
  /** Who decides (default: the OS user). */
  reviewer?: string;
  /** --memory FILE / --no-memory. */
  memory?: MemoryFlag;
}

export async function runReviewCommand(file: string | undefined, given: ReviewFlags, io: CliIo): Promise<void> {
  // A regeneration uses one host: the first of several.
  const flags = { ...given, host: splitHostList(given.host)[0] };
  if (!io.stdin.isTTY || !io.stdout.isTTY || !io.stderr.isTTY) {
    throw new UsageError('`review` is interactive and needs a terminal (stdin, stdout and stderr).', {
      hint: 'in scripts, use `draftsmith approve --rows 3,5-9` or `draftsmith approve --clean`, then `draftsmith export`.',
    });
  }
  const statuses = flags.status ? parseStatusList(flags.status) : undefined;
  const rows = flags.rows ? parseRowSelection(flags.rows) : undefined;
  const ui = createUi({ env: io.env, stdout: io.stdout, stderr: io.stderr, quiet: false });
  const resume = resumeCommand(file, flags);
  const { result, draftsPath } = await reviewDrafts(
    { file, cwd: io.cwd, env: io.env, profile: flags.profile, filter: { all: flags.all, statuses, rows }, engine: { engine: flags.engine, model: flags.model, host: flags.host },
      reviewer: reviewerName(flags.reviewer, io.env), memory: flags.memory },
    {
      terminal: {
        ask: createAsk({ input: io.stdin, output: io.stderr }),
        show: (text) => io.stderr.write(text),
        clear: () => io.stderr.write('\u001b[H\u001b[2J'),
        width: Math.min(ui.width, 120),
        chalk: ui.chalk,
      },
      warn: (w) => ui.warn(w),
      notice: (m) => io.stderr.write(m),
      createEngine: (choice, profile) => createEngineFromFlags({ ...flags, ...choice }, profile, io),
      interruptible: withInterrupt,
    },
  );

  const c = result.counts;
  const tally = `approved ${c.approved} · skipped ${c.skipped} · left ${c.left}`;
  const rel = path.relative(io.cwd, draftsPath) || draftsPath;
  switch (result.end) {
    case 'empty':
      io.stderr.write(`draftsmith: nothing to review in ${rel} (${tally}).\n  hint: revisit decided drafts with --all.\n`);
      return;
    case 'finished':
      io.stderr.write(`draftsmith: review finished: ${tally}.\n  next: draftsmith export ${shellWord(rel)} --format csv --out approved.csv\n`);
      return;
    case 'quit':
      io.stderr.write(`draftsmith: saved (${tally}).\n  resume with: ${resume}\n`);
      return;
    case 'interrupted':
      throw new InterruptedError(`interrupted: every decision is saved (${tally}).`, { hint: `resume with: ${resume}` });
  }
}

function resumeCommand(file: string | undefined, flags: ReviewFlags): string {
  const parts = ['draftsmith review'];
  if (file) parts.push(shellWord(file));
  if (flags.profile) parts.push('--profile', shellWord(flags.profile));
  if (flags.status) parts.push('--status', shellWord(flags.status));
  if (flags.rows) parts.push('--rows', shellWord(flags.rows));
  if (flags.engine) parts.push('--engine', flags.engine);
  if (flags.model) parts.push('--model', shellWord(flags.model));
  if (flags.host) parts.push('--host', shellWord(flags.host));
  if (flags.allowRemote) parts.push('--allow-remote');
  if (flags.reviewer) parts.push('--reviewer', shellWord(flags.reviewer));
  if (typeof flags.memory === 'string') parts.push('--memory', shellWord(flags.memory));
  if (flags.memory === false) parts.push('--no-memory');
  return parts.join(' ');
}
