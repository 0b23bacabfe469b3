// `history show`, `forget`, `purge` and `stats`: what the memory holds about a person, and erasing
// it. Forgetting deletes the person's rows (secure_delete overwrites them; schema 2's trigger takes
// their entries out of the example index, which is then rewritten), rebuilds the file
// (VACUUM) and empties the write-ahead log (checkpoint TRUNCATE), so the address is in none of
// memory.db, -wal or -shm afterwards. A person who had opted out stays on the do-not-contact list,
// which holds only salted hashes: forgetting never makes a person contactable again.
import path from 'node:path';
import type { MessageState } from '../../core/memory/records.js';
import type { ForgetResult, MemoryStats, PersonReport, StoredMessage } from '../../core/memory/reports.js';
import { identitiesOf, markDoNotContact, suppressionOf } from './do-not-contact.js';
import { parseFields } from './example-index.js';
import { LEARNING_SCHEMA } from './learning.js';
import { peopleOf, targetWho } from './people.js';
import type { Sql } from './statements.js';

type MessageRow = { at: string; state: MessageState; subject: string; body: string; message_id: string | null; campaign: string | null; version: number | null; decided_at: string | null; edited: number | null; profile: string | null; engine: string | null; model: string | null; reviewer: string | null; source: string | null; original_subject?: string | null; original_body?: string | null; channel?: string | null; fields?: string | null };

export function showPerson(sql: Sql, target: string): PersonReport {
  const who = targetWho(target);
  const people = peopleOf(sql, who);
  const ids = people.map((p) => p.id);
  const rows = ids.length === 0 ? [] : (sql.db.prepare(`SELECT * FROM messages WHERE person_id IN (${ids.join(',')}) ORDER BY at, id`).all() as MessageRow[]);
  const suppression = suppressionOf(sql, who) ?? people.map((p) => suppressionOf(sql, { key: p.key ?? who.key, ...(p.email ? { email: p.email } : {}) })).find(Boolean);
  return {
    target,
    people: people.map((p) => ({ ...(p.email ? { email: p.email } : {}), ...(p.key ? { key: p.key } : {}), ...(p.name ? { name: p.name } : {}), firstSeen: p.first_seen })),
    messages: rows.map(storedMessage),
    ...(suppression ? { suppression } : {}),
  };
}

function storedMessage(r: MessageRow): StoredMessage {
  const optional = { messageId: r.message_id, campaign: r.campaign, version: r.version, decidedAt: r.decided_at, profile: r.profile, engine: r.engine, model: r.model, reviewer: r.reviewer, source: r.source };
  const present = Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== null));
  const original = r.original_body == null ? {} : { original: r.original_subject == null ? { body: r.original_body } : { subject: r.original_subject, body: r.original_body } };
  const learning = { ...(r.channel ? { channel: r.channel } : {}), ...(r.fields ? { fields: parseFields(r.fields) } : {}) };
  return { at: r.at, state: r.state, subject: r.subject, text: r.body, ...present, ...(r.edited === null ? {} : { edited: r.edited === 1 }), ...original, ...learning };
}

export function forgetPeople(sql: Sql, targets: readonly string[]): ForgetResult {
  const result: ForgetResult = { forgotten: [], notFound: [], addresses: [], files: [], complete: true };
  const addresses = new Set<string>();
  sql.db.transaction(() => {
    for (const target of targets) {
      const who = targetWho(target);
      if (who.email) addresses.add(who.email);
      const people = peopleOf(sql, who);
      for (const p of people) if (p.email) addresses.add(p.email);
      const identities = identitiesOf(sql, who);
      const suppressed = suppressionOf(sql, who) ?? identities.map((i) => suppressionOf(sql, { key: i })).find(Boolean);
      // Every identity the person had goes on the list with the kind they had, before their rows go.
      if (suppressed) markDoNotContact(sql, identities, suppressed.kind, suppressed.reason, suppressed.at);
      if (people.length === 0) {
        result.notFound.push(target);
        continue;
      }
      const ids = people.map((p) => p.id).join(',');
      const messages = sql.db.prepare(`DELETE FROM messages WHERE person_id IN (${ids})`).run().changes;
      sql.db.prepare(`DELETE FROM people WHERE id IN (${ids})`).run();
      result.forgotten.push({ target, people: people.length, messages, keptOnDoNotContact: suppressed !== undefined });
    }
    if (result.forgotten.length > 0) clearAnalysisCache(sql);
  }).immediate();
  result.addresses = [...addresses];
  result.files = sql.st('SELECT path, kind FROM files ORDER BY path').all() as ForgetResult['files'];
  result.complete = compact(sql, true);
  return result;
}

/** Deletes messages older than the cutoff, and people left with none; returns the messages deleted. */
export function purgeOlderThan(sql: Sql, olderThanDays: number, now: Date): number {
  const cutoff = new Date(now.getTime() - olderThanDays * 86_400_000).toISOString();
  const deleted = sql.db.transaction(() => {
    const n = sql.st('DELETE FROM messages WHERE at < ?').run(cutoff).changes;
    sql.st('DELETE FROM people WHERE NOT EXISTS (SELECT 1 FROM messages WHERE person_id = people.id)').run();
    if (n > 0) clearAnalysisCache(sql);
    return n;
  }).immediate();
  if (deleted > 0) compact(sql, true);
  return deleted;
}

/**
 * The cached sentiments and embeddings are derived from people's texts, found by hash alone: which
 * belong to whom cannot be told, so erasing anyone empties all of it (it is asked again when needed).
 */
function clearAnalysisCache(sql: Sql): void {
  sql.st('DELETE FROM analysis_cache').run();
}

/**
 * VACUUM (optional) and an emptied write-ahead log; false when a reader kept the log. Before the
 * VACUUM the example index is merged into one new segment: a delete from it leaves a tombstone
 * beside the old entry (the words themselves) until its segments are rewritten.
 */
export function compact(sql: Sql, vacuum: boolean): boolean {
  if (vacuum && hasSearchIndex(sql)) sql.db.exec("INSERT INTO approval_search (approval_search) VALUES ('optimize')");
  if (vacuum) sql.db.exec('VACUUM');
  const [row] = sql.db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
  return (row?.busy ?? 0) === 0;
}

function learningCounts(sql: Sql): MemoryStats['learning'] {
  const learns = (sql.db.pragma('user_version', { simple: true }) as number) >= LEARNING_SCHEMA;
  const row = sql
    .st(
      learns
        ? "SELECT count(*) FILTER (WHERE edited = 1) AS edited, count(*) FILTER (WHERE edited = 1 AND original_body IS NOT NULL) AS withOriginal, count(*) FILTER (WHERE fields IS NOT NULL) AS examples FROM messages WHERE state IN ('approved', 'sent')"
        : "SELECT count(*) FILTER (WHERE edited = 1) AS edited, 0 AS withOriginal, 0 AS examples FROM messages WHERE state IN ('approved', 'sent')",
    )
    .get() as MemoryStats['learning'];
  return row;
}

function hasSearchIndex(sql: Sql): boolean {
  return sql.st("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'approval_search'").get() !== undefined;
}

export function statsOf(sql: Sql): Omit<MemoryStats, 'path' | 'bytes' | 'schemaVersion'> {
  const messages: Record<MessageState, number> = { approved: 0, withdrawn: 0, sent: 0, received: 0 };
  for (const r of sql.st('SELECT state, count(*) AS n FROM messages GROUP BY state').all() as { state: MessageState; n: number }[]) messages[r.state] = r.n;
  const dnc = { optedOut: 0, undeliverable: 0 };
  for (const r of sql.st('SELECT kind, count(*) AS n FROM do_not_contact GROUP BY kind').all() as { kind: string; n: number }[]) {
    if (r.kind === 'opted-out') dnc.optedOut = r.n;
    else dnc.undeliverable = r.n;
  }
  const files = { drafts: 0, export: 0 };
  for (const r of sql.st('SELECT kind, count(*) AS n FROM files GROUP BY kind').all() as { kind: 'drafts' | 'export'; n: number }[]) files[r.kind] = r.n;
  const people = (sql.st('SELECT count(*) AS n FROM people').get() as { n: number }).n;
  const span = sql.st('SELECT min(at) AS oldest, max(at) AS newest FROM messages').get() as { oldest: string | null; newest: string | null };
  return { people, messages, doNotContact: dnc, files, learning: learningCounts(sql), ...(span.oldest ? { oldest: span.oldest } : {}), ...(span.newest ? { newest: span.newest } : {}) };
}

/** Kept as an absolute path (relative ones against this process's folder). */
/** The files noted as `kind` (absolute paths, sorted). */
export function filesIn(sql: Sql, kind: 'drafts' | 'export'): string[] {
  return sql.st('SELECT path FROM files WHERE kind = ? ORDER BY path').pluck().all(kind) as string[];
}

/** The campaigns the memory knows (absolute paths, sorted): drafts files noted by `draft`, and those approvals came from. */
export function campaignsIn(sql: Sql): string[] {
  return sql.st("SELECT path FROM files WHERE kind = 'drafts' UNION SELECT campaign FROM messages WHERE campaign IS NOT NULL ORDER BY 1").pluck().all() as string[];
}

export function noteFileIn(sql: Sql, file: string, kind: 'drafts' | 'export'): void {
  const at = new Date().toISOString();
  sql.st('INSERT INTO files (path, kind, noted_at) VALUES (?, ?, ?) ON CONFLICT (path) DO UPDATE SET kind = excluded.kind, noted_at = excluded.noted_at').run(path.resolve(file), kind, at);
}
