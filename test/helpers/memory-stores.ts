// A new memory (a real SQLite file) per call, in the test file's temporary folder, closed after each test.
import path from 'node:path';
import { afterEach } from 'vitest';
import { MemoryStore } from '../../src/io/memory/memory-store.js';
import { useTempDir, type TempDir } from './temp-dir.js';

export function useMemoryStores(prefix: string): { tmp: TempDir; fresh: () => Promise<MemoryStore>; keepOpen: (store: MemoryStore) => void } {
  const tmp = useTempDir(prefix);
  const open: MemoryStore[] = [];
  let n = 0;
  afterEach(() => {
    for (const s of open.splice(0)) s.close();
  });
  return {
    tmp,
    fresh: async () => {
      const store = (await MemoryStore.open(path.join(tmp.path, `m${++n}`, 'memory.db'), { create: true }))!;
      open.push(store);
      return store;
    },
    keepOpen: (store) => void open.push(store),
  };
}

/** Opens the memory at `file` (created if absent), lets `use` write to it, and closes it, whatever `use` throws. */
export async function withMemoryFile(file: string, use: (m: MemoryStore) => void): Promise<void> {
  const m = (await MemoryStore.open(file, { create: true }))!;
  try {
    use(m);
  } finally {
    m.close();
  }
}
