// `draftsmith learn`'s entry in the command table (command-table.ts lists it after `approve`).
import type { CommandSpec } from './command-spec.js';
import { MEMORY_FILE_OPTION } from './memory-commands.js';

export const learn: CommandSpec = {
  name: 'learn',
  summary: "propose tone-profile changes from the reviewer's own edits (phrases deleted or added, greeting, sign-off, length)",
  options: [
    { flags: '-p, --profile <file>', description: 'the tone profile to learn for (default: the one profile the memory has edited approvals for)' },
    { flags: '-f, --format <format>', description: 'text, or json for scripts (a list of proposals: kind, key, value, evidence, confidence)', choices: ['text', 'json'], default: 'text' },
    { flags: '--apply', description: 'write the proposals into the profile (comments and layout kept, a backup first); asks yes/no for each on a terminal' },
    { flags: '-y, --yes', description: 'with --apply: accept every proposal shown, without asking (needed when not on a terminal)' },
    { flags: '--all', description: 'also show proposals backed by fewer than 3 edits or 2 recipients' },
    MEMORY_FILE_OPTION,
  ],
  help: `
Reads the edits reviewers made before approving (review's e, or approve --edit) from the memory,
compares the model's text with the approved one word by word (names masked), and proposes:
  banned_phrases    a phrase deleted again and again
  required_phrases  a phrase added again and again
  greeting          the same opening word(s) put in place of the model's
  sign_off          the same closing put in place of the model's
  length.max_words  drafts cut by a quarter or more: the most words the reviewer kept
  subjects          rewritten subjects, before and after (to read; nothing to apply)
Each shows its evidence (edits, recipients, two example diffs) and a confidence. Only proposals
backed by at least 3 edits to 2 or more recipients are shown, unless --all.

Examples:
  $ draftsmith learn
  $ draftsmith learn --profile profile.yaml
  $ draftsmith learn --format json | jq '.[] | {kind, value, confidence}'
  $ draftsmith learn --profile profile.yaml --apply
  $ draftsmith learn --profile profile.yaml --apply --yes

--apply keeps the profile's comments, order, layout and file mode, copies the previous version to
<profile>.<timestamp>.bak first (its path is printed), and writes nothing that \`draftsmith profile
check\` would reject. Exit 0 also when there is nothing to learn yet (it says how much is needed).`,
  run: async (io, _args, opts) => (await import('./commands/learn.js')).runLearnCommand(opts as never, io),
};
