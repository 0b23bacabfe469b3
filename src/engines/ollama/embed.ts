// Embeddings from Ollama: POST /api/embed through ollama-js's embed() (the profile's model.embed,
// e.g. nomic-embed-text), in batches, on the engine's own agent and host (so the host rules that
// cleared generation cover it). Ollama's vectors are L2-normalised already; they are checked and
// normalised again like every engine's (core/catalog/vectors.ts).
import type { Engine } from '../../core/engine.js';
import { EngineError } from '../../core/errors.js';
import { EMBED_BATCH, embeddingAnswer, inBatches } from '../../core/catalog/vectors.js';
import { withDeadline } from '../deadline.js';
import type { Agents } from '../http-agents.js';
import { client } from './client.js';
import { toEngineError, type ErrorContext } from './errors.js';
import { hasOllamaModel } from './model-name.js';

export interface OllamaEmbedOptions {
  host: string;
  /** The embedding model, as Ollama names it. */
  model: string;
  agent: Agents;
  timeoutMs: number;
  keepAlive?: string;
}

/** The engine's embed(): one /api/embed request per batch of texts. */
export function ollamaEmbedder(o: OllamaEmbedOptions): (texts: string[], signal?: AbortSignal) => Promise<number[][]> {
  const where = `the embedding model "${o.model}" on Ollama at ${o.host}`;
  return (texts, signal) =>
    inBatches(texts, EMBED_BATCH, (batch) =>
      withDeadline(signal, o.timeoutMs, { host: o.host, model: o.model }, embedError, async (c) => {
        const answer = await client(o.host, o.agent, c).embed({
          model: o.model,
          input: batch,
          ...(o.keepAlive !== undefined ? { keep_alive: o.keepAlive } : {}),
        });
        return embeddingAnswer(answer?.embeddings, batch.length, where);
      }),
    );
}

/** The engine's `embed` when model.embed is set (`model`), else nothing: the port's method is optional. */
export function embedMethod(o: Omit<OllamaEmbedOptions, 'model' | 'keepAlive'> & { model: string | undefined; keepAlive: string | undefined }): Pick<Engine, 'embed'> {
  if (o.model === undefined) return {};
  return { embed: ollamaEmbedder({ ...o, model: o.model, ...(o.keepAlive !== undefined ? { keepAlive: o.keepAlive } : {}) }) };
}

/** prepare()'s check: the embedding model is pulled (the same /api/tags answer as the drafting model's). */
export function assertEmbedModelInstalled(installed: readonly string[], model: string, host: string): void {
  if (hasOllamaModel(installed, model)) return;
  throw new EngineError(`the embedding model "${model}" (the profile's model.embed) is not available on Ollama at ${host}`, {
    hint: `run \`ollama pull ${model}\`, or name an installed embedding model in model.embed (or remove it: the catalog is then ranked by BM25)`,
  });
}

/** Ollama's failures as toEngineError maps them, except the two that mean "wrong model.embed". */
function embedError(err: unknown, ctx: ErrorContext): EngineError {
  const e = err as { name?: string; status_code?: number; error?: string };
  const model = ctx.model ?? 'the model';
  if (e?.name === 'ResponseError' && e.status_code === 404 && /not found/i.test(e.error ?? '')) {
    return new EngineError(`the embedding model "${model}" is not available on Ollama at ${ctx.host}: ${e.error}`, {
      cause: err,
      hint: `run \`ollama pull ${model}\`, or name an installed embedding model in the profile's model.embed`,
    });
  }
  if (e?.name === 'ResponseError' && e.status_code === 400 && /embed/i.test(e.error ?? '')) {
    return new EngineError(`Ollama at ${ctx.host} cannot embed with "${model}": ${e.error}`, {
      cause: err,
      hint: 'name an embedding model in the profile\'s model.embed, e.g. nomic-embed-text (`ollama pull nomic-embed-text`)',
    });
  }
  return toEngineError(err, ctx);
}
