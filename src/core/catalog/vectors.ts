// Embedding vectors, pure: what an engine's embedding answer must be (one finite vector per text,
// all of one length), L2 normalisation, cosine similarity, and the batching every engine shares.
import { EngineError } from '../errors.js';

/** Texts sent in one embedding request: a catalog of thousands goes in several. */
export const EMBED_BATCH = 32;

/** Unit length (a zero vector stays zero): the cosine of two unit vectors is their dot product. */
export function normalise(vector: readonly number[]): number[] {
  let sum = 0;
  for (const x of vector) sum += x * x;
  const norm = Math.sqrt(sum);
  return norm === 0 ? [...vector] : vector.map((x) => x / norm);
}

/** Cosine similarity in [-1, 1]; 0 when either vector is zero or the lengths differ. */
export function cosine(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length || a.length === 0) return 0;
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/**
 * The vectors of an embedding answer, checked and normalised: `count` of them, each a non-empty list
 * of finite numbers, all of one length. `where` names the server and model for the error.
 */
export function embeddingAnswer(raw: unknown, count: number, where: string): number[][] {
  const bad = (why: string) =>
    new EngineError(`${where} gave an unusable embedding answer: ${why}`, {
      hint: 'check that model.embed in the profile names an embedding model (e.g. nomic-embed-text)',
    });
  if (!Array.isArray(raw)) throw bad('no list of embeddings');
  if (raw.length !== count) throw bad(`${raw.length} embedding(s) for ${count} text(s)`);
  const vectors = raw.map((v: unknown, i) => {
    if (!Array.isArray(v) || v.length === 0) throw bad(`embedding ${i + 1} is not a list of numbers`);
    if (!v.every((x) => typeof x === 'number' && Number.isFinite(x))) throw bad(`embedding ${i + 1} holds a value that is not a finite number`);
    return normalise(v as number[]);
  });
  const length = vectors[0]?.length;
  if (vectors.some((v) => v.length !== length)) throw bad('the embeddings differ in length');
  return vectors;
}

/** Runs `fn` over `items` in slices of `size`, one after another, and joins the answers in order. */
export async function inBatches<T, R>(items: readonly T[], size: number, fn: (batch: T[]) => Promise<R[]>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await fn(items.slice(i, i + size))));
  return out;
}
