// Embeddings from an OpenAI-compatible server: POST {base}/embeddings {"model","input":[...]} ->
// {"data":[{"index","embedding":[...]}]} (vLLM, llama-server --embeddings, LM Studio, Ollama's /v1),
// in batches, with the engine's agents, key and host (so the host rules that cleared generation
// cover it). Answers are put back in input order by `index`, checked and normalised
// (core/catalog/vectors.ts). Failures go through errors.ts, the key redacted as everywhere.
import { EngineError } from '../../core/errors.js';
import { EMBED_BATCH, embeddingAnswer, inBatches } from '../../core/catalog/vectors.js';
import { withDeadline } from '../deadline.js';
import type { Agents } from '../http-agents.js';
import { authHeaders, type ApiKey } from './api-key.js';
import { serves } from './doctor-checks.js';
import { errorBodyMessage, toEngineError, type ErrorContext } from './errors.js';
import { HttpError, readAll, send } from './transport.js';

export interface OpenAIEmbedOptions {
  baseUrl: string;
  /** The embedding model, as the server names it. */
  model: string;
  key?: ApiKey;
  agents: Agents;
  timeoutMs: number;
}

/** The engine's embed(): one POST {base}/embeddings per batch of texts. */
export function openaiEmbedder(o: OpenAIEmbedOptions): (texts: string[], signal?: AbortSignal) => Promise<number[][]> {
  const headers = authHeaders(o.key);
  const ctx: ErrorContext = { baseUrl: o.baseUrl, model: o.model, retryable: true, ...(o.key ? { key: o.key } : {}) };
  const where = `the embedding model "${o.model}" on the server at ${o.baseUrl}`;
  return (texts, signal) =>
    inBatches(texts, EMBED_BATCH, (batch) =>
      withDeadline(signal, o.timeoutMs, { ...ctx }, embedError, async (c) => {
        const body = JSON.stringify({ model: o.model, input: batch });
        const res = await send(o.agents, `${o.baseUrl}/embeddings`, { method: 'POST', headers, body, controller: c });
        const answer = JSON.parse(await readAll(res)) as { data?: unknown };
        return embeddingAnswer(inOrder(answer?.data), batch.length, where);
      }),
    );
}

/** The vectors of `data` by their `index` (a server may answer out of order); undefined when it is no list. */
function inOrder(data: unknown): unknown[] | undefined {
  if (!Array.isArray(data)) return undefined;
  const entries = data as { index?: unknown; embedding?: unknown }[];
  const indexed = entries.every((d, i) => typeof d?.index === 'number' && entries.findIndex((e) => e?.index === d.index) === i);
  const sorted = indexed ? [...entries].sort((a, b) => (a.index as number) - (b.index as number)) : entries;
  return sorted.map((d) => d?.embedding);
}

/** prepare()'s check: the server lists the embedding model (the same /models answer as the drafting model's). */
export function assertEmbedModelServed(ids: readonly string[], model: string, baseUrl: string): void {
  if (serves(ids, model)) return;
  const listed = ids.length > 0 ? `it serves: ${ids.slice(0, 10).join(', ')}${ids.length > 10 ? ', ...' : ''}` : 'it lists no models';
  throw new EngineError(`the embedding model "${model}" (the profile's model.embed) is not served at ${baseUrl} (${listed})`, {
    hint: 'name a model the server serves for embeddings in model.embed (see `draftsmith models --host URL`), or remove it: the catalog is then ranked by BM25',
  });
}

/** errors.ts's mapping, except a 404/400 naming the model: that is a wrong model.embed. */
function embedError(err: unknown, ctx: ErrorContext): EngineError {
  if (err instanceof HttpError && (err.status === 404 || err.status === 400)) {
    const detail = errorBodyMessage(err.body) || `HTTP ${err.status}`;
    if (ctx.model !== undefined && (detail.includes(ctx.model) || /embed/i.test(detail))) {
      return toEngineError(
        new EngineError(`the server at ${ctx.baseUrl} cannot embed with "${ctx.model}" (HTTP ${err.status}): ${detail}`, {
          cause: err,
          hint: 'name an embedding model the server serves in the profile\'s model.embed (vLLM: a model started with --task embed; llama-server: --embeddings)',
        }),
        ctx,
      );
    }
  }
  return toEngineError(err, ctx);
}
