// The memory's tables, as migrations numbered by `PRAGMA user_version`. Each migration runs once,
// in one transaction with the version bump; a database newer than this draftsmith is refused
// rather than guessed at. The README's "Memory" section documents every table and column for
// people who open the file with `sqlite3`: change both together.
import { DraftsmithError, InputError } from '../../core/errors.js';
import type { SqliteDatabase } from './load-sqlite.js';

export const MIGRATIONS: readonly string[] = [
  // 1: people, their messages, the do-not-contact list (salted hashes), files that hold addresses.
  `
  CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE people (
    id         INTEGER PRIMARY KEY,
    email      TEXT UNIQUE,
    key        TEXT UNIQUE,
    name       TEXT,
    first_seen TEXT NOT NULL
  );
  CREATE TABLE messages (
    id           INTEGER PRIMARY KEY,
    person_id    INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    state        TEXT NOT NULL CHECK (state IN ('approved', 'withdrawn', 'sent', 'received')),
    at           TEXT NOT NULL,
    subject      TEXT NOT NULL DEFAULT '',
    body         TEXT NOT NULL DEFAULT '',
    message_id   TEXT,
    content_hash TEXT,
    campaign     TEXT,
    recipient_key TEXT,
    version      INTEGER,
    decided_at   TEXT,
    edited       INTEGER,
    profile      TEXT,
    engine       TEXT,
    model        TEXT,
    reviewer     TEXT,
    source       TEXT
  );
  CREATE INDEX messages_by_person ON messages (person_id, at);
  CREATE INDEX messages_by_message_id ON messages (message_id) WHERE message_id IS NOT NULL;
  CREATE INDEX messages_by_content_hash ON messages (content_hash) WHERE content_hash IS NOT NULL;
  CREATE UNIQUE INDEX messages_approval ON messages (campaign, recipient_key, version);
  CREATE TABLE do_not_contact (
    hash   TEXT PRIMARY KEY,
    kind   TEXT NOT NULL CHECK (kind IN ('opted-out', 'undeliverable')),
    reason TEXT NOT NULL,
    at     TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE reports (
    content_hash TEXT PRIMARY KEY,
    at           TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE files (
    path     TEXT PRIMARY KEY,
    kind     TEXT NOT NULL CHECK (kind IN ('drafts', 'export')),
    noted_at TEXT NOT NULL
  ) WITHOUT ROWID;
  `,
  // 2 (issue 12, learning): what an approval teaches. The channel, the model's own text when the
  // reviewer edited it, the recipient's non-private fields as the model saw them (JSON), and a
  // full-text index over the fields worth matching people on (core/memory/search-fields.ts), for
  // picking earlier approvals as examples. The index stores no text of its own (contentless) and
  // overwrites what it deletes (secure-delete); a message leaving the table leaves the index too.
  `
  ALTER TABLE messages ADD COLUMN channel TEXT;
  ALTER TABLE messages ADD COLUMN original_subject TEXT;
  ALTER TABLE messages ADD COLUMN original_body TEXT;
  ALTER TABLE messages ADD COLUMN fields TEXT;
  CREATE INDEX messages_learning ON messages (profile, channel) WHERE fields IS NOT NULL;
  CREATE VIRTUAL TABLE approval_search USING fts5 (
    fields, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2'
  );
  INSERT INTO approval_search (approval_search, rank) VALUES ('secure-delete', 1);
  CREATE TRIGGER messages_leave_search AFTER DELETE ON messages WHEN old.fields IS NOT NULL BEGIN
    DELETE FROM approval_search WHERE rowid = old.id;
  END;
  `,
  // 3 (issue 13): what the model said about a text, asked once: a reply's sentiment (JSON), an
  // embedding (float32 bytes). Found by a salted hash of the text, never the text itself; derived
  // data, so `history forget` and `purge` empty it (it is asked again when next needed).
  `
  CREATE TABLE analysis_cache (
    kind  TEXT NOT NULL CHECK (kind IN ('sentiment', 'embedding')),
    model TEXT NOT NULL,
    hash  TEXT NOT NULL,
    value BLOB NOT NULL,
    at    TEXT NOT NULL,
    PRIMARY KEY (kind, model, hash)
  ) WITHOUT ROWID;
  `,
];

/** The schema this draftsmith writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings the database to SCHEMA_VERSION (read-only: only checks it is a memory this draftsmith
 * can read). The version is read again inside the write transaction: two processes opening a new
 * memory at once migrate it once.
 */
export function migrate(db: SqliteDatabase, file: string, readOnly: boolean, salt: () => string): number {
  const version = checkVersion(db, file);
  if (version === SCHEMA_VERSION || readOnly) return version;
  db.transaction(() => {
    const now = checkVersion(db, file);
    for (let v = now; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v]!);
    db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('salt', ?)").run(salt());
    db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('created_at', ?)").run(new Date().toISOString());
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
  return SCHEMA_VERSION;
}

function checkVersion(db: SqliteDatabase, file: string): number {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new DraftsmithError(`${file} is a memory of a newer draftsmith (schema ${version}; this one knows up to ${SCHEMA_VERSION})`, {
      hint: 'upgrade draftsmith (npm install -g draftsmith@latest), or use another file with --memory FILE.',
    });
  }
  if (version === 0 && hasTables(db)) throw notAMemory(file);
  return version;
}

function hasTables(db: SqliteDatabase): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' LIMIT 1").get() !== undefined;
}

export function notAMemory(file: string, cause?: unknown): InputError {
  return new InputError(`${file} is not a draftsmith memory`, {
    cause,
    hint: 'point --memory (or DRAFTSMITH_MEMORY) at a draftsmith memory file, or at a path where a new one may be created.',
  });
}
