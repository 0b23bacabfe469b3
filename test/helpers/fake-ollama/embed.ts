// Embeddings for the fake servers: POST /api/embed as Ollama answers it ({"model","embeddings",
// durations, prompt_eval_count}; 400 without a model, 404 "model %q not found, try pulling it first"),
// and the vectors themselves, shared with the fake OpenAI's /v1/embeddings: a hashed bag of words,
// L2-normalised, so texts that share words are near and the same text always gives the same vector.
// Deterministic, and no label of relevance comes from anything but the words.
import type { ServerResponse } from 'node:http';
import type { ModelCatalog } from './models.js';
import type { RecordedRequest } from './requests.js';
import { sendJson } from './wire.js';

export const FAKE_EMBED_DIMENSIONS = 256;

/** Words folded to lower case, accents dropped, a plural "s" cut: "Migrations" and "migration" meet. */
export function embedWords(text: string): string[] {
  const words = text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.filter((w) => w.length > 2).map((w) => (w.length > 4 && w.endsWith('s') ? w.slice(0, -1) : w));
}

/** The fake embedding of `text`: each word adds ±1 at its hashed position; then unit length. */
export function fakeEmbedding(text: string, dimensions = FAKE_EMBED_DIMENSIONS): number[] {
  const v = new Array<number>(dimensions).fill(0);
  for (const w of embedWords(text)) {
    const h = fnv(w);
    v[h % dimensions]! += h & 0x80000000 ? -1 : 1;
  }
  const norm = Math.hypot(...v);
  return norm === 0 ? v : v.map((x) => x / norm);
}

function fnv(s: string): number {
  let h = 2166136261;
  for (const c of s) h = Math.imul(h ^ (c.codePointAt(0) ?? 0), 16777619) >>> 0;
  return h;
}

/** The inputs of an embedding request (`input`: a string or a list of them); undefined when malformed. */
export function embedInputs(input: unknown): string[] | undefined {
  if (typeof input === 'string') return [input];
  if (Array.isArray(input) && input.every((x) => typeof x === 'string')) return input as string[];
  return undefined;
}

/** POST /api/embed. */
export function answerEmbed(res: ServerResponse, rec: RecordedRequest, status: (code: number) => number, catalog: ModelCatalog): void {
  const name = rec.body?.model;
  if (typeof name !== 'string' || name === '') return void sendJson(res, status(400), { error: 'model is required' });
  if (!catalog.find(name)) return void sendJson(res, status(404), { error: `model "${name}" not found, try pulling it first` });
  const inputs = embedInputs(rec.body.input ?? []);
  if (!inputs) return void sendJson(res, status(400), { error: 'invalid input type' });
  sendJson(res, status(200), {
    model: name,
    embeddings: inputs.map((t) => fakeEmbedding(t)),
    total_duration: 14_000_000,
    load_duration: 1_000_000,
    prompt_eval_count: inputs.reduce((n, t) => n + embedWords(t).length, 0),
  });
}
