// Embeddings in this process: node-llama-cpp's embedding context, created on the first embed() on
// the drafting model itself (model.embed names the same file) or on the GGUF model.embed names,
// loaded once beside it. One text at a time (the context is not shared between calls), each cut to
// the context's size as Ollama truncates, the vector L2-normalised (core/catalog/vectors.ts).
import path from 'node:path';
import type { LlamaEmbeddingContext, LlamaModel } from 'node-llama-cpp';
import { EngineError } from '../../core/errors.js';
import { embeddingAnswer } from '../../core/catalog/vectors.js';
import { checkModelFile, messageOf, throwIfAborted, type Runtime } from './runtime.js';

/** Tokens of text per embedding (at most; model.num_ctx may set fewer): enough for a catalog item or a recipient's notes. */
const EMBED_CONTEXT = 2048;
const SPECIAL_TOKENS_ROOM = 8;

export interface EmbedderOptions {
  /** The drafting model's file. */
  modelPath: string;
  /** The embedding model's file (model.embed, resolved): the drafting model's own when equal. */
  embedModelPath: string;
  embedModelLabel: string;
  /** The profile's model.num_ctx: the embedding context is no larger. */
  contextSize?: number;
}

export interface Embedder {
  embed(texts: string[], signal?: AbortSignal): Promise<number[][]>;
  /** Frees the embedding context and a separately loaded model; the runtime's own model stays. */
  dispose(): Promise<void>;
}

interface Loaded {
  context: LlamaEmbeddingContext;
  /** A model loaded for embeddings only (undefined when the drafting model serves). */
  own: LlamaModel | undefined;
  size: number;
}

export function createEmbedder(runtime: (signal?: AbortSignal) => Promise<Runtime>, opts: EmbedderOptions): Embedder {
  let loading: Promise<Loaded> | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  const where = `the embedding model ${opts.embedModelLabel}`;

  const load = (signal?: AbortSignal): Promise<Loaded> => {
    if (!loading) {
      const p = open(runtime, opts, signal);
      loading = p;
      p.catch(() => {
        if (loading === p) loading = undefined; // a later call may retry
      });
    }
    return loading;
  };

  return {
    embed(texts, signal) {
      const run = queue.then(async () => {
        const { context, size } = await load(signal);
        const vectors: number[][] = [];
        for (const text of texts) {
          if (signal) throwIfAborted(signal);
          vectors.push(await embedOne(context, text, size, where));
        }
        return embeddingAnswer(vectors, texts.length, where);
      });
      queue = run.catch(() => undefined);
      return run;
    },
    async dispose() {
      const loaded = await loading?.catch(() => undefined);
      loading = undefined;
      if (!loaded) return;
      await loaded.context.dispose().catch(() => undefined);
      await loaded.own?.dispose().catch(() => undefined);
    },
  };
}

async function open(runtime: (signal?: AbortSignal) => Promise<Runtime>, opts: EmbedderOptions, signal?: AbortSignal): Promise<Loaded> {
  const rt = await runtime(signal);
  const same = path.resolve(opts.embedModelPath) === path.resolve(opts.modelPath);
  let own: LlamaModel | undefined;
  if (!same) {
    await checkModelFile(opts.embedModelPath, opts.embedModelLabel);
    try {
      own = await rt.llama.loadModel({ modelPath: opts.embedModelPath, ...(signal ? { loadSignal: signal } : {}) });
    } catch (err) {
      if (signal?.aborted) throw err;
      throw new EngineError(`could not load the embedding model ${opts.embedModelLabel}: ${messageOf(err)}`, {
        cause: err,
        hint: 'check model.embed in the profile: it names a GGUF file (or hf:/ollama: reference) of an embedding model',
      });
    }
  }
  const model = own ?? rt.model;
  const size = Math.min(EMBED_CONTEXT, opts.contextSize ?? EMBED_CONTEXT, model.trainContextSize || EMBED_CONTEXT);
  try {
    const context = await model.createEmbeddingContext({ contextSize: size, threads: rt.threads, ...(signal ? { createSignal: signal } : {}) });
    return { context, own, size };
  } catch (err) {
    await own?.dispose().catch(() => undefined);
    throw new EngineError(`could not create an embedding context for ${opts.embedModelLabel}: ${messageOf(err)}`, {
      cause: err,
      hint: 'close other programs to free memory, or name a smaller embedding model in model.embed',
    });
  }
}

async function embedOne(context: LlamaEmbeddingContext, text: string, size: number, where: string): Promise<number[]> {
  // Cut to the context, less room for the BOS/EOS tokens node-llama-cpp adds (it refuses input >= its size).
  const tokens = context.model.tokenize(text).slice(0, size - SPECIAL_TOKENS_ROOM);
  if (tokens.length === 0) throw new EngineError(`${where} was asked to embed an empty text`, { hint: 'this is a bug in draftsmith: please report it' });
  try {
    return [...(await context.getEmbeddingFor(tokens)).vector];
  } catch (err) {
    throw new EngineError(`${where} failed: ${messageOf(err)}`, { cause: err });
  }
}
