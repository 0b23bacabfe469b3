// The memory's part of the command table: the --memory/--no-memory flags the commands that read
// or write it share, and the `history` group (show, forget, purge, stats, optout, optin; import
// is part B's entry in the same list).
import type { CommandSpec, OptionSpec } from './command-spec.js';

const DEFAULT_MEMORY = '$DRAFTSMITH_MEMORY, else $XDG_DATA_HOME/draftsmith/memory.db, i.e. ~/.local/share/draftsmith/memory.db; the data folder on macOS and Windows: see `draftsmith history --help`';

/** `--memory FILE`: commander gives it as a string. */
export const MEMORY_FILE_OPTION: OptionSpec = { flags: '--memory <file>', description: `the memory database (default: ${DEFAULT_MEMORY})` };

/** `--no-memory`: commander gives `memory: false`. */
export const NO_MEMORY_OPTION: OptionSpec = {
  flags: '--no-memory',
  description: 'no history in prompts and nothing recorded (the do-not-contact list is still honoured)',
};

/** On every command that reads or writes the memory (draft, review, approve, export, status). */
export const MEMORY_OPTIONS: readonly OptionSpec[] = [MEMORY_FILE_OPTION, NO_MEMORY_OPTION];

const ADDRESSES = 'e-mail addresses, or recipient keys as drafts files write them (id:..., url:...)';
const historyCommand = () => import('./commands/history.js');

export const history: CommandSpec = {
  name: 'history',
  summary: 'what the memory holds about each recipient: show, forget, purge, stats, and the do-not-contact list',
  help: `
The memory keeps, on this machine only, every approved message, the mail you import (sent and
received) and who asked not to be contacted. Where: --memory FILE, else $DRAFTSMITH_MEMORY, else
~/.local/share/draftsmith/memory.db ($XDG_DATA_HOME/draftsmith on Linux, ~/Library/Application
Support/draftsmith on macOS, %LOCALAPPDATA%\\draftsmith\\Data on Windows).

Examples:
  $ draftsmith history show ana@example.org
  $ draftsmith history forget ana@example.org bo@example.org
  $ draftsmith history forget --csv unsubscribed.csv
  $ draftsmith history purge --older-than 365d
  $ draftsmith history optout ana@example.org`,
  subcommands: [
    {
      name: 'show',
      summary: 'print everything the memory holds about a person',
      arguments: [{ name: '<address>', description: 'e-mail address (or recipient key)' }],
      options: [{ flags: '--json', description: 'one JSON object (people, messages, do-not-contact)' }, MEMORY_FILE_OPTION],
      help: '\nExamples:\n  $ draftsmith history show ana@example.org\n  $ draftsmith history show ana@example.org --json | jq .messages',
      run: async (io, [address], opts) => (await historyCommand()).runHistoryShow(address!, opts as never, io),
    },
    {
      name: 'forget',
      summary: 'erase people from the memory (an opt-out stays, as a salted hash)',
      arguments: [{ name: '[addresses...]', description: ADDRESSES }],
      options: [{ flags: '--csv <file>', description: "also everyone in this CSV's e-mail column" }, MEMORY_FILE_OPTION],
      help: `
Deletes the person and every message, then rebuilds the file, so the address is nowhere in it
(nor in its -wal and -shm files). Someone who had opted out stays on the do-not-contact list as a
salted hash: forgetting never makes a person contactable again. Drafts files and exports that still
hold the address are listed: delete or edit them too.

Examples:
  $ draftsmith history forget ana@example.org
  $ draftsmith history forget --csv erase-requests.csv`,
      run: async (io, [addresses], opts) => (await historyCommand()).runHistoryForget((addresses ?? []) as unknown as string[], opts as never, io),
    },
    {
      name: 'purge',
      summary: 'delete messages older than an age',
      options: [{ flags: '--older-than <age>', description: 'e.g. 365d, 52w, 12m, 1y', required: true }, MEMORY_FILE_OPTION],
      help: '\nThe do-not-contact list is kept.\n\nExamples:\n  $ draftsmith history purge --older-than 365d\n  $ draftsmith history purge --older-than 2y',
      run: async (io, _args, opts) => (await historyCommand()).runHistoryPurge(opts as never, io),
    },
    {
      name: 'stats',
      summary: 'count what the memory holds',
      options: [{ flags: '--json', description: 'one JSON object' }, MEMORY_FILE_OPTION],
      help: '\nExamples:\n  $ draftsmith history stats\n  $ draftsmith history stats --json | jq .people',
      run: async (io, _args, opts) => (await historyCommand()).runHistoryStats(opts as never, io),
    },
    {
      name: 'optout',
      summary: 'put people on the do-not-contact list: never drafted again without `history optin`',
      arguments: [{ name: '<addresses...>', description: ADDRESSES }],
      options: [MEMORY_FILE_OPTION],
      help: '\nExamples:\n  $ draftsmith history optout ana@example.org\n  $ draftsmith history optout id:4711',
      run: async (io, [addresses], opts) => (await historyCommand()).runHistoryOptout((addresses ?? []) as unknown as string[], opts as never, io),
    },
    {
      name: 'optin',
      summary: 'take people off the do-not-contact list (opted out or undeliverable)',
      arguments: [{ name: '<addresses...>', description: ADDRESSES }],
      options: [MEMORY_FILE_OPTION],
      help: '\nExamples:\n  $ draftsmith history optin ana@example.org',
      run: async (io, [addresses], opts) => (await historyCommand()).runHistoryOptin((addresses ?? []) as unknown as string[], opts as never, io),
    },
  ],
};
