// A temporary folder for a test file: made before its tests, removed with all it holds after them.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';

export interface TempDir {
  /** The folder (set once the file's tests start). */
  readonly path: string;
  /** A folder of that name inside it, made if missing. */
  dir(name: string): string;
}

export function useTempDir(prefix: string): TempDir {
  let root: string | undefined;
  beforeAll(() => {
    root = mkdtempSync(path.join(os.tmpdir(), prefix));
  });
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });
  const tmp: TempDir = {
    get path() {
      if (!root) throw new Error('the temporary folder is made in beforeAll: use it inside a test or hook');
      return root;
    },
    dir(name) {
      const d = path.join(tmp.path, name);
      mkdirSync(d, { recursive: true });
      return d;
    },
  };
  return tmp;
}
