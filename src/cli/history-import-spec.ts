// `history import`'s entry in the command table (the `history` group in memory-commands.ts lists it):
// its own file so the table stays small. Data only; the command module loads when it runs.
import type { CommandSpec } from './command-spec.js';

/** --me ADDR, repeatable: commander hands back the list so far. */
const collect = (value: string, previous?: string[]): string[] => [...(previous ?? []), value];

export const historyImport: CommandSpec = {
  name: 'import',
  summary: 'import mail (mbox, .eml files or folders of them) or a history CSV into the memory',
  arguments: [{ name: '<files...>', description: 'mbox files (Thunderbird, Gmail Takeout, Apple Mail), .eml files, folders of .eml files, history CSVs (email,date,direction,subject,text)' }],
  options: [
    { flags: '--direction <direction>', description: 'sent (the Sent folder), received (the inbox), or auto: sent when From is one of my addresses', choices: ['sent', 'received', 'auto'], default: 'auto' },
    { flags: '--me <address>', description: 'one of my own addresses, for --direction auto (repeatable)', parse: collect },
    { flags: '-p, --profile <file>', description: "tone profile whose sender.email is one of my addresses" },
    { flags: '--memory <file>', description: 'the memory file (default: $DRAFTSMITH_MEMORY, else memory.db in the per-user data folder)' },
    { flags: '--no-memory', description: 'not for import (importing writes to the memory): a usage error' },
    { flags: '-q, --quiet', description: 'no progress bar' },
  ],
  help: `
Examples:
  $ draftsmith history import "Takeout/Mail/All mail Including Spam and Trash.mbox" --me me@example.com
  $ draftsmith history import ~/.thunderbird/*/Mail/"Local Folders"/Sent --direction sent
  $ draftsmith history import ~/mail/replies/ --profile profile.yaml      # a folder of .eml files
  $ draftsmith history import crm-history.csv                             # email,date,direction,subject,text

Replies are kept without their quoted text and signature; a reply asking to stop ("please remove
me", "bitte keine E-Mails mehr", ...) opts that person out, and a bounce marks the address
undeliverable: \`draft\` skips both. Importing the same file again adds nothing. Messages are
committed a thousand at a time: Ctrl-C keeps what was committed. Exit status: 0 (problems with
single messages are warnings in the summary), 2 for a file that is not mail, 1 otherwise.`,
  run: async (io, [files], opts) => (await import('./commands/history-import.js')).runHistoryImportCommand(files as unknown as string[], opts as never, io),
};

