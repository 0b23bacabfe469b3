// The one import of better-sqlite3, loaded on first use so `--help` and the commands that never
// touch the memory do not pay for a native module. The binary npm built is for the node that ran
// `npm install`; under another node (the Node 24 end-to-end pass) it fails with an ABI mismatch, and
// a build for that node's ABI may sit in the folder node-pre-gyp uses:
// lib/binding/node-v<modules>-<platform>-<arch>/better_sqlite3.node (.ci/run puts one there).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { DraftsmithError } from '../../core/errors.js';

export type SqliteDatabase = BetterSqlite3.Database;
export type SqliteOptions = BetterSqlite3.Options;

export interface Sqlite {
  open(file: string, options?: SqliteOptions): SqliteDatabase;
  /** 'default' (build/Release), or the path of the ABI folder's binary that was loaded instead. */
  binding: string;
  /** SQLite's own version, e.g. 3.50.4. */
  sqliteVersion: string;
}

let loading: Promise<Sqlite> | undefined;

/** better-sqlite3, with its native addon checked (it loads on the first `new Database`). */
export function loadSqlite(): Promise<Sqlite> {
  loading ??= load().catch((err: unknown) => {
    loading = undefined;
    throw err;
  });
  return loading;
}

async function load(): Promise<Sqlite> {
  let Database: typeof BetterSqlite3;
  try {
    Database = (await import('better-sqlite3')).default;
  } catch (err) {
    throw nativeError(err);
  }
  try {
    return probe(Database, undefined);
  } catch (err) {
    const fallback = abiFolderBinary();
    if (isAbiMismatch(err) && fallback && existsSync(fallback)) {
      try {
        return probe(Database, fallback);
      } catch (second) {
        throw nativeError(second);
      }
    }
    throw nativeError(err);
  }
}

function probe(Database: typeof BetterSqlite3, nativeBinding: string | undefined): Sqlite {
  const options: SqliteOptions = nativeBinding ? { nativeBinding } : {};
  const db = kept(new Database(':memory:', options));
  const sqliteVersion = (db.prepare('select sqlite_version() as v').get() as { v: string }).v;
  db.close();
  return {
    open: (file, more) => kept(new Database(file, { ...more, ...options })),
    binding: nativeBinding ?? 'default',
    sqliteVersion,
  };
}

// better-sqlite3 12 built for Node 24 aborts the process ("Assertion failed: (env) != nullptr" in
// RemoveEnvironmentCleanupHook) when V8 collects one of its databases or statements while no Node
// context is current, e.g. at exit after node-llama-cpp ran (fixed in v13, which needs Node 22). So
// none is ever garbage: every database and statement stays referenced until the process ends,
// when Node's own cleanup destroys them safely. A command makes a few dozen of them. pragma() is
// routed through prepare() and exec() for the same reason: better-sqlite3's own makes a statement
// no one can keep.
const keptObjects: object[] = [];

function kept(db: SqliteDatabase): SqliteDatabase {
  keptObjects.push(db);
  const prepare = db.prepare.bind(db);
  const keptPrepare = (source: string) => {
    const statement = prepare(source);
    keptObjects.push(statement);
    return statement;
  };
  db.prepare = keptPrepare as SqliteDatabase['prepare'];
  db.pragma = ((source: string, opts?: { simple?: boolean }) => {
    if (source.includes('=')) return void db.exec(`PRAGMA ${source}`);
    const statement = keptPrepare(`PRAGMA ${source}`);
    return opts?.simple ? statement.pluck().get() : statement.all();
  }) as SqliteDatabase['pragma'];
  return db;
}

/** Where a build of better-sqlite3 for the running node's ABI goes (undefined when the package is missing). */
export function abiFolderBinary(): string | undefined {
  try {
    const pkg = createRequire(import.meta.url).resolve('better-sqlite3/package.json');
    const folder = `node-v${process.versions.modules}-${process.platform}-${process.arch}`;
    return path.join(path.dirname(pkg), 'lib', 'binding', folder, 'better_sqlite3.node');
  } catch {
    return undefined;
  }
}

function isAbiMismatch(err: unknown): boolean {
  const e = err as NodeJS.ErrnoException | undefined;
  return e?.code === 'ERR_DLOPEN_FAILED' || /NODE_MODULE_VERSION/.test(String(e?.message ?? ''));
}

function nativeError(err: unknown): DraftsmithError {
  const detail = String((err as Error)?.message ?? err).replace(/\s+/g, ' ').trim();
  return new DraftsmithError(`the memory's database module (better-sqlite3) does not load under Node ${process.versions.node}: ${detail}`, {
    cause: err,
    hint: 'run `npm rebuild better-sqlite3` where draftsmith is installed (it needs python3, make and a C++ compiler).',
  });
}
