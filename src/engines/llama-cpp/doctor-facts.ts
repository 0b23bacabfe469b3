// What `draftsmith doctor` finds out about the embedded engine: whether node-llama-cpp is
// installed, which GGUF a draft would run (the engine choice's own rules, ./choose.ts), whether it
// is on disk, and whether it loads (a real, short load). hf: models are looked up in the cache,
// never downloaded.
import { stat } from 'node:fs/promises';
import { DraftsmithError } from '../../core/errors.js';
import type { DoctorContext } from '../descriptor.js';
import { embeddedFallback, embeddedRef } from './choose.js';
import type { GgufFact, NodeLlamaCppFact } from './doctor-checks.js';
import { findCachedModel, isGgufRef, parseModelRef, resolveModelRef, type ModelRef } from './model-ref.js';
import { installCommand, isNodeLlamaCppInstalled } from './node-llama-cpp.js';

type EmbeddedCheckOptions = Pick<DoctorContext, 'engine' | 'model' | 'configured' | 'threads' | 'env' | 'cwd'>;

type ParsedModel =
  | { ref: ModelRef; problem?: undefined }
  /** A malformed hf: or ollama: reference: reported on the gguf line. */
  | { ref?: undefined; problem: GgufFact };

function parseModel(model: string): ParsedModel {
  try {
    return { ref: parseModelRef(model) };
  } catch (err) {
    if (!(err instanceof DraftsmithError)) throw err;
    return { problem: { state: 'missing', reason: err.message, ...(err.hint ? { hint: err.hint } : {}) } };
  }
}

/**
 * The embedded engine's facts, and two about the model reference itself that only its parser
 * knows: whether it is a GGUF reference, and the Ollama name an ollama:NAME[:TAG] stands for.
 */
export async function embeddedFacts(opts: EmbeddedCheckOptions): Promise<{ modelIsGguf: boolean; ollamaModel?: string; nodeLlamaCpp: NodeLlamaCppFact; gguf: GgufFact; embeddedModel?: string }> {
  const ollamaModel = ollamaNameOf(parseModel(opts.model).ref, opts.model);
  const found = await checkEmbedded(opts);
  return { modelIsGguf: isGgufRef(opts.model), ...(ollamaModel !== undefined ? { ollamaModel } : {}), ...found };
}

/** The name to look for on the Ollama server: the model itself, or NAME[:TAG] of ollama:NAME[:TAG]. */
function ollamaNameOf(ref: ModelRef | undefined, model: string): string | undefined {
  if (ref?.kind === 'name') return model;
  if (ref?.kind === 'ollama') return ref.tag === 'latest' ? ref.name : `${ref.name}:${ref.tag}`;
  return undefined;
}

async function checkEmbedded(opts: EmbeddedCheckOptions): Promise<{ nodeLlamaCpp: NodeLlamaCppFact; gguf: GgufFact; embeddedModel?: string }> {
  const nodeLlamaCpp = await checkNodeLlamaCpp();
  const parsed = parseModel(opts.model);
  if (!parsed.ref) return { nodeLlamaCpp, gguf: parsed.problem };
  // The same test `draft`'s engine choice makes: a GGUF reference never goes to Ollama.
  if (isGgufRef(opts.model)) return { nodeLlamaCpp, gguf: await checkGguf(parsed.ref, opts.model, nodeLlamaCpp.installed, opts) };
  // An Ollama model name: check the GGUF the embedded path of `draft` would run instead.
  const instead = await embeddedModelFor(opts);
  if (instead === undefined || 'problem' in instead) return { nodeLlamaCpp, gguf: instead?.problem ?? { state: 'none' } };
  const ref = parseModel(instead.model);
  return {
    nodeLlamaCpp,
    embeddedModel: instead.model,
    gguf: ref.ref ? await checkGguf(ref.ref, instead.model, nodeLlamaCpp.installed, opts) : ref.problem,
  };
}

/** For an Ollama model name, the GGUF `draft`'s embedded path would run: the engine choice's own rules. */
async function embeddedModelFor(opts: EmbeddedCheckOptions): Promise<{ model: string } | { problem: GgufFact } | undefined> {
  if (opts.engine === 'auto') {
    const model = await embeddedFallback(opts.configured, opts);
    return model === undefined ? undefined : { model };
  }
  if (opts.engine !== 'llama-cpp') return undefined;
  try {
    return { model: await embeddedRef(opts.configured, opts) };
  } catch (err) {
    if (!(err instanceof DraftsmithError)) throw err;
    return { problem: { state: 'missing', reason: err.message, ...(err.hint ? { hint: err.hint } : {}) } };
  }
}

async function checkNodeLlamaCpp(): Promise<NodeLlamaCppFact> {
  const found = await isNodeLlamaCppInstalled();
  if (found.installed) return { installed: true, ...(found.version ? { version: found.version } : {}) };
  return { installed: false, installCommand: installCommand() };
}

async function checkGguf(ref: ModelRef, model: string, installed: boolean, opts: EmbeddedCheckOptions): Promise<GgufFact> {
  if (ref.kind === 'name') return { state: 'none' };
  let file: string;
  try {
    if (ref.kind === 'hf') {
      // Asks node-llama-cpp's resolver with downloads off: a cache lookup, nothing fetched.
      const cached = await findCachedModel(ref, { env: opts.env });
      if (!cached) return { state: 'not-downloaded' };
      file = cached;
    } else {
      file = await resolveModelRef(ref, { env: opts.env, cwd: opts.cwd, yes: false, interactive: false });
    }
  } catch (err) {
    if (!(err instanceof DraftsmithError)) throw err;
    return { state: 'missing', reason: err.message, ...(err.hint ? { hint: err.hint } : {}) };
  }
  const size = await stat(file).then((s) => s.size, () => undefined);
  const sized = size !== undefined ? { size } : {};
  if (!installed) return { state: 'found', path: file, ...sized };
  return loadOnce(file, model, sized, opts.threads);
}

/** Loads the model once, as a draft would, and closes it: whatever goes wrong is the finding, not a crash of doctor. */
async function loadOnce(file: string, model: string, sized: { size?: number }, threads: number | undefined): Promise<GgufFact> {
  const { createLlamaCppEngine } = await import('./engine.js');
  const engine = createLlamaCppEngine({ modelPath: file, modelLabel: model, ...(threads ? { threads } : {}) });
  const started = performance.now();
  try {
    await engine.prepare();
    return { state: 'loaded', path: file, ...sized, ms: performance.now() - started };
  } catch (err) {
    const e = err as { message?: string; hint?: unknown };
    const hint = err instanceof DraftsmithError ? err.hint : undefined;
    return { state: 'load-failed', path: file, reason: String(e?.message ?? err), ...(hint ? { hint } : {}) };
  } finally {
    await engine.close().catch(() => undefined);
  }
}
