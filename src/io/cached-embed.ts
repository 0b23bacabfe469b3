// Embeddings asked once per text (issue 13 §3): an engine's embed() behind the memory's analysis
// cache (io/memory/analysis-cache.ts, kind `embedding`, by the embedding model's name), so a re-run,
// or another campaign with the same catalog, sends no text it sent before. The same text twice in
// one call is asked once. Vectors come back as the engine gives them (normalised) or as stored
// (float32): cosine does not care about the difference.
import type { Embed } from './catalog-search.js';
import type { AnalysisCache } from './memory/analysis-cache.js';

export function cachedEmbed(embed: Embed, cache: AnalysisCache, model: string): Embed {
  return async (texts, signal) => {
    const out: (number[] | undefined)[] = texts.map((t) => {
      const v = cache.getVector(model, t);
      return v ? Array.from(v) : undefined;
    });
    const missing = [...new Set(texts.filter((_, i) => out[i] === undefined))];
    if (missing.length > 0) {
      const vectors = await embed(missing, signal);
      const fresh = new Map<string, number[]>();
      missing.forEach((t, i) => {
        fresh.set(t, vectors[i]!);
        cache.putVector(model, t, vectors[i]!);
      });
      texts.forEach((t, i) => (out[i] ??= fresh.get(t)));
    }
    return out as number[][];
  };
}
