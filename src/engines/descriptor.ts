// What an engine tells the registry about itself (src/engines/index.ts): its name and help text,
// and, loaded only when a command needs it, how `auto` probes it, how it is created, its `doctor`
// checks and its `models` listing. The descriptor itself is a few strings and dynamic imports, so
// reading the registry (help, the choice lists) loads no engine.
import type { CheckLevel, CheckResult } from '../core/doctor-checks.js';
import type { Engine, EngineChoice, EngineName } from '../core/engine.js';
import type { ToneProfile } from '../core/profile.js';
import type { LookupAll } from '../io/resolve-host.js';

/** The flags every command that drafts (draft, review) shares. */
export interface EngineFlags {
  model?: string;
  host?: string;
  allowRemote?: boolean;
  /** auto (default) or an engine name; the profile's model.engine applies when absent. */
  engine?: EngineChoice;
  /** CPU threads for the embedded engine. */
  threads?: number;
  /** Download models without asking. */
  yes?: boolean;
  /** Per-request timeout in seconds. */
  timeout: number;
  /** Drafts generated at once: the embedded engine creates as many context sequences (if they fit). */
  concurrency?: number;
  /** The variable holding this host's API key (a profile host's api_key_env); default DRAFTSMITH_API_KEY. */
  apiKeyEnv?: string;
  /** --quiet: no note saying which engine `auto` fell back to. */
  quiet?: boolean;
}

export interface DownloadProgress {
  downloadedBytes: number;
  totalBytes: number;
}

/**
 * What an engine may need from the person at the terminal while it gets ready (a download's
 * consent, its progress, Ctrl-C). Engines import no ui: the app layer wires these to ui/.
 */
export interface EngineHooks {
  /** stdin and stderr are a terminal: a question can be asked. */
  interactive: boolean;
  confirm(message: string): Promise<boolean>;
  progress(label: string): { update(p: DownloadProgress): void; done(): void };
  /** A one-line note on stderr ("draftsmith: note: ..."), e.g. that a server refused the draft schema. */
  note(message: string): void;
  /** Calls `stop` on Ctrl-C until the returned function is called. */
  onInterrupt(stop: () => void): () => void;
}

/** Where an engine is being created: the flags, the profile, the process environment and the hooks. */
export interface EngineContext {
  flags: EngineFlags;
  profile: ToneProfile;
  /** flags.model, else the profile's model.name. */
  configured: string | undefined;
  env: NodeJS.ProcessEnv;
  cwd: string;
  lookup?: LookupAll;
  hooks: EngineHooks;
}

/** What `auto` learns from probing one engine: ready (and how to create it), or why not and what would fix it. */
export type Probe =
  | { ready: true; create(): Promise<Engine>; /** Said (unless --quiet) when an engine before this one was not ready. */ note: string }
  | { ready: false; /** e.g. "Ollama is not answering at URL". */ why: string; /** Each a way to get this engine going. */ ways: string[] };

/** The part of an engine the engine choice uses; loaded on demand. */
export interface EngineChooser {
  /** A model reference only this engine runs (the embedded engine's .gguf, hf:, ollama:): `auto` picks it unasked. */
  claims(model: string): boolean;
  /** --engine NAME (or the model this engine claims). */
  create(ctx: EngineContext): Promise<Engine>;
  /** `auto`: is this engine ready right now (bounded in time)? Throws only for what stops the command (a refused host). */
  probe(ctx: EngineContext): Promise<Probe>;
}

/** What `draftsmith models` asks of an engine. */
export interface ModelsContext {
  host?: string;
  allowRemote?: boolean;
  env: NodeJS.ProcessEnv;
  lookup?: LookupAll;
}

/** An engine's section of `draftsmith models`. */
export interface EngineModels<L = unknown> {
  /** Its key in `models --json`. */
  key: string;
  /** What it lists, for the note when another engine has nothing to say: "cached GGUF files". */
  what: string;
  /** Never fails for an engine that is down: says so in `note` (stderr) instead. Throws for a usage error. */
  list(ctx: ModelsContext): Promise<{ listing: L; note?: string }>;
  /** Its lines of the text listing. */
  render(listing: L): string[];
}

/**
 * An engine's part of `draftsmith doctor`, pure, over the facts it gathered (F): whether it
 * claims the model, answers, could draft; its check lines; and its phrases in the verdict.
 */
export interface EngineDoctor<F> {
  claims(f: F): boolean;
  answers(f: F): boolean;
  usable(f: F): boolean;
  checks(f: F, bad: CheckLevel, unused: string): CheckResult[];
  /** What "ready: a draft can run with ..." names: "Ollama (llama3.2 at URL)". */
  label(f: F): string;
  /** Why --engine NAME cannot draft. */
  chosenNeeds(f: F): string;
  /** `auto` picked it (it answers, or claims the model), yet it cannot draft. */
  pickedButCannot(f: F): string;
  /** Its part of "no engine can run: ..., or ...". */
  wayOut(f: F): string;
  /** Said when it would work although another engine is in use; undefined to say nothing. */
  alternative(f: F): string | undefined;
}

/** What `draftsmith doctor` gives each engine to find out its facts with. */
export interface DoctorContext {
  engine: EngineChoice;
  /** The model doctor checks (flag, profile or default). */
  model: string;
  /** The model as configured (flag or profile), undefined for the default. */
  configured: string | undefined;
  host?: string;
  allowRemote?: boolean;
  /** Threads for a test load (default: the engine's own choice). */
  threads?: number;
  env: NodeJS.ProcessEnv;
  cwd: string;
  lookup?: LookupAll;
}

export interface EngineDescriptor {
  readonly name: EngineName;
  /** What `auto` does with it, for --engine's help: "Ollama if it answers", "embedded". */
  readonly autoHelp: string;
  chooser(): Promise<EngineChooser>;
  models(): Promise<EngineModels>;
  /** Pure and small, so loaded with the registry: `doctor` decides synchronously. */
  readonly doctor: EngineDoctor<object>;
  /** What doctor finds out about it (bounded in time, never downloads): its part of doctor's facts. */
  doctorFacts(): Promise<(ctx: DoctorContext) => Promise<object>>;
}
