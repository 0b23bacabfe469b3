// `draftsmith learn`: parse flags, call app/learn.ts, print with ui/learn-report.ts. The report is
// the data asked for (stdout); what --apply wrote, and the backup's path, go to stderr. On a
// terminal --apply asks yes/no for each proposal; elsewhere it needs --yes (every proposal shown).
import { applyProposals, learnFromMemory } from '../../app/learn.js';
import type { MemoryFlag } from '../../app/open-memory.js';
import { InterruptedError, UsageError } from '../../core/errors.js';
import { applicable, type Proposal } from '../../core/learning/proposals.js';
import { createAsk, isPromptCancel, type Ask } from '../../ui/ask.js';
import { renderNoMemory } from '../../ui/history-report.js';
import { renderApplied, renderChange, renderLearnReport, renderProposal } from '../../ui/learn-report.js';
import type { CliIo } from '../streams.js';

export interface LearnFlags {
  profile?: string;
  format?: 'text' | 'json';
  apply?: boolean;
  yes?: boolean;
  all?: boolean;
  memory?: MemoryFlag;
}

/** `ask`: how yes/no is asked on a terminal (default: Inquirer on stdin/stderr); tests script it. */
export async function runLearnCommand(flags: LearnFlags, io: CliIo, ask?: Ask): Promise<void> {
  const terminal = Boolean(io.stdin.isTTY && io.stderr.isTTY);
  if (flags.yes && !flags.apply) throw new UsageError('--yes goes with --apply.', { hint: 'e.g. `draftsmith learn --apply --yes`.' });
  if (flags.apply && !flags.yes && !terminal) {
    throw new UsageError('learn --apply asks about each proposal on a terminal; here there is none to ask on.', {
      hint: 'add --yes to accept every proposal shown (look at them first with `draftsmith learn`).',
    });
  }
  const learned = await learnFromMemory({ profile: flags.profile, memory: flags.memory, all: flags.all, env: io.env, cwd: io.cwd, notice: (m) => io.stderr.write(m) });
  const summary = learned.summary;
  if (!summary) {
    io.stderr.write(renderNoMemory(learned.memory));
    if (flags.format === 'json') io.stdout.write('[]\n');
    return;
  }
  if (flags.format === 'json') io.stdout.write(`${JSON.stringify(summary.shown, null, 2)}\n`);
  else io.stdout.write(renderLearnReport(summary, { applying: Boolean(flags.apply) }));
  if (!flags.apply || !learned.profileFile) return;
  const offered = summary.shown.filter(applicable);
  if (offered.length === 0) return;
  const accepted = flags.yes ? offered : await askEach(offered, io, ask ?? createAsk({ input: io.stdin, output: io.stderr }), flags.format === 'json');
  const result = await applyProposals(learned.profileFile, accepted);
  io.stderr.write(renderApplied(summary.profile, result.written, result.backup));
}

/** Yes or no for each proposal; with --format json the report went to stdout as JSON, so each is shown first. */
async function askEach(offered: Proposal[], io: CliIo, ask: Ask, show: boolean): Promise<Proposal[]> {
  const accepted: Proposal[] = [];
  try {
    for (const [i, p] of offered.entries()) {
      if (show) io.stderr.write(`${renderProposal(p, i + 1)}\n`);
      if (await ask.confirm(`Write ${renderChange(p)} into the profile?`, true)) accepted.push(p);
    }
  } catch (err) {
    if (isPromptCancel(err)) throw new InterruptedError('interrupted: the profile was not changed.');
    throw err;
  }
  return accepted;
}
