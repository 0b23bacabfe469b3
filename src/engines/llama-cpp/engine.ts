// The embedded engine: llama.cpp in this process, through node-llama-cpp (imported lazily by
// ./node-llama-cpp.ts). One model, one context with N sequences; each request waits for a free
// sequence, so `--concurrency` works within one process and N prompts are batched together.
// This module is the engine's lifetime (load once, on demand; close stops everything); loading is
// ./runtime.ts, one answer is ./generate.ts.
import path from 'node:path';
import { abortError } from '../../core/errors.js';
import type { Engine } from '../../core/engine.js';
import { createEmbedder, type Embedder } from './embed.js';
import { generate } from './generate.js';
import { closedError, disposeRuntime, start, type LlamaCppEngineOptions, type Runtime } from './runtime.js';

export type { LlamaCppEngineOptions } from './runtime.js';

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

  const { modelPath, embedModelPath, contextSize } = opts;
  const embedder = embedModelPath !== undefined ? createEmbedder(runtime, { modelPath, embedModelPath, embedModelLabel: opts.embedModelLabel ?? embedModelPath, ...(contextSize ? { contextSize } : {}) }) : undefined;

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

    ...embedMethod(embedder, lifetime.signal, track),

    close() {
      closing ??= (async () => {
        lifetime.abort();
        await Promise.allSettled([...inflight]);
        await embedder?.dispose();
        const rt = await starting?.catch(() => undefined);
        if (rt) await disposeRuntime(rt);
      })();
      return closing;
    },
  };
}

/** The engine's `embed` when model.embed is set, stopped by close() and waited for like a generation. */
function embedMethod(embedder: Embedder | undefined, lifetime: AbortSignal, track: <T>(p: Promise<T>) => Promise<T>): Pick<Engine, 'embed'> {
  if (!embedder) return {};
  return {
    embed(texts, signal) {
      if (lifetime.aborted) return Promise.reject(closedError());
      return track(embedder.embed(texts, signal ? AbortSignal.any([signal, lifetime]) : lifetime));
    },
  };
}
