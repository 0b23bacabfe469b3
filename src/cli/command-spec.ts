// The shape of the command table's entries (command-table.ts, memory-commands.ts): data that
// program.ts turns into commander commands.
import type { CliIo } from './streams.js';

export interface ArgumentSpec {
  /** As commander writes it: `<file>` required, `[file]` optional. */
  name: string;
  description: string;
  default?: string;
}

export interface OptionSpec {
  flags: string;
  description: string;
  parse?: (value: string) => unknown;
  default?: unknown;
  choices?: readonly string[];
  required?: boolean;
}

export interface CommandSpec {
  name: string;
  summary: string;
  arguments?: readonly ArgumentSpec[];
  options?: readonly OptionSpec[];
  /** Shown after the options: examples and notes. */
  help?: string;
  /** Imports the command module (only when the command runs) and calls it with the parsed values. */
  run?: (io: CliIo, args: readonly (string | undefined)[], opts: Record<string, unknown>) => Promise<void>;
  subcommands?: readonly CommandSpec[];
}
