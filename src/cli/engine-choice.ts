// Which engine and model a command uses. Precedence, highest first: flags, the profile's
// `model` block, the environment (OLLAMA_HOST, OLLAMA_MODELS, DRAFTSMITH_CACHE), built-in defaults.
//
// --engine auto (the default) decides in this order:
//   1. the model is a GGUF reference (a .gguf path, hf:..., ollama:...): the embedded engine;
//   2. Ollama answers at the host (one /api/tags, 1.5 s at most): Ollama;
//   3. Ollama is down and node-llama-cpp is installed: the embedded engine with the model Ollama
//      has pulled under that name (ollama:NAME, no daemon needed), or, when no model is configured
//      at all, the one GGUF file in the cache folder (only when there is exactly one);
//   4. otherwise one error listing the three ways to get going.
// --engine llama-cpp takes a GGUF reference; a plain name means Ollama's copy of it (ollama:NAME);
// no model at all means the one cached GGUF file. --engine ollama takes a name (ollama:NAME too).
// A non-local Ollama host (by what its name resolves to) is refused unless --allow-remote, before
// any request goes to it.
import { formatBytes } from '../core/text/bytes.js';
import { resolveHost } from '../core/host.js';
import { EngineError, InterruptedError, UsageError, isAbortError } from '../core/errors.js';
import type { ToneProfile } from '../core/profile.js';
import type { Engine } from '../core/engine.js';
import type { DownloadProgress } from '../engines/llama-cpp/model-ref.js';
import { assertHostAllowed } from '../io/resolve-host.js';
import type { CliIo } from './streams.js';

export const DEFAULT_MODEL = 'llama3.2';
/** How long `auto` waits for Ollama to answer before looking at the embedded engine. */
export const OLLAMA_PROBE_MS = 1500;

export interface EngineFlags {
  model?: string;
  host?: string;
  allowRemote?: boolean;
  /** auto (default) | ollama | llama-cpp; the profile's model.engine applies when absent. */
  engine?: 'auto' | 'ollama' | 'llama-cpp';
  /** CPU threads for the embedded engine. */
  threads?: number;
  /** Download models without asking. */
  yes?: boolean;
  /** Per-request timeout in seconds. */
  timeout: number;
  /** Drafts generated at once: the embedded engine creates as many context sequences (if they fit). */
  concurrency?: number;
  /** --quiet: no note saying which engine `auto` fell back to. */
  quiet?: boolean;
}

export async function createEngineFromFlags(flags: EngineFlags, profile: ToneProfile, io: CliIo): Promise<Engine> {
  const choice = flags.engine ?? profile.model?.engine ?? 'auto';
  const configured = flags.model ?? profile.model?.name;
  const { isGgufRef } = await import('../engines/llama-cpp/model-ref.js');

  if (choice === 'llama-cpp') {
    const ref = await embeddedRef(configured, io);
    try {
      return await embeddedEngine(ref, flags, profile, io);
    } catch (err) {
      // A plain name was read as "the copy Ollama pulled"; when there is none, say what the engine takes.
      if (configured === undefined || ref === configured || !(err instanceof EngineError)) throw err;
      throw new EngineError(`the llama-cpp engine needs a GGUF model: "${configured}" is an Ollama model name, and ${err.message}`, {
        cause: err,
        hint: `pass --model path/to/model.gguf or hf:owner/repo:quant; or ${err.hint ?? `run \`ollama pull ${configured}\``} and it runs in-process`,
      });
    }
  }
  if (choice === 'auto' && configured !== undefined && isGgufRef(configured)) return embeddedEngine(configured, flags, profile, io);

  const host = resolveHost(flags.host, io.env.OLLAMA_HOST);
  await assertHostAllowed(host, Boolean(flags.allowRemote), io.lookup);
  if (choice === 'ollama') return ollamaEngine(host, ollamaName(configured ?? DEFAULT_MODEL), flags);

  const installed = await ollamaModels(host);
  if (installed) return ollamaEngine(host, configured ?? DEFAULT_MODEL, flags, installed);
  const fallback = await embeddedFallback(configured, io);
  if (fallback) {
    note(io, flags, `Ollama is not answering at ${host}; drafting in-process with the llama-cpp engine (${fallback})`);
    return embeddedEngine(fallback, flags, profile, io);
  }
  const { isNodeLlamaCppInstalled } = await import('../engines/llama-cpp/node-llama-cpp.js');
  throw noEngineError(host, configured, (await isNodeLlamaCppInstalled()).installed);
}

// ---- Ollama -----------------------------------------------------------------------------------

async function ollamaEngine(host: string, model: string, flags: EngineFlags, installedModels?: string[]): Promise<Engine> {
  const { createOllamaEngine } = await import('../engines/ollama/engine.js');
  return createOllamaEngine({ host, model, requestTimeoutMs: flags.timeout * 1000, ...(installedModels ? { installedModels } : {}) });
}

/** `ollama:NAME:TAG` means NAME:TAG to the Ollama engine; files and hf: models are not for it. */
function ollamaName(model: string): string {
  if (/^ollama:/i.test(model)) return model.slice('ollama:'.length).replace(/:latest$/, '');
  if (/^hf:/i.test(model) || /\.gguf$/i.test(model)) {
    throw new UsageError(`--engine ollama cannot run ${model}: it takes a model name as \`ollama list\` shows it`, {
      hint: 'use --engine llama-cpp (or auto) for GGUF files and hf: models',
    });
  }
  return model;
}

/** The installed model names if Ollama answers within the probe time, else undefined. */
async function ollamaModels(host: string): Promise<string[] | undefined> {
  const { listOllamaModels } = await import('../engines/ollama/engine.js');
  try {
    return (await listOllamaModels(host, AbortSignal.timeout(OLLAMA_PROBE_MS))).map((m) => m.name);
  } catch {
    return undefined;
  }
}

// ---- the embedded engine ----------------------------------------------------------------------

/** The model for --engine llama-cpp: as configured (a plain name means Ollama's copy), else the one cached GGUF. */
export async function embeddedRef(configured: string | undefined, io: CliIo): Promise<string> {
  const { isGgufRef, listCachedModels, modelCacheDir } = await import('../engines/llama-cpp/model-ref.js');
  if (configured !== undefined) return isGgufRef(configured) ? configured : `ollama:${configured}`;
  const cached = await listCachedModels(io.env);
  if (cached.length === 1) return cached[0]!.file;
  throw new UsageError(
    cached.length === 0 ? 'the llama-cpp engine needs a GGUF model, and none is configured' : `the llama-cpp engine needs a model: ${cached.length} are cached in ${modelCacheDir(io.env)}, pick one`,
    { hint: 'pass --model path/to/model.gguf, hf:owner/repo:quant or ollama:NAME (or set model.name in the profile)' },
  );
}

/** What `auto` runs in-process when Ollama is down, or undefined. */
export async function embeddedFallback(configured: string | undefined, io: CliIo): Promise<string | undefined> {
  const { isNodeLlamaCppInstalled } = await import('../engines/llama-cpp/node-llama-cpp.js');
  if (!(await isNodeLlamaCppInstalled()).installed) return undefined;
  const { listCachedModels, parseModelRef, resolveModelRef } = await import('../engines/llama-cpp/model-ref.js');
  const pulled = async (name: string): Promise<string | undefined> => {
    try {
      const ref = `ollama:${name}`;
      await resolveModelRef(parseModelRef(ref), { env: io.env, cwd: io.cwd });
      return ref;
    } catch {
      return undefined;
    }
  };
  if (configured !== undefined) return pulled(configured);
  const cached = await listCachedModels(io.env);
  if (cached.length === 1) return cached[0]!.file;
  return pulled(DEFAULT_MODEL);
}

async function embeddedEngine(ref: string, flags: EngineFlags, profile: ToneProfile, io: CliIo): Promise<Engine> {
  const { parseModelRef, resolveModelRef } = await import('../engines/llama-cpp/model-ref.js');
  const parsed = parseModelRef(ref);
  const interactive = Boolean(io.stdin.isTTY && io.stderr.isTTY);
  const controller = new AbortController();
  const { onInterrupt } = await import('./interrupt.js');
  const progress = downloadProgress(io, ref);
  // Only a download takes long enough to need its own Ctrl-C handling; it leaves no half file.
  const stopListening = parsed.kind === 'hf' ? onInterrupt(io, () => controller.abort()) : () => undefined;
  let modelPath: string;
  try {
    modelPath = await resolveModelRef(parsed, {
      env: io.env,
      cwd: io.cwd,
      yes: Boolean(flags.yes),
      interactive,
      confirm: (message) => confirm(io, message),
      onProgress: progress.update,
      signal: controller.signal,
    });
  } catch (err) {
    if (isAbortError(err) || controller.signal.aborted) {
      throw new InterruptedError('interrupted: the model download stopped.', { hint: 'run the same command again to download it.' });
    }
    throw err;
  } finally {
    progress.done();
    stopListening();
  }
  const { createLlamaCppEngine } = await import('../engines/llama-cpp/engine.js');
  return createLlamaCppEngine({
    modelPath,
    // What the drafts file records, so `review` can open the same model again from any folder.
    modelLabel: parsed.kind === 'file' ? modelPath : ref.trim(),
    threads: flags.threads,
    concurrency: flags.concurrency,
    contextSize: profile.model?.num_ctx,
  });
}

async function confirm(io: CliIo, message: string): Promise<boolean> {
  const { createAsk, isPromptCancel } = await import('../ui/ask.js');
  try {
    return await createAsk({ input: io.stdin, output: io.stderr }).confirm(message, false);
  } catch (err) {
    if (isPromptCancel(err)) throw new InterruptedError('interrupted: nothing was downloaded.');
    throw err;
  }
}

/** A one-line progress bar on a terminal; a line per 10% otherwise. Both on stderr. */
function downloadProgress(io: CliIo, label: string): { update: (p: DownloadProgress) => void; done: () => void } {
  const tty = Boolean(io.stderr.isTTY);
  let lastDraw = 0;
  let lastTenth = -1;
  let drawn = false;
  return {
    update: ({ downloadedBytes, totalBytes }) => {
      const ratio = totalBytes > 0 ? Math.min(1, downloadedBytes / totalBytes) : 0;
      const sizes = `${formatBytes(downloadedBytes)} / ${formatBytes(totalBytes)}`;
      if (tty) {
        const now = Date.now();
        if (now - lastDraw < 100 && ratio < 1) return;
        lastDraw = now;
        const width = 24;
        const filled = Math.round(ratio * width);
        io.stderr.write(`\r\u001b[2Kdownloading ${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.floor(ratio * 100)}% ${sizes}`);
        drawn = true;
      } else {
        const tenth = Math.floor(ratio * 10);
        if (tenth === lastTenth) return;
        lastTenth = tenth;
        io.stderr.write(`draftsmith: downloading ${label}: ${tenth * 10}% (${sizes})\n`);
      }
    },
    done: () => {
      if (drawn) io.stderr.write('\n');
    },
  };
}

// ---- messages ---------------------------------------------------------------------------------

function note(io: CliIo, flags: EngineFlags, message: string): void {
  if (!flags.quiet) io.stderr.write(`draftsmith: note: ${message}\n`);
}

function noEngineError(host: string, configured: string | undefined, haveLlamaCpp: boolean): EngineError {
  const name = configured ?? DEFAULT_MODEL;
  const needs = haveLlamaCpp ? 'node-llama-cpp is installed' : 'needs node-llama-cpp, below';
  const third = haveLlamaCpp
    ? '  3. download a model once: --engine llama-cpp --model hf:owner/repo:quant --yes'
    : '  3. `npm install node-llama-cpp@3.22`, then --model hf:owner/repo:quant --yes to download a model once';
  return new EngineError(
    [
      `no model engine is ready: Ollama is not answering at ${host}, and there is no GGUF model to run in-process. Three ways to get going:`,
      `  1. start Ollama (\`ollama serve\`) and pull the model: \`ollama pull ${name}\``,
      `  2. draft in-process with a GGUF file: --engine llama-cpp --model path/to/model.gguf (${needs})`,
      third,
    ].join('\n'),
    { hint: '`draftsmith doctor` shows what this machine has and lacks' },
  );
}
