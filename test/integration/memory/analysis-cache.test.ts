// The analysis cache (issue 13): what the model said about a text, kept in the memory by a salted
// hash of the text, so a re-run asks nothing again; never the text itself; emptied by forget and purge.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AnalysisCache } from '../../../src/io/memory/analysis-cache.js';
import { MemoryStore } from '../../../src/io/memory/memory-store.js';
import { useMemoryStores } from '../../helpers/memory-stores.js';
import { mail } from '../../helpers/memory-records.js';

const { tmp } = useMemoryStores('analysis-cache-');
const REPLY = 'Honestly the last release broke our nightly export twice; we are considering alternatives.';

describe('AnalysisCache', () => {
  it('keeps a sentiment and an embedding across processes, by model, in a 0600 memory it creates', async () => {
    const file = path.join(tmp.path, 'a', 'memory.db');
    const first = await AnalysisCache.open(file);
    expect(first.created).toBe(true);
    first.put('sentiment', 'llama3.2', REPLY, '{"sentiment":"negative"}');
    first.putVector('nomic-embed-text', REPLY, [0.25, -0.5, 1 / 3]);
    first.close();
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const again = await AnalysisCache.open(file);
    expect(again.created).toBe(false);
    expect(again.get('sentiment', 'llama3.2', REPLY)).toBe('{"sentiment":"negative"}');
    expect(again.get('sentiment', 'qwen2.5', REPLY)).toBeUndefined();
    expect(again.get('embedding', 'llama3.2', REPLY)).toBeUndefined();
    expect([...again.getVector('nomic-embed-text', REPLY)!]).toEqual([0.25, -0.5, Math.fround(1 / 3)]);
    again.close();
  });

  it('stores a keyed hash of the text, never the text', async () => {
    const file = path.join(tmp.path, 'b', 'memory.db');
    const cache = await AnalysisCache.open(file);
    cache.put('sentiment', 'm', REPLY, '{"sentiment":"negative"}');
    cache.close();
    const bytes = ['', '-wal'].map((s) => { try { return readFileSync(file + s).toString('latin1'); } catch { return ''; } }).join('');
    expect(bytes).toContain('"sentiment":"negative"');
    expect(bytes).not.toContain('nightly export');
  });

  it('in this process only under --no-memory', () => {
    const cache = AnalysisCache.inProcess();
    cache.put('sentiment', 'm', 'a', 'x');
    expect(cache.get('sentiment', 'm', 'a')).toBe('x');
    expect(AnalysisCache.inProcess().get('sentiment', 'm', 'a')).toBeUndefined();
  });

  it('is emptied when a person is forgotten: which hash came from whom cannot be told', async () => {
    const file = path.join(tmp.path, 'c', 'memory.db');
    const store = (await MemoryStore.open(file, { create: true }))!;
    store.importBatch([mail({ text: REPLY })]);
    const cache = await AnalysisCache.open(file);
    cache.put('sentiment', 'm', REPLY, '{"sentiment":"negative"}');
    store.forget(['nobody@example.org']);
    expect(cache.get('sentiment', 'm', REPLY)).toBeDefined();
    store.forget(['ana@example.org']);
    expect(cache.get('sentiment', 'm', REPLY)).toBeUndefined();
    cache.close();
    store.close();
  });
});
