// The embedded engine: llama.cpp in this process, through node-llama-cpp (imported lazily by
// ./node-llama-cpp.ts). One model, one context with N sequences; each request waits for a free
// sequence, so `--concurrency` works within one process and N prompts are batched together.
//
// Structured output: a JSON-schema grammar makes every token a valid continuation of the expected
// object. The one way it can still end short is the token limit (num_predict), so a cut answer is
// closed here (the open string ended, missing fields set to "") and reported as doneReason
// "length", the way Ollama reports a cut answer. Short fields before the last one (an email's
// subject) get a maxLength, so a rambling subject cannot use up the budget of the body.
import { open, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type {
  ChatHistoryItem,
  ChatWrapper,
  Llama,
  LlamaCompletion,
  LlamaContext,
  LlamaContextSequence,
  LlamaGrammar,
  LlamaModel,
  LlamaText,
  Token,
} from 'node-llama-cpp';
import { abortError, EngineError } from '../../core/errors.js';
import { CallbackError, type ChatMessage, type Engine, type GenerateRequest, type GenerateResult, type JsonSchema } from '../../core/engine.js';
import { loadNodeLlamaCpp, type NodeLlamaCpp } from './node-llama-cpp.js';
import { boundSchema, buildPlainPrompt, closeJsonPrefix } from './json-answer.js';

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
  /** Tests only: a replacement for `import('node-llama-cpp')`. */
  load?: () => Promise<NodeLlamaCpp>;
}

const DEFAULT_CONTEXT = 4096;
const MAX_SEQUENCES = 16;
const DEFAULT_NUM_PREDICT = 1024;
const MIN_ANSWER_TOKENS = 32;
/**
 * Below this size a model is dominated by thread synchronisation: stories260K (1.2 MB) measured
 * ~1,000 tokens/s on 1 thread and ~70 on 2 (2-vCPU machine). Real models want every core.
 */
const TINY_MODEL_BYTES = 32 * 1024 * 1024;
// Ollama's sampling defaults, so both engines behave alike when the profile sets nothing.
const DEFAULT_TEMPERATURE = 0.8;
const DEFAULT_TOP_K = 40;
const DEFAULT_TOP_P = 0.9;

interface Slot {
  sequence: LlamaContextSequence;
  completion: LlamaCompletion;
  /** Its state may hold a cancelled generation: clear it before the next one. */
  dirty: boolean;
}

interface Waiter {
  resolve: (slot: Slot) => void;
  reject: (err: unknown) => void;
  signal: AbortSignal;
  onAbort: () => void;
}

interface Runtime {
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

/** The file, when the label does not already name it (hf: and ollama: references), else "in this process". */
function modelLocation(opts: LlamaCppEngineOptions): string {
  return path.resolve(opts.modelLabel) === path.resolve(opts.modelPath) ? 'in this process' : opts.modelPath;
}

export function createLlamaCppEngine(opts: LlamaCppEngineOptions): Engine {
  const lifetime = new AbortController(); // fires on close(): stops loads and generations
  const inflight = new Set<Promise<unknown>>();
  let starting: Promise<Runtime> | undefined;
  let closing: Promise<void> | undefined;

  const runtime = (signal?: AbortSignal): Promise<Runtime> => {
    if (!starting) {
      const p = start(opts, signal ? AbortSignal.any([signal, lifetime.signal]) : lifetime.signal);
      starting = p;
      p.catch(() => {
        if (starting === p && !lifetime.signal.aborted) starting = undefined; // a later call may retry
      });
    }
    return starting;
  };

  const track = <T>(p: Promise<T>): Promise<T> => {
    inflight.add(p);
    const done = () => inflight.delete(p);
    p.then(done, done);
    return p;
  };

  return {
    info: { engine: 'llama-cpp', model: opts.modelLabel, location: modelLocation(opts) },

    async prepare(signal) {
      if (lifetime.signal.aborted) throw closedError();
      try {
        await track(runtime(signal));
      } catch (err) {
        if (signal?.aborted) throw abortError(signal.reason, err);
        throw err;
      }
    },

    generate(request) {
      if (lifetime.signal.aborted) return Promise.reject(closedError());
      return track(generate(runtime, request, lifetime.signal));
    },

    close() {
      closing ??= (async () => {
        lifetime.abort();
        await Promise.allSettled([...inflight]);
        const rt = await starting?.catch(() => undefined);
        if (rt) await disposeRuntime(rt);
      })();
      return closing;
    },
  };
}

// ---- loading ----------------------------------------------------------------------------------

/** Threads when the user gives none: every core, except 1 for tiny models (see TINY_MODEL_BYTES). */
export function defaultThreads(modelBytes: number, cores: number = os.availableParallelism()): number {
  return modelBytes < TINY_MODEL_BYTES ? 1 : Math.max(1, cores);
}

async function start(opts: LlamaCppEngineOptions, signal: AbortSignal): Promise<Runtime> {
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
async function checkModelFile(file: string, label: string): Promise<number> {
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

async function disposeRuntime(rt: Runtime): Promise<void> {
  for (const w of rt.waiters.splice(0)) w.reject(closedError());
  await rt.context.dispose().catch(() => undefined);
  await rt.model.dispose().catch(() => undefined);
  await rt.llama.dispose().catch(() => undefined);
}

// ---- generating -------------------------------------------------------------------------------

async function generate(
  runtime: (signal?: AbortSignal) => Promise<Runtime>,
  request: GenerateRequest,
  closeSignal: AbortSignal,
): Promise<GenerateResult> {
  const started = performance.now();
  const callbackStop = new AbortController();
  const signal = AbortSignal.any([closeSignal, callbackStop.signal, ...(request.signal ? [request.signal] : [])]);
  let slot: Slot | undefined;
  let rt: Runtime | undefined;
  let callbackError: CallbackError | undefined;
  try {
    throwIfAborted(signal);
    rt = await runtime();
    const schema = boundSchema(request.schema);
    const grammar = await grammarFor(rt, schema);
    const prompt = promptTokens(rt, request.messages);
    const numPredict = request.options.num_predict ?? DEFAULT_NUM_PREDICT;
    const maxTokens = answerBudget(rt, prompt.tokens.length, numPredict);

    slot = await acquire(rt, signal);
    if (slot.dirty) {
      await slot.sequence.clearHistory();
      slot.dirty = false;
    }
    slot.dirty = true; // until the generation ends normally

    let count = 0;
    let firstAt: number | undefined;
    const genStart = performance.now();
    const res = await slot.completion.generateCompletionWithMeta(prompt.tokens, {
      maxTokens,
      temperature: request.options.temperature ?? DEFAULT_TEMPERATURE,
      topK: DEFAULT_TOP_K,
      topP: DEFAULT_TOP_P,
      // No seed means a fresh sample each time, as with Ollama (node-llama-cpp would reuse one).
      seed: request.options.seed ?? Math.floor(Math.random() * 2 ** 31),
      grammar,
      signal,
      customStopTriggers: prompt.stopTriggers.length > 0 ? prompt.stopTriggers : undefined,
      // The budget above keeps prompt + answer inside the context: never drop prompt tokens.
      disableContextShift: true,
      contextShiftSize: 1,
      onToken: (tokens) => {
        firstAt ??= performance.now();
        count += tokens.length;
      },
      onTextChunk: (text) => {
        if (text === '' || callbackError) return;
        try {
          request.onText?.(text);
        } catch (err) {
          callbackError = new CallbackError(err);
          callbackStop.abort();
        }
      },
    });
    if (callbackError) throw callbackError;
    slot.dirty = false;
    const ended = performance.now();

    let text = res.response;
    let doneReason = 'stop';
    if (res.metadata.stopReason === 'maxTokens') {
      doneReason = 'length';
      const closed = closeJsonPrefix(text, schema);
      if (closed === undefined) {
        throw new EngineError(`the model's answer was cut at ${maxTokens} tokens and could not be completed`, {
          retryable: true,
          hint: 'raise model.num_predict in the profile',
        });
      }
      text = closed;
    }
    return {
      text,
      evalCount: count,
      // Decode time only, as Ollama reports it: from the first token on, plus one token's share.
      evalMs: firstAt !== undefined && count > 1 ? ((ended - firstAt) * count) / (count - 1) : ended - genStart,
      promptEvalCount: prompt.tokens.length,
      totalMs: ended - started,
      doneReason,
    };
  } catch (err) {
    if (callbackError) throw callbackError.original;
    if (request.signal?.aborted) throw abortError(request.signal.reason, err);
    if (closeSignal.aborted) throw closedError(err);
    if (err instanceof EngineError) throw err;
    throw new EngineError(`llama.cpp failed: ${messageOf(err)}`, { cause: err, retryable: false });
  } finally {
    if (slot && rt) release(rt, slot);
  }
}

/** Tokens left for the answer: num_predict, or less when the prompt fills the context. */
function answerBudget(rt: Runtime, promptLength: number, numPredict: number): number {
  const contextSize = rt.context.contextSize;
  const bos = rt.model.tokens.shouldPrependBosToken ? 1 : 0;
  const room = contextSize - promptLength - bos - 1;
  if (room < Math.min(MIN_ANSWER_TOKENS, numPredict)) {
    throw new EngineError(`the prompt (${promptLength} tokens) leaves no room for an answer in the ${contextSize}-token context: raise model.num_ctx`, {
      hint: `raise model.num_ctx in the profile (the model was trained with ${rt.model.trainContextSize}), or shorten the prompt (fewer examples)`,
    });
  }
  return Math.max(1, Math.min(numPredict, room));
}

// ---- the sequence pool ------------------------------------------------------------------------

function acquire(rt: Runtime, signal: AbortSignal): Promise<Slot> {
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

function release(rt: Runtime, slot: Slot): void {
  const next = rt.waiters.shift();
  if (!next) {
    rt.free.push(slot);
    return;
  }
  next.signal.removeEventListener('abort', next.onAbort);
  next.resolve(slot);
}

// ---- prompts and grammars ---------------------------------------------------------------------

interface Prompt {
  tokens: Token[];
  stopTriggers: LlamaText[];
}

function promptTokens(rt: Runtime, messages: ChatMessage[]): Prompt {
  const bos = rt.model.tokens.shouldPrependBosToken;
  if (!rt.wrapper) {
    // Plain text, special tokens not parsed: a CSV cell cannot smuggle in control tokens.
    return { tokens: rt.model.tokenize(buildPlainPrompt(messages), false, bos ? 'trimLeadingSpace' : undefined), stopTriggers: [] };
  }
  const state = rt.wrapper.generateContextState({ chatHistory: toChatHistory(messages) });
  const tokens = state.contextText.tokenize(rt.model.tokenizer);
  // LlamaCompletion prepends the BOS token itself; the template's own would make two.
  if (bos && tokens[0] === rt.model.tokens.bos) tokens.shift();
  return { tokens, stopTriggers: state.stopGenerationTriggers };
}

function toChatHistory(messages: ChatMessage[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = messages.map((m) =>
    m.role === 'system'
      ? { type: 'system', text: m.content }
      : m.role === 'user'
        ? { type: 'user', text: m.content }
        : { type: 'model', response: [m.content] },
  );
  history.push({ type: 'model', response: [] }); // the answer to write
  return history;
}

function grammarFor(rt: Runtime, schema: JsonSchema): Promise<LlamaGrammar> {
  const key = JSON.stringify(schema);
  let g = rt.grammars.get(key);
  if (!g) {
    g = rt.llama.createGrammarForJsonSchema(schema as never).catch((err: unknown) => {
      rt.grammars.delete(key);
      throw new EngineError(`the answer schema cannot be turned into a grammar: ${messageOf(err)}`, { cause: err });
    });
    rt.grammars.set(key, g);
  }
  return g;
}

// ---- errors -----------------------------------------------------------------------------------

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message || err.name : String(err);
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw abortError(signal.reason);
}

function closedError(cause?: unknown): EngineError {
  return new EngineError('the llama-cpp engine was closed', { cause });
}
