// `draftsmith doctor`: gathers what this machine has (Node, Ollama, node-llama-cpp, the GGUF, the
// profile, the editor, the terminal) into DoctorFacts; src/core/doctor.ts decides and formats.
// The report is the command's data: stdout. Network checks are bounded (2 s); a non-local Ollama
// host is not contacted without --allow-remote; hf: models are looked up in the cache, never fetched.
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';
import { Chalk } from 'chalk';
import { NETWORK_TIMEOUT_MS, buildDoctorReport, networkReason, renderDoctorReport, type DoctorFacts, type EngineChoice, type Paint, type Source } from '../../core/doctor.js';
import { DraftsmithError, ExitError } from '../../core/errors.js';
import { resolveHost } from '../../core/host.js';
import type { ToneProfile } from '../../core/profile.js';
import { editorCommand } from '../../io/editor.js';
import { hostLocality } from '../../io/resolve-host.js';
import { colorLevel, isCi } from '../../ui/terminal.js';
import type { ModelRef } from '../../engines/llama-cpp/model-ref.js';
import { DEFAULT_MODEL } from '../engine-choice.js';
import type { CliIo } from '../streams.js';

export interface DoctorOptions {
  profile?: string;
  host?: string;
  model?: string;
  engine?: EngineChoice;
  allowRemote?: boolean;
  /** Threads for the test load of the GGUF (default: the engine's own choice). */
  threads?: number;
}

export async function runDoctorCommand(opts: DoctorOptions, io: CliIo): Promise<void> {
  const profile = opts.profile !== undefined ? await checkProfile(opts.profile, io) : undefined;
  const configured = profile?.profile?.model;
  const engine: EngineChoice = opts.engine ?? configured?.engine ?? 'auto';
  const engineSource: Source = opts.engine ? 'flag' : configured?.engine && configured.engine !== 'auto' ? 'profile' : 'default';
  const model = opts.model ?? configured?.name ?? DEFAULT_MODEL;
  const modelSource: Source = opts.model ? 'flag' : configured?.name ? 'profile' : 'default';

  const parsed = await parseModel(model);
  const ollamaModel = ollamaNameOf(parsed.ref, model);
  // The same test `draft`'s engine choice makes: a GGUF reference never goes to Ollama.
  const { isGgufRef } = await import('../../engines/llama-cpp/model-ref.js');
  const modelIsGguf = isGgufRef(model);

  // The two engine paths are independent: check them side by side.
  const [hostCheck, embedded] = await Promise.all([
    checkOllama(opts, io),
    checkNodeLlamaCpp().then(async (nodeLlamaCpp) => {
      if (!parsed.ref) return { nodeLlamaCpp, gguf: parsed.problem };
      if (modelIsGguf) return { nodeLlamaCpp, gguf: await checkGguf(parsed.ref, model, nodeLlamaCpp.installed, opts, io) };
      // An Ollama model name: check the GGUF the embedded path of `draft` would run instead.
      const instead = await embeddedModelFor(engine, opts.model ?? configured?.name, io);
      if (instead === undefined || 'problem' in instead) return { nodeLlamaCpp, gguf: instead?.problem ?? ({ state: 'none' } as const) };
      const ref = await parseModel(instead.model);
      return {
        nodeLlamaCpp,
        embeddedModel: instead.model,
        gguf: ref.ref ? await checkGguf(ref.ref, instead.model, nodeLlamaCpp.installed, opts, io) : ref.problem,
      };
    }),
  ]);
  const { nodeLlamaCpp, gguf } = embedded;

  const facts: DoctorFacts = {
    nodeVersion: process.versions.node,
    engine,
    engineSource,
    model,
    modelSource,
    ...(ollamaModel !== undefined ? { ollamaModel } : {}),
    modelIsGguf,
    ...('embeddedModel' in embedded && embedded.embeddedModel ? { embeddedModel: embedded.embeddedModel } : {}),
    host: hostCheck.host,
    ollama: hostCheck.ollama,
    nodeLlamaCpp,
    gguf,
    ...(profile ? { profile: profile.fact } : {}),
    editor: await checkEditor(io.env),
    terminal: checkTerminal(io),
  };
  const report = buildDoctorReport(facts);
  io.stdout.write(renderDoctorReport(report, painter(facts.terminal.colorLevel)));
  if (report.exitCode !== 0) throw new ExitError(report.exitCode);
}

// ---- profile --------------------------------------------------------------------------------

async function checkProfile(file: string, io: CliIo): Promise<{ profile?: ToneProfile; fact: NonNullable<DoctorFacts['profile']> }> {
  const { readProfile } = await import('../../io/profile-file.js');
  const { loadTemplates } = await import('../../io/templates.js');
  try {
    const { profile, dir } = await readProfile(path.resolve(io.cwd, file));
    await loadTemplates(profile, dir); // custom templates that do not load stop a draft too
    return { profile, fact: { state: 'valid', file, ...(profile.name ? { name: profile.name } : {}) } };
  } catch (err) {
    if (!(err instanceof DraftsmithError)) throw err;
    const details = (err as { details?: string[] }).details ?? [];
    return { fact: { state: 'invalid', file, problems: [err.message, ...details], ...(err.hint ? { hint: err.hint } : {}) } };
  }
}

// ---- Ollama ---------------------------------------------------------------------------------

async function checkOllama(opts: DoctorOptions, io: CliIo): Promise<{ host: string; ollama: DoctorFacts['ollama'] }> {
  let host: string;
  try {
    host = resolveHost(opts.host, io.env.OLLAMA_HOST);
  } catch (err) {
    // A bad --host is a usage error; a bad OLLAMA_HOST is something to diagnose.
    if (opts.host !== undefined || !(err instanceof DraftsmithError)) throw err;
    return { host: 'OLLAMA_HOST', ollama: { state: 'invalid-host', reason: err.message, ...(err.hint ? { hint: err.hint } : {}) } };
  }
  const { listOllamaModels, ollamaVersion } = await import('../../engines/ollama/engine.js');
  try {
    if (!opts.allowRemote) {
      const { local, addresses } = await hostLocality(host, io.lookup);
      if (!local) return { host, ollama: { state: 'remote', addresses } };
    }
    const signal = AbortSignal.timeout(NETWORK_TIMEOUT_MS);
    const [version, models] = await Promise.all([ollamaVersion(host, signal), listOllamaModels(host, signal)]);
    return { host, ollama: { state: 'ok', version, models: models.map((m) => m.name) } };
  } catch (err) {
    // Only a hint about something other than starting Ollama (e.g. "not an Ollama server") is kept.
    const hint = err instanceof DraftsmithError && err.hint && !/ollama serve/.test(err.hint) ? err.hint : undefined;
    return { host, ollama: { state: 'unreachable', reason: networkReason(err), ...(hint ? { hint } : {}) } };
  }
}

// ---- embedded engine ------------------------------------------------------------------------

/** For an Ollama model name, the GGUF `draft`'s embedded path would run: engine-choice's own rules. */
async function embeddedModelFor(
  engine: EngineChoice,
  configured: string | undefined,
  io: CliIo,
): Promise<{ model: string } | { problem: DoctorFacts['gguf'] } | undefined> {
  const { embeddedFallback, embeddedRef } = await import('../engine-choice.js');
  if (engine === 'auto') {
    const model = await embeddedFallback(configured, io);
    return model === undefined ? undefined : { model };
  }
  if (engine !== 'llama-cpp') return undefined;
  try {
    return { model: await embeddedRef(configured, io) };
  } catch (err) {
    if (!(err instanceof DraftsmithError)) throw err;
    return { problem: { state: 'missing', reason: err.message, ...(err.hint ? { hint: err.hint } : {}) } };
  }
}

async function checkNodeLlamaCpp(): Promise<DoctorFacts['nodeLlamaCpp']> {
  const { installCommand, isNodeLlamaCppInstalled } = await import('../../engines/llama-cpp/node-llama-cpp.js');
  const found = await isNodeLlamaCppInstalled();
  if (found.installed) return { installed: true, ...(found.version ? { version: found.version } : {}) };
  return { installed: false, installCommand: installCommand() };
}

type ParsedModel =
  | { ref: ModelRef; problem?: undefined }
  /** A malformed hf: or ollama: reference: reported on the gguf line. */
  | { ref?: undefined; problem: DoctorFacts['gguf'] };

async function parseModel(model: string): Promise<ParsedModel> {
  const { parseModelRef } = await import('../../engines/llama-cpp/model-ref.js');
  try {
    return { ref: parseModelRef(model) };
  } catch (err) {
    if (!(err instanceof DraftsmithError)) throw err;
    return { problem: { state: 'missing', reason: err.message, ...(err.hint ? { hint: err.hint } : {}) } };
  }
}

async function checkGguf(ref: ModelRef, model: string, installed: boolean, opts: DoctorOptions, io: CliIo): Promise<DoctorFacts['gguf']> {
  if (ref.kind === 'name') return { state: 'none' };
  const { findCachedModel, resolveModelRef } = await import('../../engines/llama-cpp/model-ref.js');
  let file: string;
  try {
    if (ref.kind === 'hf') {
      // Asks node-llama-cpp's resolver with downloads off: a cache lookup, nothing fetched.
      const cached = await findCachedModel(ref, { env: io.env });
      if (!cached) return { state: 'not-downloaded' };
      file = cached;
    } else {
      file = await resolveModelRef(ref, { env: io.env, cwd: io.cwd, yes: false, interactive: false });
    }
  } catch (err) {
    if (!(err instanceof DraftsmithError)) throw err;
    return { state: 'missing', reason: err.message, ...(err.hint ? { hint: err.hint } : {}) };
  }
  const size = await stat(file).then((s) => s.size, () => undefined);
  const sized = size !== undefined ? { size } : {};
  if (!installed) return { state: 'found', path: file, ...sized };

  const { createLlamaCppEngine } = await import('../../engines/llama-cpp/engine.js');
  const engine = createLlamaCppEngine({ modelPath: file, modelLabel: model, ...(opts.threads ? { threads: opts.threads } : {}) });
  const started = performance.now();
  try {
    await engine.prepare();
    return { state: 'loaded', path: file, ...sized, ms: performance.now() - started };
  } catch (err) {
    // Whatever goes wrong while loading is the finding, not a crash of doctor.
    const e = err as { message?: string; hint?: unknown };
    const hint = err instanceof DraftsmithError ? err.hint : undefined;
    return { state: 'load-failed', path: file, reason: String(e?.message ?? err), ...(hint ? { hint } : {}) };
  } finally {
    await engine.close().catch(() => undefined);
  }
}

// ---- editor and terminal --------------------------------------------------------------------

async function checkEditor(env: NodeJS.ProcessEnv): Promise<DoctorFacts['editor']> {
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

function checkTerminal(io: CliIo): DoctorFacts['terminal'] {
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

function painter(level: number): Paint {
  if (level === 0) return (_l, t) => t;
  const chalk = new Chalk({ level: level as 1 | 2 | 3 });
  return (l, t) => (l === 'ok' ? chalk.green(t) : l === 'warn' ? chalk.yellow(t) : chalk.red(t));
}

/** The name to look for on the Ollama server: the model itself, or NAME[:TAG] of ollama:NAME[:TAG]. */
function ollamaNameOf(ref: ModelRef | undefined, model: string): string | undefined {
  if (ref?.kind === 'name') return model;
  if (ref?.kind === 'ollama') return ref.tag === 'latest' ? ref.name : `${ref.name}:${ref.tag}`;
  return undefined;
}
