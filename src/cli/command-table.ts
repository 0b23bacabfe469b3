// The command table, as data: each command's name, summary, arguments, options, help text and a
// lazy import of its module. program.ts turns it into commander commands with one loop; keeping the
// table apart means adding a command is one entry here, and `--help` loads no command module.
import type { ArgumentSpec, CommandSpec, OptionSpec } from './command-spec.js';
import { ENGINE_CHOICES, doctorEngineFlagHelp, engineFlagHelp } from '../engines/index.js';
import { hostList, integer, nonNegativeInt, nonNegativeNumber, positiveInt, variantCount } from './option-parsers.js';
import { MEMORY_FILE_OPTION, MEMORY_OPTIONS, history } from './memory-commands.js';
import { learn } from './learn-spec.js';
import { stats } from './stats-spec.js';

export type { ArgumentSpec, CommandSpec, OptionSpec } from './command-spec.js';

// ---- Engine options: the --engine choices and help come from the engine registry. ----

/** Where a command gets its model (draft, and review for regenerating): Ollama and the embedded engine. */
const HOST_OPTION: OptionSpec = { flags: '--host <url>', description: 'model host: Ollama (default: $OLLAMA_HOST, else http://127.0.0.1:11434) or an OpenAI-compatible base URL (default: http://127.0.0.1:8000/v1)', parse: hostList };
/** draft's --host: repeated (or a,b), a row goes to whichever host has a free slot. */
const HOSTS_OPTION: OptionSpec = {
  ...HOST_OPTION,
  description: "model host: Ollama's, or an OpenAI-compatible base URL; repeat it (or a,b) to spread the rows over several, each with --concurrency slots (default: the profile's model.hosts, else $OLLAMA_HOST or http://127.0.0.1:11434 for Ollama, http://127.0.0.1:8000/v1 for openai)",
};
const ENGINE_OPTIONS: readonly OptionSpec[] = [
  HOST_OPTION,
  { flags: '--allow-remote', description: 'allow a host that is not this machine (recipient data leaves it)' },
  { flags: '-e, --engine <engine>', description: engineFlagHelp(), choices: ENGINE_CHOICES },
  { flags: '--threads <n>', description: 'CPU threads for the embedded llama-cpp engine (default: all cores; 1 for models under 32 MB)', parse: positiveInt },
  { flags: '-y, --yes', description: 'do not ask before downloading a model (needed for hf: models when not on a terminal)' },
];

const DOCTOR_ENGINE_OPTION: OptionSpec = {
  flags: '-e, --engine <engine>',
  description: doctorEngineFlagHelp(),
  choices: ENGINE_CHOICES,
};

// ---- The commands, in the order `draftsmith --help` lists them. ----

const DRAFTS_ARGUMENT: ArgumentSpec = { name: '[drafts]', description: 'drafts file (default: the one *.drafts.jsonl in this folder)' };

const draft: CommandSpec = {
  name: 'draft',
  summary: 'draft one message per recipient with a local model and store them in a drafts file',
  arguments: [{ name: '<recipients>', description: 'recipients CSV file, or - to read it from stdin' }],
  options: [
    { flags: '-p, --profile <file>', description: 'tone profile (YAML); create one with `draftsmith profile init`', required: true },
    { flags: '-m, --model <name>', description: "Ollama model name, or for llama-cpp a .gguf path, hf:owner/repo:quant or ollama:NAME (default: the profile's model.name, else llama3.2)" },
    HOSTS_OPTION,
    ...ENGINE_OPTIONS.slice(1),
    { flags: '-c, --concurrency <n>', description: 'drafts generated at once', parse: positiveInt, default: 2 },
    { flags: '-d, --drafts <file>', description: 'drafts file (default: <csv name>.drafts.jsonl beside the CSV)' },
    { flags: '-f, --format <format>', description: 'format of --out', choices: ['jsonl', 'csv', 'text'], default: 'jsonl' },
    { flags: '-o, --out <file>', description: 'also write one record per recipient, in CSV row order, to a file or - (stdout)' },
    { flags: '--rows <list>', description: 'only these data rows, e.g. 3,5-9' },
    { flags: '--limit <n>', description: 'at most n recipients', parse: positiveInt },
    { flags: '--dry-run', description: 'print the exact messages that would be sent; no model, no network' },
    { flags: '--no-model-analysis', description: "no sentiment classification by the model: the profile's rules on sentiment do not fire (the summary says so)" },
    { flags: '--batch-out <file>', description: 'write the requests this run would send as a batch file (JSONL for `vllm run-batch` or the OpenAI Batch API) instead of sending them; needs --model' },
    { flags: '--batch-in <file>', description: "read a batch's results (JSONL, matched by custom_id) into the drafts file as if drafted live" },
    { flags: '--force', description: 'redraft every selected row, decided ones included' },
    { flags: '--redraft-decided', description: 'redraft approved, skipped or edited rows whose inputs changed (stale); kept otherwise' },
    { flags: '--redraft-stale', description: 'redraft undecided rows whose recipient replied after their draft (the memory); with --redraft-decided, decided ones too' },
    { flags: '--relink', description: 'the drafts file belongs to another CSV path or profile: the list or profile moved, follow it' },
    { flags: '--seed <n>', description: 'sampling seed', parse: integer },
    { flags: '--temperature <x>', description: 'sampling temperature', parse: nonNegativeNumber },
    { flags: '--variants <n>', description: "n drafts per recipient (1-9): the profile's first n `variants:`, else n plain ones (needs a temperature above 0); a reviewer approves one", parse: variantCount },
    { flags: '--timeout <seconds>', description: 'give up on one request after this long', parse: positiveInt, default: 600 },
    { flags: '--retries <n>', description: 'extra attempts on connection errors and 5xx', parse: nonNegativeInt, default: 3 },
    { flags: '--give-up-after <seconds>', description: 'stop the run when the engine has answered nothing for this long (drafts are kept; re-run to resume)', parse: positiveInt, default: 30 },
    { flags: '--host-retry-after <seconds>', description: 'with several hosts: how long a host that keeps failing is set aside before it is tried again', parse: nonNegativeNumber, default: 15 },
    { flags: '--raw-cells', description: 'with --format csv: write cells as they are, without the formula guard (for CRM imports)' },
    { flags: '--encoding <name>', description: 'CSV text encoding, e.g. windows-1252 (default: utf-8; a file that is not is detected, with a notice)' },
    { flags: '--skip-lines <n>', description: 'skip n lines before the CSV header', parse: nonNegativeInt },
    ...MEMORY_OPTIONS,
    { flags: '-q, --quiet', description: 'print nothing but errors' },
  ],
  help: `
Examples:
  $ draftsmith draft fixtures/recipients.csv --profile fixtures/profile.yaml
  $ draftsmith draft leads.csv -p profile.yaml --rows 1-20 --model qwen2.5:7b --concurrency 4
  $ draftsmith draft leads.csv -p profile.yaml --dry-run | less
  $ draftsmith draft leads.csv -p profile.yaml --memory team-memory.db
  $ cat leads.csv | draftsmith draft - -p profile.yaml --out - --format csv > drafts.csv
  $ draftsmith draft leads.csv -p profile.yaml --model Qwen/Qwen2.5-7B-Instruct --batch-out requests.jsonl
  $ draftsmith draft leads.csv -p profile.yaml --model Qwen/Qwen2.5-7B-Instruct --batch-in results.jsonl
  $ draftsmith draft leads.csv -p profile.yaml --redraft-stale
  $ draftsmith draft leads.csv -p profile.yaml --no-model-analysis
  $ draftsmith draft leads.csv -p profile.yaml --variants 3 --temperature 0.9

Re-running the same command drafts only rows that are new, changed or failed. Rows a person
approved, skipped or edited are kept even when their inputs change (they are marked stale).`,
  run: async (io, [recipients], opts) => (await import('./commands/draft.js')).runDraftCommand(recipients!, opts as never, io),
};

const status: CommandSpec = {
  name: 'status',
  summary: 'count the drafts in a drafts file by status, lint the undecided ones, list failed rows',
  arguments: [DRAFTS_ARGUMENT],
  options: [
    { flags: '-p, --profile <file>', description: 'tone profile to lint against (default: the one the drafts were made with)' },
    { flags: '-f, --format <format>', description: 'text, or json for scripts (counts by status, stale, orphaned)', choices: ['text', 'json'], default: 'text' },
    ...MEMORY_OPTIONS,
  ],
  help: '\nExamples:\n  $ draftsmith status leads.drafts.jsonl\n  $ draftsmith status --format json | jq .counts',
  run: async (io, [file], opts) => (await import('./commands/status.js')).runStatusCommand(file, opts as never, io),
};

const lint: CommandSpec = {
  name: 'lint',
  summary: 'check drafts (a drafts file, or JSONL records like `export` writes) against a tone profile; exit 1 on any error',
  arguments: [{ name: '<file>', description: 'a drafts file, or a JSONL file of records with row, recipient, subject, body; - for stdin' }],
  options: [
    { flags: '-p, --profile <file>', description: 'tone profile the drafts should follow (default for a drafts file: the one it was made with)' },
    { flags: '-f, --format <format>', description: 'output format', choices: ['text', 'jsonl'], default: 'text' },
    ...MEMORY_OPTIONS,
  ],
  help: `
Examples:
  $ draftsmith lint leads.drafts.jsonl
  $ draftsmith export --all | draftsmith lint - --profile profile.yaml --format jsonl

One finding per line on stdout (row, level, code, message). Exit 0 when no finding is an error, 1 otherwise.`,
  run: async (io, [file], opts) => (await import('./commands/lint.js')).runLintCommand(file!, opts as never, io),
};

const exportCommand: CommandSpec = {
  name: 'export',
  summary: 'write approved drafts (the exact version approved) for the next tool: JSONL/CSV (stdout by default), .eml files or mbox',
  arguments: [DRAFTS_ARGUMENT],
  options: [
    { flags: '-f, --format <format>', description: 'output format', choices: ['jsonl', 'csv', 'eml', 'mbox'], default: 'jsonl' },
    { flags: '-o, --out <path>', description: 'output file or - (stdout) for jsonl/csv; a folder for eml; a file for mbox' },
    { flags: '--all', description: 'every record, whatever its status (the latest version of each)' },
    { flags: '--status <list>', description: 'only these statuses, e.g. drafted or skipped,failed' },
    { flags: '--include-orphans', description: 'also drafts whose recipient is no longer in the CSV' },
    { flags: '-p, --profile <file>', description: 'tone profile whose sender becomes the From: of eml/mbox messages' },
    { flags: '--raw-cells', description: "csv: write cells as they are, without the ' formula guard (for CRM imports, not spreadsheets)" },
    { flags: '--provenance', description: 'eml/mbox: add X-Draftsmith-* headers (engine, model, reviewer...); JSONL and CSV always carry them' },
    ...MEMORY_OPTIONS,
  ],
  help: `
Examples:
  $ draftsmith export --format csv --out approved.csv
  $ draftsmith export --format eml --out outbox/ --profile profile.yaml
  $ draftsmith export leads.drafts.jsonl --all | jq .body
  $ draftsmith export --status skipped,failed --format csv --out later.csv
  $ draftsmith export --format mbox --out review-copy.mbox --provenance

Each record carries its provenance (engine, model, seed, reviewer, decided_at...; eml/mbox only with
--provenance). Recipients on the memory's do-not-contact list are left out and named on stderr (exit 0).

CSV cells starting with = + - @ are neutralised so spreadsheets do not run them as formulas;
--raw-cells turns that off for tools that import the file rather than open it.`,
  run: async (io, [file], opts) => (await import('./commands/export.js')).runExportCommand(file, opts as never, io),
};

const review: CommandSpec = {
  name: 'review',
  summary: 'go through the drafts in the terminal: approve, edit, regenerate or skip each one',
  arguments: [DRAFTS_ARGUMENT],
  options: [
    { flags: '-p, --profile <file>', description: 'tone profile to lint and regenerate with (default: the one the drafts were made with)' },
    { flags: '--all', description: 'revisit drafts already decided' },
    { flags: '--status <list>', description: 'only drafts with these statuses, e.g. failed or skipped,drafted' },
    { flags: '--rows <list>', description: 'only these data rows, e.g. 3,5-9' },
    { flags: '-m, --model <name>', description: 'model for regenerating (default: the one that wrote the draft)' },
    ...ENGINE_OPTIONS,
    { flags: '--timeout <seconds>', description: 'give up on one regeneration after this long', parse: positiveInt, default: 600 },
    { flags: '--reviewer <name>', description: 'who decides, recorded with each decision (default: the OS user)' },
    ...MEMORY_OPTIONS,
  ],
  help: `
Keys: a approve · e edit in $VISUAL/$EDITOR · r regenerate (optional feedback) · s skip · b back
      v view the row and the prompt sent · q save and quit. Each letter, then Enter.
Every decision is saved at once; run the same command again to continue where you left off.

Examples:
  $ draftsmith review leads.drafts.jsonl --profile profile.yaml
  $ draftsmith review --status failed --profile profile.yaml
  $ draftsmith review --reviewer sam`,
  run: async (io, [file], opts) => (await import('./commands/review.js')).runReviewCommand(file, opts as never, io),
};

const approve: CommandSpec = {
  name: 'approve',
  summary: 'approve drafts without the interactive review (for scripts)',
  arguments: [DRAFTS_ARGUMENT],
  options: [
    { flags: '--rows <list>', description: 'approve these data rows, e.g. 3,5-9 (a draft with a lint error only with --force)' },
    { flags: '--clean', description: 'approve every undecided draft the lint has no finding about, warnings included' },
    { flags: '--allow <codes>', description: 'with --clean: lint codes to tolerate, e.g. long-draft,unknown-url' },
    { flags: '--force', description: 'with --rows: approve drafts with lint errors too (each is named)' },
    { flags: '--edit <file>', description: "with --rows N: approve row N with this text as an edited version (review's e then a); - for stdin" },
    { flags: '--variant <n>', description: 'with --rows: of drafts made in variants, approve variant n (1-based; review shows them)', parse: variantCount },
    { flags: '-p, --profile <file>', description: 'tone profile the lint checks against (default: the one the drafts were made with)' },
    { flags: '--reviewer <name>', description: 'who decides, recorded with each decision (default: the OS user)' },
    ...MEMORY_OPTIONS,
  ],
  help: `
Examples:
  $ draftsmith approve --rows 1-20
  $ draftsmith approve leads.drafts.jsonl --clean
  $ draftsmith approve --clean --profile edited-profile.yaml
  $ draftsmith approve --rows 3 --reviewer sam
  $ draftsmith approve --rows 3 --edit row3.txt
  $ draftsmith approve --rows 3 --variant 2
  $ printf 'Subject: Hello\\n\\nHi Ana, ...\\n' | draftsmith approve --rows 3 --edit -

An --edit file holds \`Subject: ...\`, a blank line, then the body (email; other channels: the body
only); it is linted like --rows. A recipient on the do-not-contact list is never approved, whatever
--force says. A draft made in variants is approved only with --variant N: approve never picks one.`,
  run: async (io, [file], opts) => (await import('./commands/approve.js')).runApproveCommand(file, opts as never, io),
};

const doctor: CommandSpec = {
  name: 'doctor',
  summary: 'check what drafting needs on this machine and how to fix each gap',
  options: [
    { flags: '-p, --profile <file>', description: 'also check this tone profile (and use its model settings)' },
    HOST_OPTION,
    { flags: '--allow-remote', description: 'contact a host that is not this machine (not contacted otherwise)' },
    { flags: '-m, --model <name>', description: "model to check: an Ollama name, a .gguf path, hf:owner/repo:quant or ollama:NAME (default: the profile's model.name, else llama3.2)" },
    DOCTOR_ENGINE_OPTION,
    MEMORY_FILE_OPTION,
  ],
  help: `
Checks Node, Ollama and the model, node-llama-cpp and the GGUF model, the profile, the memory
(the database module, path, schema, file mode), $VISUAL/$EDITOR and the terminal: one line each on
stdout (ok, warn or fail, with the fix). Network checks give up
after 2 s; hf: models are looked up in the cache, never downloaded; a GGUF model is loaded once.
Exit status: 0 when a draft could run (an allowed engine works, and the profile, if given, is
valid), 1 otherwise.

Examples:
  $ draftsmith doctor
  $ draftsmith doctor --profile profile.yaml
  $ draftsmith doctor --engine llama-cpp --model ./models/llama-3.2-3b-q4_k_m.gguf`,
  run: async (io, _args, opts) => (await import('./commands/doctor.js')).runDoctorCommand(opts as never, io),
};

const models: CommandSpec = {
  name: 'models',
  summary: "list Ollama's pulled models and the GGUF files in the model cache",
  options: [
    HOST_OPTION,
    { flags: '--allow-remote', description: 'contact a host that is not this machine (not contacted otherwise)' },
    { flags: '--json', description: 'print one JSON object (ollama: host, reachable, error, models; cache: dir, files)' },
  ],
  help: `
When Ollama does not answer within 2 s, a note on stderr says so and only the cached GGUF files
are listed: the exit status is still 0 (2 for a bad --host). The cache is $DRAFTSMITH_CACHE, else
$XDG_CACHE_HOME/draftsmith/models, else ~/.cache/draftsmith/models.

Examples:
  $ draftsmith models
  $ draftsmith models --json | jq -r '.ollama.models[].name'`,
  run: async (io, _args, opts) => (await import('./commands/models.js')).runModelsCommand(opts as never, io),
};

const profile: CommandSpec = {
  name: 'profile',
  summary: 'create or check a tone profile',
  subcommands: [
    {
      name: 'init',
      summary: 'write a commented starter profile',
      arguments: [{ name: '[file]', description: 'where to write it (- for stdout)', default: 'profile.yaml' }],
      options: [{ flags: '--force', description: 'overwrite an existing file' }],
      help: `
Examples:
  $ draftsmith profile init                      # writes profile.yaml here
  $ draftsmith profile init my-profile.yaml
  $ draftsmith profile init - > my-profile.yaml  # to stdout

Every key is explained in a comment; edit goal, sender and tone, then run \`draftsmith profile check\`.`,
      run: async (io, [file], opts) =>
        (await import('./commands/profile.js')).profileInit({ file: file!, cwd: io.cwd, force: opts.force as boolean | undefined, stdout: io.stdout, stderr: io.stderr }),
    },
    {
      name: 'check',
      summary: 'validate a profile and print a summary',
      arguments: [{ name: '<file>', description: 'profile to check' }],
      help: `
Examples:
  $ draftsmith profile check my-profile.yaml
  $ draftsmith profile check my-profile.yaml && draftsmith draft leads.csv -p my-profile.yaml

Every problem is listed with file:line:column and its key; exit 0 when the profile is valid, 2 otherwise.`,
      run: async (io, [file]) => (await import('./commands/profile.js')).profileCheck({ file: file!, cwd: io.cwd, stdout: io.stdout, stderr: io.stderr }),
    },
  ],
};

export const COMMANDS: readonly CommandSpec[] = [draft, status, lint, exportCommand, review, approve, learn, stats, history, doctor, models, profile];
