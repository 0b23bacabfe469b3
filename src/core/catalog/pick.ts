// Picking from the catalog, pure: the text each item is known by, the text a recipient is matched
// with (only what the model may see of them: the caller passes the sent columns, never a private
// one), and the top K by cosine over embeddings. BM25 ranking lives in io/catalog-search.ts (SQLite
// FTS5); both give picks of this one shape, best first, ties in catalog order, so a run is
// deterministic.
import type { CatalogItem } from './items.js';
import { cosine } from './vectors.js';

/** How the picks were ranked: cosine over the profile's model.embed, or BM25 without one. */
export type PickMethod = 'embeddings' | 'bm25';

export interface CatalogPick {
  id: string;
  /** Cosine similarity (embeddings) or BM25 relevance (higher is better), rounded to 4 places. */
  score: number;
}

/** What an item is matched on: its title, description and tags (its id and url are not words about it). */
export function itemText(item: CatalogItem): string {
  return [item.title, item.description, item.tags.join(', ')].filter((s) => s.trim() !== '').join('\n');
}

/**
 * What a recipient is matched with: the values of the columns the model may see (core/drafting's
 * sentData), then any further texts (their last reply, say), one per line. '' when there is nothing.
 */
export function recipientText(sent: Readonly<Record<string, string>>, more: readonly string[] = []): string {
  return [...Object.values(sent), ...more]
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .join('\n');
}

/** The top `k` items by cosine between `query` and each item's vector (same order as `items`). */
export function rankByVectors(items: readonly CatalogItem[], vectors: readonly (readonly number[])[], query: readonly number[], k: number): CatalogPick[] {
  const scored = items.map((item, i) => ({ id: item.id, score: cosine(vectors[i] ?? [], query), i }));
  return topK(scored, k);
}

/** Best first, ties by catalog order; at most `k`, none with a score of 0 or less (nothing in common). */
export function topK(scored: readonly { id: string; score: number; i: number }[], k: number): CatalogPick[] {
  return scored
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score || a.i - b.i)
    .slice(0, Math.max(0, k))
    .map((s) => ({ id: s.id, score: round(s.score) }));
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
