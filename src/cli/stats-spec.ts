// `stats`'s entry in the command table: its own file so the table stays small. Data only; the
// command module loads when it runs.
import type { CommandSpec } from './command-spec.js';
import { MEMORY_FILE_OPTION } from './memory-commands.js';

export const stats: CommandSpec = {
  name: 'stats',
  summary: 'is drafting learning? per campaign: approved as drafted or edited, skipped, median edit share, lint findings per draft',
  options: [
    { flags: '-p, --profile <file>', description: 'only campaigns drafted with this tone profile' },
    { flags: '-f, --format <format>', description: 'text (a table and a chart), or json for scripts', choices: ['text', 'json'], default: 'text' },
    MEMORY_FILE_OPTION,
  ],
  help: `
Examples:
  $ draftsmith stats
  $ draftsmith stats --profile profile.yaml
  $ draftsmith stats --format json | jq '.campaigns[] | {file, medianEditShare}'

Campaigns are the drafts files the memory knows, oldest first. The edit share is the share of words
a reviewer changed in the drafts they edited before approving (the median per campaign): when the
drafts learn the reviewer's voice, it falls. Lint findings are counted on the model's own text, with
the campaign's tone profile as it is now.`,
  run: async (io, _args, opts) => (await import('./commands/stats.js')).runStatsCommand(opts as never, io),
};
