// doctor's facts about the memory: does better-sqlite3 load under this node, where the memory is,
// and (when it exists) its schema and modes. Opened read-only; never created.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { DraftsmithError } from '../core/errors.js';
import type { MemoryFact } from '../core/memory/memory-check.js';
import { loadSqlite } from '../io/memory/load-sqlite.js';
import { MemoryStore } from '../io/memory/memory-store.js';
import { SCHEMA_VERSION } from '../io/memory/schema.js';
import { memoryPath, type MemoryFlag } from './open-memory.js';

export async function checkMemory(flag: MemoryFlag, env: NodeJS.ProcessEnv, cwd: string): Promise<MemoryFact> {
  const file = memoryPath(flag, env, cwd);
  let module: MemoryFact['module'];
  try {
    const sqlite = await loadSqlite();
    module = { loads: true, binding: sqlite.binding, sqlite: sqlite.sqliteVersion };
  } catch (err) {
    module = { loads: false, error: (err as Error).message, ...(err instanceof DraftsmithError && err.hint ? { hint: err.hint } : {}) };
  }
  const info = await stat(file).catch(() => undefined);
  if (!info) return { path: file, module, schema: SCHEMA_VERSION };
  const dirMode = (await stat(path.dirname(file))).mode & 0o777;
  const fileFact: NonNullable<MemoryFact['file']> = { mode: info.mode & 0o777, dirMode };
  if (module.loads) {
    try {
      const store = await MemoryStore.open(file, { readOnly: true });
      fileFact.schemaVersion = store?.schemaVersion ?? 0;
      store?.close();
    } catch (err) {
      fileFact.error = (err as Error).message;
      if (err instanceof DraftsmithError && err.hint) fileFact.hint = err.hint;
    }
  }
  return { path: file, module, file: fileFact, schema: SCHEMA_VERSION };
}
