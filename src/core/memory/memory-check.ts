// `draftsmith doctor`'s memory line: the native module loads, where the memory is, its schema
// and its file mode. Pure: app/doctor-memory.ts finds the facts.
import type { CheckResult } from '../doctor-checks.js';

export interface MemoryFact {
  path: string;
  /** better-sqlite3: which binary loaded (`default` or the ABI folder's), or why none did. */
  module: { loads: true; binding: string; sqlite: string } | { loads: false; error: string; hint?: string };
  /** Absent when no memory exists there yet. */
  file?: {
    /** Permission bits of the file and of its folder. */
    mode: number;
    dirMode: number;
    schemaVersion?: number;
    /** The file could not be opened as a memory (not one, a newer schema). */
    error?: string;
    hint?: string;
  };
  /** The schema this draftsmith writes. */
  schema: number;
}

/** Whether drafting with the memory on can run (the module loads and the file, if any, is a memory it reads). */
export function memoryUsable(f: MemoryFact): boolean {
  return f.module.loads && f.file?.error === undefined;
}

export function memoryCheck(f: MemoryFact): CheckResult {
  if (!f.module.loads) {
    return { name: 'memory', level: 'fail', detail: `the database module does not load: ${f.module.error}`, fix: f.module.hint ?? 'npm rebuild better-sqlite3' };
  }
  const module = f.module.binding === 'default' ? `SQLite ${f.module.sqlite}` : `SQLite ${f.module.sqlite}, from ${f.module.binding}`;
  if (!f.file) {
    return { name: 'memory', level: 'ok', detail: `none yet at ${f.path} (the first run that records creates it; --no-memory turns it off); ${module}` };
  }
  if (f.file.error !== undefined) return { name: 'memory', level: 'fail', detail: f.file.error.includes(f.path) ? f.file.error : `${f.path}: ${f.file.error}`, fix: f.file.hint ?? 'use another file with --memory FILE' };
  const loose = [(f.file.mode & 0o077) !== 0 && `the file is ${octal(f.file.mode)}`, (f.file.dirMode & 0o077) !== 0 && `its folder is ${octal(f.file.dirMode)}`].filter(Boolean);
  const detail = `${f.path}, schema ${f.file.schemaVersion ?? '?'} (this draftsmith writes ${f.schema}), mode ${octal(f.file.mode)}; ${module}`;
  if (loose.length > 0) {
    const fixes = [(f.file.mode & 0o077) !== 0 && `chmod 600 '${f.path}'`, (f.file.dirMode & 0o077) !== 0 && 'chmod 700 its folder'].filter(Boolean);
    return { name: 'memory', level: 'warn', detail: `${detail}: ${loose.join(' and ')}, readable by others`, fix: fixes.join(' and ') };
  }
  return { name: 'memory', level: 'ok', detail };
}

const octal = (mode: number) => `0${(mode & 0o777).toString(8)}`;
