// Opening the memory's file: the folder 0700 and the file 0600 exist before SQLite sees them (it
// would otherwise create the file with the umask's mode), then WAL (readers never wait for a
// writer), a busy timeout (two draftsmith processes may share the memory), foreign keys, and
// secure_delete (deleted rows are overwritten, so `forget` leaves nothing behind in free pages).
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { PRIVATE_FILE_MODE, makePrivateDir } from '../private-files.js';
import { loadSqlite, type SqliteDatabase } from './load-sqlite.js';
import { migrate, notAMemory } from './schema.js';

export const BUSY_TIMEOUT_MS = 5000;

export interface OpenedDatabase {
  db: SqliteDatabase;
  path: string;
  created: boolean;
  schemaVersion: number;
  /** Random per database; salts the do-not-contact hashes. Empty for a read-only memory not yet migrated. */
  salt: string;
}

export interface OpenOptions {
  create?: boolean;
  readOnly?: boolean;
}

/** Undefined when the file does not exist and may not be created (or is empty and read-only). */
export async function openDatabase(file: string, opts: OpenOptions = {}): Promise<OpenedDatabase | undefined> {
  const abs = path.resolve(file);
  const readOnly = opts.readOnly ?? false;
  let created = false;
  if (!existsSync(abs)) {
    if (!opts.create || readOnly) return undefined;
    created = await createPrivateFile(abs);
  }
  const sqlite = await loadSqlite();
  let db: SqliteDatabase;
  try {
    db = sqlite.open(abs, { readonly: readOnly, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
  } catch (err) {
    throw notAMemory(abs, err);
  }
  try {
    const schemaVersion = configure(db, abs, readOnly);
    if (schemaVersion === 0) {
      db.close();
      return undefined;
    }
    privateSidecars(abs);
    const salt = (db.prepare("SELECT value FROM meta WHERE key = 'salt'").get() as { value: string } | undefined)?.value ?? '';
    return { db, path: abs, created, schemaVersion, salt };
  } catch (err) {
    db.close();
    throw err;
  }
}

function configure(db: SqliteDatabase, file: string, readOnly: boolean): number {
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    if (!readOnly) db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('secure_delete = ON');
    return migrate(db, file, readOnly, () => randomBytes(32).toString('hex'));
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') throw notAMemory(file, err);
    throw err;
  }
}

/** Creates the file 0600 (false when another process created it first). */
async function createPrivateFile(file: string): Promise<boolean> {
  await makePrivateDir(path.dirname(file));
  try {
    const handle = await open(file, 'wx', PRIVATE_FILE_MODE);
    await handle.chmod(PRIVATE_FILE_MODE);
    await handle.close();
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/** SQLite gives -wal and -shm the database's mode less the umask; make sure they are 0600. */
export function privateSidecars(file: string): void {
  for (const suffix of ['-wal', '-shm']) {
    try {
      chmodSync(file + suffix, PRIVATE_FILE_MODE);
    } catch {
      // not there (yet), or not ours to change: SQLite created it with the database's mode
    }
  }
}
