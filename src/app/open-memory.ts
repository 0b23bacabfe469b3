// Which memory a command uses, and opening it. Precedence: `--memory FILE`, else
// $DRAFTSMITH_MEMORY, else the per-user data folder (env-paths: $XDG_DATA_HOME/draftsmith on Linux,
// ~/Library/Application Support/draftsmith on macOS, %LOCALAPPDATA%\draftsmith\Data on Windows).
// `--no-memory` records nothing and puts no history into prompts, but an existing memory is still
// opened read-only: its do-not-contact list is honoured whatever the flags.
import path from 'node:path';
import envPaths from 'env-paths';
import { MemoryStore } from '../io/memory/memory-store.js';

/** commander gives `--memory FILE` as a string and `--no-memory` as false. */
export type MemoryFlag = string | false | undefined;

export interface OpenedMemory {
  store: MemoryStore;
  /** false under --no-memory: only the do-not-contact list may be read; no history in prompts, nothing recorded. */
  full: boolean;
}

export const MEMORY_FILE_NAME = 'memory.db';

/** The default memory: memory.db in the per-user data folder. */
export function defaultMemoryPath(env: NodeJS.ProcessEnv): string {
  const xdg = env.XDG_DATA_HOME?.trim();
  if (process.platform === 'linux' && xdg && path.isAbsolute(xdg)) return path.join(xdg, 'draftsmith', MEMORY_FILE_NAME);
  return path.join(envPaths('draftsmith', { suffix: '' }).data, MEMORY_FILE_NAME);
}

/** --memory FILE, else $DRAFTSMITH_MEMORY, else env-paths' data folder + memory.db (resolved against cwd). */
export function memoryPath(flag: MemoryFlag, env: NodeJS.ProcessEnv, cwd: string): string {
  if (typeof flag === 'string' && flag.trim() !== '') return path.resolve(cwd, flag);
  const fromEnv = env.DRAFTSMITH_MEMORY?.trim();
  if (fromEnv) return path.resolve(cwd, fromEnv);
  return path.resolve(cwd, defaultMemoryPath(env));
}

export function firstTimeNotice(file: string): string {
  return [
    `draftsmith: note: created the memory at ${file}`,
    '  It keeps, on this machine only, the messages you approve, the mail you import and who asked not to be contacted.',
    '  Turn it off for a run with --no-memory; erase a person with `draftsmith history forget ADDR`, or everything by deleting the file.',
    '',
  ].join('\n');
}

/**
 * 'read': opens only an existing memory. 'write': creates it when absent and calls notice() once
 * with where it is and how to turn it off or erase it. Under --no-memory (flag false): opens an
 * existing memory read-only, full=false, and never creates one.
 */
export async function openMemory(
  flag: MemoryFlag,
  deps: { env: NodeJS.ProcessEnv; cwd: string; notice: (message: string) => void },
  mode: 'read' | 'write',
): Promise<OpenedMemory | undefined> {
  const file = memoryPath(flag, deps.env, deps.cwd);
  if (flag === false) {
    const store = await MemoryStore.open(file, { readOnly: true });
    return store && { store, full: false };
  }
  const store = await MemoryStore.open(file, { create: mode === 'write' });
  if (!store) return undefined;
  if (store.created) deps.notice(firstTimeNotice(store.path));
  return { store, full: true };
}
