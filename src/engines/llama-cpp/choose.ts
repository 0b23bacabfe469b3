// How the engine choice creates and probes the embedded engine. --engine llama-cpp takes a GGUF
// reference; a plain name means Ollama's copy of it (ollama:NAME, no daemon needed); no model at
// all means the one GGUF file in the cache folder. `auto` gives it every GGUF reference unasked,
// and, when the engines before it are not ready and node-llama-cpp is installed, runs the model
// Ollama has pulled under the configured name (or, with no model configured, the one cached file).
import { DEFAULT_MODEL, type Engine } from '../../core/engine.js';
import { EngineError, InterruptedError, UsageError, isAbortError } from '../../core/errors.js';
import type { EngineChooser, EngineContext, Probe } from '../descriptor.js';
import { isGgufRef, listCachedModels, modelCacheDir, parseModelRef, resolveModelRef } from './model-ref.js';
import { isNodeLlamaCppInstalled } from './node-llama-cpp.js';

/** Where model references are read and the cache is: the process's environment and working directory. */
interface Place {
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export const llamaCppChooser: EngineChooser = {
  claims: isGgufRef,
  async create(ctx) {
    const { configured } = ctx;
    const ref = await embeddedRef(configured, ctx);
    try {
      return await embeddedEngine(ref, ctx);
    } catch (err) {
      // A plain name was read as "the copy Ollama pulled"; when there is none, say what the engine takes.
      if (configured === undefined || ref === configured || !(err instanceof EngineError)) throw err;
      throw new EngineError(`the llama-cpp engine needs a GGUF model: "${configured}" is an Ollama model name, and ${err.message}`, {
        cause: err,
        hint: `pass --model path/to/model.gguf or hf:owner/repo:quant; or ${err.hint ?? `run \`ollama pull ${configured}\``} and it runs in-process`,
      });
    }
  },
  async probe(ctx): Promise<Probe> {
    const fallback = await embeddedFallback(ctx.configured, ctx);
    if (fallback) return { ready: true, note: `drafting in-process with the llama-cpp engine (${fallback})`, create: () => embeddedEngine(fallback, ctx) };
    const installed = (await isNodeLlamaCppInstalled()).installed;
    const needs = installed ? 'node-llama-cpp is installed' : 'needs node-llama-cpp, below';
    return {
      ready: false,
      why: 'there is no GGUF model to run in-process',
      ways: [
        `draft in-process with a GGUF file: --engine llama-cpp --model path/to/model.gguf (${needs})`,
        installed
          ? 'download a model once: --engine llama-cpp --model hf:owner/repo:quant --yes'
          : '`npm install node-llama-cpp@3.22`, then --model hf:owner/repo:quant --yes to download a model once',
      ],
    };
  },
};

/** The model for --engine llama-cpp: as configured (a plain name means Ollama's copy), else the one cached GGUF. */
export async function embeddedRef(configured: string | undefined, place: Place): Promise<string> {
  if (configured !== undefined) return isGgufRef(configured) ? configured : `ollama:${configured}`;
  const cached = await listCachedModels(place.env);
  if (cached.length === 1) return cached[0]!.file;
  throw new UsageError(
    cached.length === 0 ? 'the llama-cpp engine needs a GGUF model, and none is configured' : `the llama-cpp engine needs a model: ${cached.length} are cached in ${modelCacheDir(place.env)}, pick one`,
    { hint: 'pass --model path/to/model.gguf, hf:owner/repo:quant or ollama:NAME (or set model.name in the profile)' },
  );
}

/** What `auto` runs in-process when the engines before it are not ready, or undefined. */
export async function embeddedFallback(configured: string | undefined, place: Place): Promise<string | undefined> {
  if (!(await isNodeLlamaCppInstalled()).installed) return undefined;
  const pulled = async (name: string): Promise<string | undefined> => {
    try {
      const ref = `ollama:${name}`;
      await resolveModelRef(parseModelRef(ref), { env: place.env, cwd: place.cwd });
      return ref;
    } catch {
      return undefined;
    }
  };
  if (configured !== undefined) return pulled(configured);
  const cached = await listCachedModels(place.env);
  if (cached.length === 1) return cached[0]!.file;
  return pulled(DEFAULT_MODEL);
}

async function embeddedEngine(ref: string, ctx: EngineContext): Promise<Engine> {
  const parsed = parseModelRef(ref);
  const modelPath = await resolveFile(ref, ctx);
  // model.embed: a GGUF reference, or a plain name meaning Ollama's copy (as for the drafting model).
  const embed = ctx.profile.model?.embed;
  const embedRef = embed === undefined ? undefined : isGgufRef(embed) ? embed : `ollama:${embed}`;
  const embedModelPath = embedRef === undefined ? undefined : embedRef === ref ? modelPath : await resolveFile(embedRef, ctx);
  const { createLlamaCppEngine } = await import('./engine.js');
  return createLlamaCppEngine({
    modelPath,
    // What the drafts file records, so `review` can open the same model again from any folder.
    modelLabel: parsed.kind === 'file' ? modelPath : ref.trim(),
    threads: ctx.flags.threads,
    concurrency: ctx.flags.concurrency,
    contextSize: ctx.profile.model?.num_ctx,
    ...(embedModelPath !== undefined ? { embedModelPath, embedModelLabel: embed } : {}),
  });
}

/** The local file of a model reference, downloading an hf: model (with consent, progress and Ctrl-C). */
async function resolveFile(ref: string, ctx: EngineContext): Promise<string> {
  const parsed = parseModelRef(ref);
  const { hooks } = ctx;
  const controller = new AbortController();
  const progress = hooks.progress(ref);
  // Only a download takes long enough to need its own Ctrl-C handling; it leaves no half file.
  const stopListening = parsed.kind === 'hf' ? hooks.onInterrupt(() => controller.abort()) : () => undefined;
  try {
    return await resolveModelRef(parsed, {
      env: ctx.env,
      cwd: ctx.cwd,
      yes: Boolean(ctx.flags.yes),
      interactive: hooks.interactive,
      confirm: hooks.confirm,
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
}
