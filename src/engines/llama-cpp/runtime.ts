// The embedded engine's runtime: llama.cpp's binding, the model, and one context whose N sequences
// are a pool of slots (a request waits for a free one). Loading checks the file first (exists,
// GGUF magic) and halves the sequences until a context fits in memory.
import { open, stat } from 'node:fs/promises';
import os from 'node:os';
import type { ChatWrapper, Llama, LlamaCompletion, LlamaContext, LlamaContextSequence, LlamaGrammar, LlamaModel } from 'node-llama-cpp';
import { abortError, EngineError } from '../../core/errors.js';
import { loadNodeLlamaCpp, type NodeLlamaCpp } from './node-llama-cpp.js';

export interface LlamaCppEngineOptions {
  /** A local GGUF file (src/engines/llama-cpp/model-ref.ts resolves hf: and ollama: references to one). */
  modelPath: string;
  /** The model as the user named it; recorded with every draft. */
  modelLabel: string;
  /** CPU threads. Default: all cores, or 1 for a tiny model (see defaultThreads). */
  threads?: number;
  /** Context sequences wanted (drafts generated at once). Default 1; fewer when memory is short. */
  concurrency?: number;
  /** Tokens of context per sequence. Default: min(4096, the model's training context). */
  contextSize?: number;
  /** Default 'auto': a prebuilt GPU binding when one works here, else the CPU. */
  gpu?: 'auto' | false;
  /** The embedding model's file (the profile's model.embed, resolved): the engine then has embed(). */
  embedModelPath?: string;
  /** model.embed as the user named it. */
  embedModelLabel?: string;
  /** Tests only: a replacement for `import('node-llama-cpp')`. */
  load?: () => Promise<NodeLlamaCpp>;
}

const DEFAULT_CONTEXT = 4096;
const MAX_SEQUENCES = 16;
/**
 * Below this size a model is dominated by thread synchronisation: stories260K (1.2 MB) measured
 * ~1,000 tokens/s on 1 thread and ~70 on 2 (2-vCPU machine). Real models want every core.
 */
const TINY_MODEL_BYTES = 32 * 1024 * 1024;

export interface Slot {
  sequence: LlamaContextSequence;
  completion: LlamaCompletion;
  /** Its state may hold a cancelled generation: clear it before the next one. */
  dirty: boolean;
}

export interface Waiter {
  resolve: (slot: Slot) => void;
  reject: (err: unknown) => void;
  signal: AbortSignal;
  onAbort: () => void;
}

export interface Runtime {
  lib: NodeLlamaCpp;
  llama: Llama;
  model: LlamaModel;
  context: LlamaContext;
  /** The model's chat template; undefined when it has none (a plain completion prompt is used). */
  wrapper: ChatWrapper | undefined;
  free: Slot[];
  waiters: Waiter[];
  grammars: Map<string, Promise<LlamaGrammar>>;
  threads: number;
}

// ---- loading ----------------------------------------------------------------------------------

/** Threads when the user gives none: every core, except 1 for tiny models (see TINY_MODEL_BYTES). */
export function defaultThreads(modelBytes: number, cores: number = os.availableParallelism()): number {
  return modelBytes < TINY_MODEL_BYTES ? 1 : Math.max(1, cores);
}

export async function start(opts: LlamaCppEngineOptions, signal: AbortSignal): Promise<Runtime> {
  const size = await checkModelFile(opts.modelPath, opts.modelLabel);
  const lib = await loadNodeLlamaCpp(opts.load);
  throwIfAborted(signal);
  const threads = opts.threads ?? defaultThreads(size);

  let llama: Llama;
  try {
    llama = await lib.getLlama({
      gpu: opts.gpu ?? 'auto',
      build: 'never', // never compile or download llama.cpp from here
      logLevel: lib.LlamaLogLevel.error,
      maxThreads: threads,
      progressLogs: false,
      skipDownload: true,
    });
  } catch (err) {
    throw new EngineError(`node-llama-cpp has no llama.cpp binary that runs on this machine: ${messageOf(err)}`, {
      cause: err,
      hint: 'reinstall node-llama-cpp so npm fetches the prebuilt binary for this platform (`npx --no node-llama-cpp inspect gpu` shows what it found)',
    });
  }
  const owned: { dispose(): Promise<void> }[] = [llama];
  try {
    throwIfAborted(signal);
    let model: LlamaModel;
    try {
      model = await llama.loadModel({ modelPath: opts.modelPath, loadSignal: signal });
    } catch (err) {
      if (signal.aborted) throw err;
      throw new EngineError(`could not load the model ${opts.modelLabel}: ${messageOf(err)}`, {
        cause: err,
        hint: 'the file may be damaged or incomplete (download it again), or its architecture is newer than this node-llama-cpp: try another GGUF or update node-llama-cpp',
      });
    }
    owned.unshift(model);
    throwIfAborted(signal);

    const contextSize = opts.contextSize ?? Math.min(DEFAULT_CONTEXT, model.trainContextSize || DEFAULT_CONTEXT);
    const wanted = Math.max(1, Math.min(MAX_SEQUENCES, Math.floor(opts.concurrency ?? 1)));
    const context = await createContext(model, contextSize, wanted, threads, opts.modelLabel);
    owned.unshift(context);
    throwIfAborted(signal);

    const free: Slot[] = [];
    for (let i = 0; i < context.totalSequences; i++) {
      const sequence = context.getSequence();
      free.push({ sequence, completion: new lib.LlamaCompletion({ contextSequence: sequence }), dirty: false });
    }
    return { lib, llama, model, context, wrapper: chatWrapperOf(lib, model), free, waiters: [], grammars: new Map(), threads };
  } catch (err) {
    for (const r of owned) await r.dispose().catch(() => undefined);
    throw err;
  }
}

/** Exists, is a file and starts with the GGUF magic; returns its size. */
export async function checkModelFile(file: string, label: string): Promise<number> {
  let size: number;
  try {
    const s = await stat(file);
    if (!s.isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
    size = s.size;
  } catch (err) {
    throw new EngineError(`model file not found: ${file}`, {
      cause: err,
      hint: `check the path given to --model (or model.name in the profile): ${label}`,
    });
  }
  const magic = Buffer.alloc(4);
  const fh = await open(file, 'r');
  try {
    await fh.read(magic, 0, 4, 0);
  } finally {
    await fh.close();
  }
  if (magic.toString('latin1') !== 'GGUF') {
    throw new EngineError(`not a GGUF model file: ${file}`, {
      hint: 'the llama-cpp engine runs GGUF files (*.gguf); pass one with --model, an hf:owner/repo:quant reference, or ollama:NAME',
    });
  }
  return size;
}

/** The most sequences (up to `wanted`) that fit; halves on failure. */
async function createContext(model: LlamaModel, contextSize: number, wanted: number, threads: number, label: string): Promise<LlamaContext> {
  for (let sequences = wanted; ; sequences = Math.floor(sequences / 2)) {
    try {
      return await model.createContext({ contextSize, sequences, threads });
    } catch (err) {
      if (sequences > 1) continue;
      throw new EngineError(`could not create a ${contextSize}-token context for ${label}: ${messageOf(err)}`, {
        cause: err,
        hint: 'lower model.num_ctx in the profile, or close other programs to free memory',
      });
    }
  }
}

function chatWrapperOf(lib: NodeLlamaCpp, model: LlamaModel): ChatWrapper | undefined {
  const template = model.fileInfo.metadata?.tokenizer?.chat_template;
  if (typeof template !== 'string' || template.trim() === '') return undefined;
  // No "today's date" in the prompt: the same inputs must give the same prompt on any day.
  const noDate = { todayDate: null, cuttingKnowledgeDate: null };
  return lib.resolveChatWrapper(model, {
    warningLogs: false,
    customWrapperSettings: { 'llama3.1': noDate, 'llama3.2-lightweight': noDate } as never,
  });
}

export async function disposeRuntime(rt: Runtime): Promise<void> {
  for (const w of rt.waiters.splice(0)) w.reject(closedError());
  await rt.context.dispose().catch(() => undefined);
  await rt.model.dispose().catch(() => undefined);
  await rt.llama.dispose().catch(() => undefined);
}

// ---- the sequence pool ------------------------------------------------------------------------

export function acquire(rt: Runtime, signal: AbortSignal): Promise<Slot> {
  const slot = rt.free.shift();
  if (slot) return Promise.resolve(slot);
  return new Promise<Slot>((resolve, reject) => {
    const waiter: Waiter = {
      resolve,
      reject,
      signal,
      onAbort: () => {
        const i = rt.waiters.indexOf(waiter);
        if (i >= 0) rt.waiters.splice(i, 1);
        reject(signal.reason);
      },
    };
    signal.addEventListener('abort', waiter.onAbort, { once: true });
    rt.waiters.push(waiter);
  });
}

export function release(rt: Runtime, slot: Slot): void {
  const next = rt.waiters.shift();
  if (!next) {
    rt.free.push(slot);
    return;
  }
  next.signal.removeEventListener('abort', next.onAbort);
  next.resolve(slot);
}

// ---- errors -----------------------------------------------------------------------------------

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message || err.name : String(err);
}

export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw abortError(signal.reason);
}

export function closedError(cause?: unknown): EngineError {
  return new EngineError('the llama-cpp engine was closed', { cause });
}
