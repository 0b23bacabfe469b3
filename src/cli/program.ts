// Commander wiring only: flags, help text, and a lazy import of the command that runs.
// Lazy imports keep `draftsmith --help` fast: nothing heavy (ollama, inquirer, ora) loads for it.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { UsageError } from '../core/errors.js';
import { ENGINE_CHOICES, doctorEngineFlagHelp, engineFlagHelp } from '../engines/index.js';
import { createRequire } from 'node:module';
import type { CliIo } from './streams.js';

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

  const draft = withEngineOptions(
    program
      .command('draft')
      .description('draft one message per recipient with a local model and store them in a drafts file')
      .argument('<recipients>', 'recipients CSV file, or - to read it from stdin')
      .requiredOption('-p, --profile <file>', 'tone profile (YAML); create one with `draftsmith profile init`')
      .option('-m, --model <name>', "Ollama model name, or for llama-cpp a .gguf path, hf:owner/repo:quant or ollama:NAME (default: the profile's model.name, else llama3.2)"),
  )
    .option('-c, --concurrency <n>', 'drafts generated at once', positiveInt, 2)
    .option('-d, --drafts <file>', 'drafts file (default: <csv name>.drafts.jsonl beside the CSV)')
    .addOption(new Option('-f, --format <format>', 'format of --out').choices(['jsonl', 'csv', 'text']).default('jsonl'))
    .option('-o, --out <file>', 'also write one record per recipient, in CSV row order, to a file or - (stdout)')
    .option('--rows <list>', 'only these data rows, e.g. 3,5-9')
    .option('--limit <n>', 'at most n recipients', positiveInt)
    .option('--dry-run', 'print the exact messages that would be sent; no model, no network')
    .option('--force', 'redraft every selected row, decided ones included')
    .option('--redraft-decided', 'redraft approved, skipped or edited rows whose inputs changed (stale); kept otherwise')
    .option('--relink', 'the drafts file belongs to another CSV path or profile: the list or profile moved, follow it')
    .option('--seed <n>', 'sampling seed', integer)
    .option('--temperature <x>', 'sampling temperature', nonNegativeNumber)
    .option('--timeout <seconds>', 'give up on one request after this long', positiveInt, 600)
    .option('--retries <n>', 'extra attempts on connection errors and 5xx', nonNegativeInt, 3)
    .option('--give-up-after <seconds>', 'stop the run when the engine has answered nothing for this long (drafts are kept; re-run to resume)', positiveInt, 30)
    .option('--raw-cells', 'with --format csv: write cells as they are, without the formula guard (for CRM imports)')
    .option('--encoding <name>', 'CSV text encoding, e.g. windows-1252 (default: utf-8; a file that is not is detected, with a notice)')
    .option('--skip-lines <n>', 'skip n lines before the CSV header', nonNegativeInt)
    .option('-q, --quiet', 'print nothing but errors')
    .addHelpText(
      'after',
      `
Examples:
  $ draftsmith draft fixtures/recipients.csv --profile fixtures/profile.yaml
  $ draftsmith draft leads.csv -p profile.yaml --rows 1-20 --model qwen2.5:7b --concurrency 4
  $ draftsmith draft leads.csv -p profile.yaml --dry-run | less
  $ cat leads.csv | draftsmith draft - -p profile.yaml --out - --format csv > drafts.csv

Re-running the same command drafts only rows that are new, changed or failed. Rows a person
approved, skipped or edited are kept even when their inputs change (they are marked stale).`,
    )
    .action(async (recipients: string, opts: Record<string, unknown>) => {
      const { runDraftCommand } = await import('./commands/draft.js');
      await runDraftCommand(recipients, opts as never, io);
    });
  void draft;

  program
    .command('status')
    .description('count the drafts in a drafts file by status, lint the undecided ones, list failed rows')
    .argument('[drafts]', 'drafts file (default: the one *.drafts.jsonl in this folder)')
    .option('-p, --profile <file>', 'tone profile to lint against (default: the one the drafts were made with)')
    .addOption(new Option('-f, --format <format>', 'text, or json for scripts (counts by status, stale, orphaned)').choices(['text', 'json']).default('text'))
    .addHelpText('after', '\nExamples:\n  $ draftsmith status leads.drafts.jsonl\n  $ draftsmith status --format json | jq .counts')
    .action(async (file: string | undefined, opts: Record<string, unknown>) => {
      const { runStatusCommand } = await import('./commands/status.js');
      await runStatusCommand(file, opts as never, io);
    });

  program
    .command('lint')
    .description('check drafts (a drafts file, or JSONL records like `export` writes) against a tone profile; exit 1 on any error')
    .argument('<file>', 'a drafts file, or a JSONL file of records with row, recipient, subject, body; - for stdin')
    .option('-p, --profile <file>', 'tone profile the drafts should follow (default for a drafts file: the one it was made with)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'jsonl']).default('text'))
    .addHelpText(
      'after',
      `
Examples:
  $ draftsmith lint leads.drafts.jsonl
  $ draftsmith export --all | draftsmith lint - --profile profile.yaml --format jsonl

One finding per line on stdout (row, level, code, message). Exit 0 when no finding is an error, 1 otherwise.`,
    )
    .action(async (file: string, opts: Record<string, unknown>) => {
      const { runLintCommand } = await import('./commands/lint.js');
      await runLintCommand(file, opts as never, io);
    });

  program
    .command('export')
    .description('write approved drafts (the exact version approved) for the next tool: JSONL/CSV (stdout by default), .eml files or mbox')
    .argument('[drafts]', 'drafts file (default: the one *.drafts.jsonl in this folder)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['jsonl', 'csv', 'eml', 'mbox']).default('jsonl'))
    .option('-o, --out <path>', 'output file or - (stdout) for jsonl/csv; a folder for eml; a file for mbox')
    .option('--all', 'every record, whatever its status (the latest version of each)')
    .option('--status <list>', 'only these statuses, e.g. drafted or skipped,failed')
    .option('--include-orphans', 'also drafts whose recipient is no longer in the CSV')
    .option('-p, --profile <file>', "tone profile whose sender becomes the From: of eml/mbox messages")
    .option('--raw-cells', "csv: write cells as they are, without the ' formula guard (for CRM imports, not spreadsheets)")
    .addHelpText(
      'after',
      `
Examples:
  $ draftsmith export --format csv --out approved.csv
  $ draftsmith export --format eml --out outbox/ --profile profile.yaml
  $ draftsmith export leads.drafts.jsonl --all | jq .body
  $ draftsmith export --status skipped,failed --format csv --out later.csv

CSV cells starting with = + - @ are neutralised so spreadsheets do not run them as formulas;
--raw-cells turns that off for tools that import the file rather than open it.`,
    )
    .action(async (file: string | undefined, opts: Record<string, unknown>) => {
      const { runExportCommand } = await import('./commands/export.js');
      await runExportCommand(file, opts as never, io);
    });

  withEngineOptions(
    program
      .command('review')
      .description('go through the drafts in the terminal: approve, edit, regenerate or skip each one')
      .argument('[drafts]', 'drafts file (default: the one *.drafts.jsonl in this folder)')
      .option('-p, --profile <file>', 'tone profile to lint and regenerate with (default: the one the drafts were made with)')
      .option('--all', 'revisit drafts already decided')
      .option('--status <list>', 'only drafts with these statuses, e.g. failed or skipped,drafted')
      .option('--rows <list>', 'only these data rows, e.g. 3,5-9')
      .option('-m, --model <name>', 'model for regenerating (default: the one that wrote the draft)'),
  )
    .option('--timeout <seconds>', 'give up on one regeneration after this long', positiveInt, 600)
    .addHelpText(
      'after',
      `
Keys: a approve · e edit in $VISUAL/$EDITOR · r regenerate (optional feedback) · s skip · b back
      v view the row and the prompt sent · q save and quit. Each letter, then Enter.
Every decision is saved at once; run the same command again to continue where you left off.

Examples:
  $ draftsmith review leads.drafts.jsonl --profile profile.yaml
  $ draftsmith review --status failed --profile profile.yaml`,
    )
    .action(async (file: string | undefined, opts: Record<string, unknown>) => {
      const { runReviewCommand } = await import('./commands/review.js');
      await runReviewCommand(file, opts as never, io);
    });

  program
    .command('approve')
    .description('approve drafts without the interactive review (for scripts)')
    .argument('[drafts]', 'drafts file (default: the one *.drafts.jsonl in this folder)')
    .option('--rows <list>', 'approve these data rows, e.g. 3,5-9 (a draft with a lint error only with --force)')
    .option('--clean', 'approve every undecided draft the lint has no finding about, warnings included')
    .option('--allow <codes>', 'with --clean: lint codes to tolerate, e.g. long-draft,unknown-url')
    .option('--force', 'with --rows: approve drafts with lint errors too (each is named)')
    .option('-p, --profile <file>', 'tone profile the lint checks against (default: the one the drafts were made with)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ draftsmith approve --rows 1-20\n  $ draftsmith approve leads.drafts.jsonl --clean\n  $ draftsmith approve --clean --profile edited-profile.yaml',
    )
    .action(async (file: string | undefined, opts: Record<string, unknown>) => {
      const { runApproveCommand } = await import('./commands/approve.js');
      await runApproveCommand(file, opts as never, io);
    });

  program
    .command('doctor')
    .description('check what drafting needs on this machine and how to fix each gap')
    .option('-p, --profile <file>', 'also check this tone profile (and use its model settings)')
    .option('--host <url>', 'Ollama host (default: $OLLAMA_HOST, else http://127.0.0.1:11434)')
    .option('--allow-remote', 'contact a non-local Ollama host (not contacted otherwise)')
    .option('-m, --model <name>', "model to check: an Ollama name, a .gguf path, hf:owner/repo:quant or ollama:NAME (default: the profile's model.name, else llama3.2)")
    .addOption(new Option('-e, --engine <engine>', doctorEngineFlagHelp()).choices(ENGINE_CHOICES))
    .addHelpText(
      'after',
      `
Checks Node, Ollama and the model, node-llama-cpp and the GGUF model, the profile, $VISUAL/$EDITOR
and the terminal: one line each on stdout (ok, warn or fail, with the fix). Network checks give up
after 2 s; hf: models are looked up in the cache, never downloaded; a GGUF model is loaded once.
Exit status: 0 when a draft could run (an allowed engine works, and the profile, if given, is
valid), 1 otherwise.

Examples:
  $ draftsmith doctor
  $ draftsmith doctor --profile profile.yaml
  $ draftsmith doctor --engine llama-cpp --model ./models/llama-3.2-3b-q4_k_m.gguf`,
    )
    .action(async (opts: Record<string, unknown>) => {
      const { runDoctorCommand } = await import('./commands/doctor.js');
      await runDoctorCommand(opts as never, io);
    });

  program
    .command('models')
    .description("list Ollama's pulled models and the GGUF files in the model cache")
    .option('--host <url>', 'Ollama host (default: $OLLAMA_HOST, else http://127.0.0.1:11434)')
    .option('--allow-remote', 'contact a non-local Ollama host (not contacted otherwise)')
    .option('--json', 'print one JSON object (ollama: host, reachable, error, models; cache: dir, files)')
    .addHelpText(
      'after',
      `
When Ollama does not answer within 2 s, a note on stderr says so and only the cached GGUF files
are listed: the exit status is still 0 (2 for a bad --host). The cache is $DRAFTSMITH_CACHE, else
$XDG_CACHE_HOME/draftsmith/models, else ~/.cache/draftsmith/models.

Examples:
  $ draftsmith models
  $ draftsmith models --json | jq -r '.ollama.models[].name'`,
    )
    .action(async (opts: Record<string, unknown>) => {
      const { runModelsCommand } = await import('./commands/models.js');
      await runModelsCommand(opts as never, io);
    });

  const profile = program.command('profile').description('create or check a tone profile');
  profile
    .command('init')
    .description('write a commented starter profile')
    .argument('[file]', 'where to write it (- for stdout)', 'profile.yaml')
    .option('--force', 'overwrite an existing file')
    .addHelpText(
      'after',
      `
Examples:
  $ draftsmith profile init                      # writes profile.yaml here
  $ draftsmith profile init my-profile.yaml
  $ draftsmith profile init - > my-profile.yaml  # to stdout

Every key is explained in a comment; edit goal, sender and tone, then run \`draftsmith profile check\`.`,
    )
    .action(async (file: string, opts: { force?: boolean }) => {
      const { profileInit } = await import('./commands/profile.js');
      await profileInit({ file, cwd: io.cwd, force: opts.force, stdout: io.stdout, stderr: io.stderr });
    });
  profile
    .command('check')
    .description('validate a profile and print a summary')
    .argument('<file>', 'profile to check')
    .addHelpText(
      'after',
      `
Examples:
  $ draftsmith profile check my-profile.yaml
  $ draftsmith profile check my-profile.yaml && draftsmith draft leads.csv -p my-profile.yaml

Every problem is listed with file:line:column and its key; exit 0 when the profile is valid, 2 otherwise.`,
    )
    .action(async (file: string) => {
      const { profileCheck } = await import('./commands/profile.js');
      await profileCheck({ file, cwd: io.cwd, stdout: io.stdout, stderr: io.stderr });
    });

  for (const cmd of [program, ...program.commands, ...profile.commands]) applyCommonSettings(cmd, io);
  return program;
}

/** Where a command gets its model (draft, and review for regenerating): Ollama and the embedded engine. */
function withEngineOptions(cmd: Command): Command {
  return cmd
    .option('--host <url>', 'Ollama host (default: $OLLAMA_HOST, else http://127.0.0.1:11434)')
    .option('--allow-remote', 'allow a non-local Ollama host (recipient data leaves this machine)')
    .addOption(new Option('-e, --engine <engine>', engineFlagHelp()).choices(ENGINE_CHOICES))
    .option('--threads <n>', 'CPU threads for the embedded llama-cpp engine (default: all cores; 1 for models under 32 MB)', positiveInt)
    .option('-y, --yes', 'do not ask before downloading a model (needed for hf: models when not on a terminal)');
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

function integer(value: string): number {
  if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError('expected a whole number.');
  return Number.parseInt(value, 10);
}
function nonNegativeInt(value: string): number {
  const n = integer(value);
  if (n < 0) throw new InvalidArgumentError('expected 0 or more.');
  return n;
}
function positiveInt(value: string): number {
  const n = integer(value);
  if (n < 1) throw new InvalidArgumentError('expected 1 or more.');
  return n;
}
function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || value.trim() === '') throw new InvalidArgumentError('expected a number, 0 or more.');
  return n;
}
