// Prepared statements, prepared once per open memory: preparing costs more than running a
// history lookup, which happens once per drafted row.
import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase } from './load-sqlite.js';

export type Statement = BetterSqlite3.Statement;

export class Sql {
  private readonly cache = new Map<string, Statement>();
  constructor(
    readonly db: SqliteDatabase,
    /** The database's do-not-contact salt. */
    readonly salt: string,
  ) {}

  st(sql: string): Statement {
    let statement = this.cache.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.cache.set(sql, statement);
    }
    return statement;
  }
}
