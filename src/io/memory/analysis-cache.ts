// What the model said about a text, asked once (issue 13): a reply's or a column's sentiment, an
// embedding for the catalog. In the memory's `analysis_cache` table when there is a memory to
// write to, found by an HMAC of the text under the memory's own salt (the text is never stored,
// and a hash cannot be checked against a guess without the file). Under --no-memory, or for a run
// that has no memory, the same cache lives in this process only: a re-run asks again.
import { createHmac } from 'node:crypto';
import { openDatabase } from './open-db.js';
import { Sql } from './statements.js';

export type AnalysisKind = 'sentiment' | 'embedding';

export class AnalysisCache {
  private readonly local = new Map<string, Buffer>();

  private constructor(
    private readonly sql: Sql | undefined,
    /** The memory file backing it, when there is one. */
    readonly path: string | undefined,
    /** The memory was created to hold it (the caller tells the user where, once). */
    readonly created: boolean,
  ) {}

  /** A cache in the memory at `file` (created when absent), or in this process only for undefined. */
  static async open(file: string | undefined): Promise<AnalysisCache> {
    if (file === undefined) return new AnalysisCache(undefined, undefined, false);
    const opened = await openDatabase(file, { create: true });
    if (!opened) return new AnalysisCache(undefined, undefined, false);
    return new AnalysisCache(new Sql(opened.db, opened.salt), opened.path, opened.created);
  }

  /** In this process only (tests of what uses it, and --no-memory). */
  static inProcess(): AnalysisCache {
    return new AnalysisCache(undefined, undefined, false);
  }

  get(kind: AnalysisKind, model: string, text: string): string | undefined {
    return this.getBytes(kind, model, text)?.toString('utf8');
  }

  put(kind: AnalysisKind, model: string, text: string, value: string): void {
    this.putBytes(kind, model, text, Buffer.from(value, 'utf8'));
  }

  /** An embedding, as stored: float32, little-endian. */
  getVector(model: string, text: string): Float32Array | undefined {
    const bytes = this.getBytes('embedding', model, text);
    if (!bytes) return undefined;
    const copy = new Uint8Array(bytes);
    return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
  }

  putVector(model: string, text: string, vector: ArrayLike<number>): void {
    const floats = Float32Array.from(vector);
    this.putBytes('embedding', model, text, Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength));
  }

  close(): void {
    this.sql?.db.close();
  }

  private getBytes(kind: AnalysisKind, model: string, text: string): Buffer | undefined {
    const hash = this.hashOf(text);
    if (!this.sql) return this.local.get(`${kind}\0${model}\0${hash}`);
    const row = this.sql.st('SELECT value FROM analysis_cache WHERE kind = ? AND model = ? AND hash = ?').get(kind, model, hash) as { value: Buffer } | undefined;
    return row?.value;
  }

  private putBytes(kind: AnalysisKind, model: string, text: string, value: Buffer): void {
    const hash = this.hashOf(text);
    if (!this.sql) {
      this.local.set(`${kind}\0${model}\0${hash}`, value);
      return;
    }
    this.sql
      .st('INSERT OR REPLACE INTO analysis_cache (kind, model, hash, value, at) VALUES (?, ?, ?, ?, ?)')
      .run(kind, model, hash, value, new Date().toISOString());
  }

  private hashOf(text: string): string {
    return createHmac('sha256', this.sql?.salt ?? 'in-process').update(text).digest('hex').slice(0, 32);
  }
}
