// Commander wiring only: flags, help text, and a lazy import of the command that runs.
// Lazy imports keep `draftsmith --help` fast: nothing heavy (ollama, inquirer, ora) loads for it.
import { Command, CommanderError, Option } from 'commander';
import { UsageError } from '../core/errors.js';
import { createRequire } from 'node:module';
import type { CliIo } from './streams.js';
import { COMMANDS, type CommandSpec, type OptionSpec } from './command-table.js';

const version = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

export function buildProgram(io: CliIo): Command {
  const program = new Command('draftsmith');
  program
    .description('Draft personalized messages with a local LLM. A person reviews every draft before it goes anywhere.')
    .version(version, '-V, --version')
    .option('--debug', 'show stack traces for internal errors')
    .addHelpText(
      'after',
      `
Examples:
  $ draftsmith profile init my-profile.yaml
  $ draftsmith draft contacts.csv --profile my-profile.yaml
  $ cat contacts.csv | draftsmith draft - --profile p.yaml --out - > records.jsonl
  $ draftsmith status
  $ draftsmith export --format csv --out approved.csv

Exit codes: 0 success, 1 runtime failure (engine, failed rows), 2 usage or input error, 130 interrupted.`,
    );
  applyCommonSettings(program, io);
  for (const spec of COMMANDS) addCommand(program, spec, io);
  return program;
}

/** One entry of the command table as a commander command (and its subcommands), with the same settings. */
function addCommand(parent: Command, spec: CommandSpec, io: CliIo): void {
  const cmd = parent.command(spec.name).description(spec.summary);
  for (const a of spec.arguments ?? []) cmd.argument(a.name, a.description, a.default);
  for (const o of spec.options ?? []) cmd.addOption(toOption(o));
  if (spec.help) cmd.addHelpText('after', spec.help);
  const run = spec.run;
  if (run) {
    const count = spec.arguments?.length ?? 0;
    cmd.action(async (...received: unknown[]) => run(io, received.slice(0, count) as (string | undefined)[], received[count] as Record<string, unknown>));
  }
  for (const sub of spec.subcommands ?? []) addCommand(cmd, sub, io);
  applyCommonSettings(cmd, io);
}

function toOption(o: OptionSpec): Option {
  const option = new Option(o.flags, o.description);
  if (o.choices) option.choices(o.choices);
  if (o.parse) option.argParser(o.parse);
  if (o.default !== undefined) option.default(o.default);
  if (o.required) option.makeOptionMandatory();
  return option;
}

/**
 * Commander prints nothing of its own errors and never exits: each becomes a UsageError, which
 * main.ts prints as `draftsmith: error: ...` with a hint and exit code 2, like every other error.
 * Help and version are CommanderErrors with exit code 0, passed on as they are.
 */
function applyCommonSettings(cmd: Command, io: CliIo): void {
  const command = ['draftsmith', ...commandPath(cmd)].join(' ');
  cmd
    .exitOverride((err) => {
      throw err.exitCode === 0 || err.code === 'commander.help' ? err : usageError(err, command);
    })
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s), outputError: () => {} });
}

/** "error: unknown command 'drafts'\n(Did you mean draft?)" -> message, and a hint naming the help to read. */
function usageError(err: CommanderError, command: string): UsageError {
  const [first = '', ...rest] = err.message.split('\n');
  const suggestion = /^\(Did you mean (.+)\?\)$/.exec(rest.join(' ').trim())?.[1];
  return new UsageError(first.replace(/^error: /, ''), {
    cause: err,
    hint: suggestion ? `did you mean ${suggestion}? See \`${command} --help\`.` : `see \`${command} --help\`.`,
  });
}

function commandPath(cmd: Command): string[] {
  const names: string[] = [];
  for (let c: Command | null = cmd; c && c.parent; c = c.parent) names.unshift(c.name());
  return names;
}
