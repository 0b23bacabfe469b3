// The command a person types to pick up where a run stopped. It repeats every flag that selects
// rows, changes a draft's fingerprint, or changes how the input is read: leaving one out would
// redraft finished rows (--seed, --temperature), draft others (--limit, --rows) or fail (--encoding),
// and the memory the run used (--memory FILE, --no-memory): another one would put other history
// into the prompts, or record what the run was told not to.
import { shellWord } from '../core/text/shell-word.js';

type FlagValue = string | number | boolean | undefined;

/** [option property, flag, the flag for a value of false (a `--no-X` option)]. */
export type ResumeFlag = readonly [string, string] | readonly [string, string, string];

/** What `draft`'s resume command repeats. */
export const DRAFT_RESUME_FLAGS: readonly ResumeFlag[] = [
  ['drafts', '--drafts'],
  ['engine', '--engine'],
  ['model', '--model'],
  ['host', '--host'],
  ['allowRemote', '--allow-remote'],
  ['threads', '--threads'],
  ['rows', '--rows'],
  ['limit', '--limit'],
  ['seed', '--seed'],
  ['temperature', '--temperature'],
  ['variants', '--variants'],
  ['encoding', '--encoding'],
  ['skipLines', '--skip-lines'],
  ['redraftDecided', '--redraft-decided'],
  ['redraftStale', '--redraft-stale'],
  // commander: `--no-model-analysis` is modelAnalysis false (true, its default, says nothing).
  ['modelAnalysis', '--model-analysis', '--no-model-analysis'],
  // commander: `--memory FILE` is the path, `--no-memory` is false.
  ['memory', '--memory', '--no-memory'],
];

/** `draftsmith <command> <args> --flag value ...` for the flags of `table` that are set. */
export function resumeCommand(command: string, args: readonly string[], flags: Record<string, FlagValue>, table: readonly ResumeFlag[]): string {
  const parts = [`draftsmith ${command}`, ...args.map(shellWord)];
  for (const [prop, flag, negated] of table) {
    const value = flags[prop];
    if (value === false && negated) parts.push(negated);
    // A `--no-X` option's true is its default: nothing to repeat.
    if (value === undefined || value === false || (value === true && negated)) continue;
    parts.push(value === true ? flag : `${flag} ${shellWord(String(value))}`);
  }
  return parts.join(' ');
}
