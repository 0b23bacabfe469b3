// `draftsmith doctor`, the workflow: gathers what this machine has (Node, the profile, the editor,
// the terminal, and each engine's facts, found by the engine itself: src/engines/<name>/doctor-facts.ts)
// into DoctorFacts and decides (./doctor-report.ts). The engines are checked side by side. Network
// checks are bounded (2 s); a non-local host is not contacted without --allow-remote; nothing is downloaded.
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';
import type { EditorFact, ProfileFact, Source, TerminalFact } from '../core/doctor-checks.js';
import { DEFAULT_MODEL, type EngineChoice } from '../core/engine.js';
import { DraftsmithError } from '../core/errors.js';
import type { ToneProfile } from '../core/profile.js';
import type { DoctorContext } from '../engines/descriptor.js';
import { ENGINES } from '../engines/index.js';
import { editorCommand } from '../io/editor.js';
import type { LookupAll } from '../io/resolve-host.js';
import { colorLevel, isCi } from '../ui/terminal.js';
import { buildDoctorReport, type DoctorFacts, type DoctorReport } from './doctor-report.js';
import { checkMemory } from './doctor-memory.js';

export interface DoctorOptions {
  profile?: string;
  host?: string;
  model?: string;
  engine?: EngineChoice;
  allowRemote?: boolean;
  /** Threads for the test load of the GGUF (default: the engine's own choice). */
  threads?: number;
  /** `--memory FILE`: the memory to check (default: $DRAFTSMITH_MEMORY, else the data folder's). */
  memory?: string;
}

export interface DoctorIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
  cwd: string;
  lookup?: LookupAll;
}

export async function runDoctor(opts: DoctorOptions, io: DoctorIo): Promise<{ facts: DoctorFacts; report: DoctorReport }> {
  const profile = opts.profile !== undefined ? await checkProfile(opts.profile, io.cwd) : undefined;
  const configured = profile?.profile?.model;
  const engine: EngineChoice = opts.engine ?? configured?.engine ?? 'auto';
  const engineSource: Source = opts.engine ? 'flag' : configured?.engine && configured.engine !== 'auto' ? 'profile' : 'default';
  const model = opts.model ?? configured?.name ?? DEFAULT_MODEL;
  const modelSource: Source = opts.model ? 'flag' : configured?.name ? 'profile' : 'default';
  const ctx: DoctorContext = { ...opts, engine, model, configured: opts.model ?? configured?.name, env: io.env, cwd: io.cwd, lookup: io.lookup };
  // The engines are independent: each finds out its facts side by side with the others.
  const [memory, ...found] = await Promise.all([checkMemory(opts.memory, io.env, io.cwd), ...ENGINES.map(async (e) => (await e.doctorFacts())(ctx))]);
  const facts = {
    nodeVersion: process.versions.node,
    engine,
    engineSource,
    model,
    modelSource,
    ...Object.assign({}, ...found),
    ...(profile ? { profile: profile.fact } : {}),
    editor: await checkEditor(io.env),
    terminal: checkTerminal(io),
    memory,
  } as DoctorFacts;
  return { facts, report: buildDoctorReport(facts) };
}

async function checkProfile(file: string, cwd: string): Promise<{ profile?: ToneProfile; fact: ProfileFact }> {
  const { readProfile } = await import('../io/profile-file.js');
  const { loadTemplates } = await import('../io/templates.js');
  try {
    const { profile, dir } = await readProfile(path.resolve(cwd, file));
    // Custom templates, or a catalog, that do not load stop a draft too.
    await loadTemplates(profile, dir);
    if (profile.catalog !== undefined) await (await import('../io/catalog-file.js')).readCatalog(profile.catalog, dir);
    return { profile, fact: { state: 'valid', file, ...(profile.name ? { name: profile.name } : {}) } };
  } catch (err) {
    if (!(err instanceof DraftsmithError)) throw err;
    const details = (err as { details?: string[] }).details ?? [];
    return { fact: { state: 'invalid', file, problems: [err.message, ...details], ...(err.hint ? { hint: err.hint } : {}) } };
  }
}

async function checkEditor(env: NodeJS.ProcessEnv): Promise<EditorFact> {
  const { VISUAL: _v, EDITOR: _e, ...rest } = env;
  const fallback = editorCommand(rest); // what editor.ts picks with neither set
  const visual = env.VISUAL?.trim();
  const editor = env.EDITOR?.trim();
  const [source, command] = visual ? (['VISUAL', visual] as const) : editor ? (['EDITOR', editor] as const) : [undefined, undefined];
  if (!source) return { source: 'fallback', command: fallback };
  return { source, command, found: await onPath(firstWord(command), env), fallback };
}

/** The program of a shell command line such as `code --wait` or `"/My Apps/ed" -w`. */
export function firstWord(command: string): string {
  const m = /^\s*(?:"([^"]*)"|'([^']*)'|(\S+))/.exec(command);
  return m?.[1] ?? m?.[2] ?? m?.[3] ?? '';
}

/** Whether `name` runs: an executable path, or found in $PATH. No shell involved. */
export async function onPath(name: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  if (name === '') return false;
  const executable = (p: string) => access(p, constants.X_OK).then(() => stat(p).then((s) => s.isFile()), () => false);
  if (name.includes('/')) return executable(name);
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir !== '' && (await executable(path.join(dir, name)))) return true;
  }
  return false;
}

function checkTerminal(io: DoctorIo): TerminalFact {
  const { env } = io;
  const stdoutTTY = Boolean(io.stdout.isTTY);
  const termDumb = env.TERM === 'dumb';
  const level = colorLevel({ env, stderr: io.stdout }, stdoutTTY && !termDumb);
  const columns = io.stdout.columns ?? io.stderr.columns;
  return {
    stdoutTTY,
    stderrTTY: Boolean(io.stderr.isTTY),
    colorLevel: level,
    noColor: env.NO_COLOR !== undefined && env.NO_COLOR !== '',
    forceColor: env.FORCE_COLOR !== undefined,
    termDumb,
    ci: isCi(env),
    ...(columns ? { columns } : {}),
  };
}
