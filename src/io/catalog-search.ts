// Ranks the catalog for a recipient: by cosine over embeddings when the engine has embed() (the
// profile's model.embed), else by BM25 over SQLite FTS5 in an in-memory database (better-sqlite3,
// loaded by the memory's loader). Both match the same fields (core/catalog/pick.ts itemText), give
// picks best first with ties in catalog order, and are deterministic for the same catalog and text.
// The items' vectors are asked for once, when the search opens; each query is one request.
import type { Engine } from '../core/engine.js';
import type { CatalogItem } from '../core/catalog/items.js';
import { itemText, rankByVectors, topK, type CatalogPick, type PickMethod } from '../core/catalog/pick.js';
import { STOP_WORDS } from '../core/catalog/stop-words.js';
import { loadSqlite, type SqliteDatabase } from './memory/load-sqlite.js';

export interface CatalogSearch {
  readonly method: PickMethod;
  /** The top `k` items for a recipient's text (core/catalog/pick.ts recipientText); [] when it is empty or matches nothing. */
  pick(text: string, k: number, signal?: AbortSignal): Promise<CatalogPick[]>;
  /** The same for many texts at once (embeddings in batches). */
  pickAll(texts: readonly string[], k: number, signal?: AbortSignal): Promise<CatalogPick[][]>;
}

export type Embed = NonNullable<Engine['embed']>;

/** Opens a search over `items`: embeddings when `embed` is given (the items are embedded now), else BM25. */
export async function openCatalogSearch(items: readonly CatalogItem[], embed?: Embed, signal?: AbortSignal): Promise<CatalogSearch> {
  return embed ? embeddingSearch(items, embed, signal) : bm25Search(items);
}

async function embeddingSearch(items: readonly CatalogItem[], embed: Embed, signal?: AbortSignal): Promise<CatalogSearch> {
  const vectors = items.length > 0 ? await embed(items.map(itemText), signal) : [];
  const pickAll = async (texts: readonly string[], k: number, s?: AbortSignal) => {
    const asked = texts.map((t, i) => ({ t: t.trim(), i })).filter((q) => q.t !== '');
    const answers = asked.length > 0 ? await embed(asked.map((q) => q.t), s) : [];
    const out: CatalogPick[][] = texts.map(() => []);
    asked.forEach((q, n) => (out[q.i] = rankByVectors(items, vectors, answers[n]!, k)));
    return out;
  };
  return {
    method: 'embeddings',
    pickAll,
    pick: async (text, k, s) => (await pickAll([text], k, s))[0]!,
  };
}

/** Field weights for bm25(): a word in the title counts most, then the tags, then the description. */
const WEIGHTS = { title: 3, description: 1, tags: 2 };
/** Words of a query: enough for a long note, few enough for a quick MATCH. */
const MAX_QUERY_WORDS = 200;

async function bm25Search(items: readonly CatalogItem[]): Promise<CatalogSearch> {
  const db: SqliteDatabase = (await loadSqlite()).open(':memory:');
  // porter over unicode61: "migrations" finds "migration"; diacritics folded ("Café" finds "cafe").
  db.exec("CREATE VIRTUAL TABLE items USING fts5(title, description, tags, tokenize = 'porter unicode61 remove_diacritics 2')");
  const insert = db.prepare('INSERT INTO items (rowid, title, description, tags) VALUES (?, ?, ?, ?)');
  db.transaction(() => items.forEach((item, i) => insert.run(i + 1, item.title, item.description, item.tags.join(', '))))();
  const query = db.prepare(
    `SELECT rowid AS n, bm25(items, ${WEIGHTS.title}, ${WEIGHTS.description}, ${WEIGHTS.tags}) AS rank FROM items WHERE items MATCH ? ORDER BY rank, rowid`,
  );
  const pick = (text: string, k: number): CatalogPick[] => {
    const match = matchExpression(text);
    if (match === undefined || k <= 0) return [];
    const rows = query.all(match) as { n: number; rank: number }[];
    // bm25() is lower-is-better and negative; its negation is the score (higher is better).
    return topK(rows.map((r) => ({ id: items[r.n - 1]!.id, score: -r.rank, i: r.n - 1 })), k);
  };
  return {
    method: 'bm25',
    pick: async (text, k) => pick(text, k),
    pickAll: async (texts, k) => texts.map((t) => pick(t, k)),
  };
}

/**
 * An FTS5 query that matches any word of `text` but the commonest (core/catalog/stop-words.ts):
 * each word quoted (so AND, OR, NOT and NEAR are words, and no character of the text is syntax),
 * joined with OR. Undefined when it has no such words.
 */
export function matchExpression(text: string): string | undefined {
  const words = [...new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])].filter((w) => w.length > 1 && !STOP_WORDS.has(w)).slice(0, MAX_QUERY_WORDS);
  return words.length > 0 ? words.map((w) => `"${w}"`).join(' OR ') : undefined;
}
