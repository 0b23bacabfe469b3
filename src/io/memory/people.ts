// People: one row per person, found by recipient key or e-mail address. Mail is kept under the
// address; a drafted recipient also has its key (an `identity:` key meets mail by its address).
import { normaliseAddress } from '../../core/memory/who.js';
import type { Who } from '../../core/memory/records.js';
import type { Sql } from './statements.js';

/** The rows of a person (usually one; two when a key-only row and an address-only row meet later). */
export const PERSON_IDS = 'SELECT id FROM people WHERE key = ? OR email = ?';

export interface PersonRow {
  id: number;
  email: string | null;
  key: string | null;
  name: string | null;
  first_seen: string;
}

/** `ana@example.org`, `Ana <ana@example.org>` or `email:ana@example.org` -> by address; `id:`, `url:`, `cells:` keys as they are. */
export function targetWho(target: string): Who {
  const text = target.trim();
  if (/^(id|url|cells):/.test(text)) return { key: text };
  const email = normaliseAddress(text.startsWith('email:') ? text.slice('email:'.length) : text);
  return email ? { key: `email:${email}`, email } : { key: text };
}

/** The ids of a person's rows, by key or address (usually one). */
export function personIds(sql: Sql, who: Who): number[] {
  return sql.st(PERSON_IDS).pluck().all(who.key, who.email ?? null) as number[];
}

function whoParams(who: Who): { key: string; email: string | null } {
  return { key: who.key, email: who.email ?? null };
}

export function peopleOf(sql: Sql, who: Who): PersonRow[] {
  return sql.st('SELECT id, email, key, name, first_seen FROM people WHERE key = @key OR email = @email ORDER BY id').all(whoParams(who)) as PersonRow[];
}

/** The person's row by key, else by address (gaining the key), else a new row. */
export function personFor(sql: Sql, who: Who, name: string | undefined, at: string): { id: number; isNew: boolean } {
  const byKey = sql.st('SELECT id, email, name FROM people WHERE key = ?').get(who.key) as { id: number; email: string | null; name: string | null } | undefined;
  if (byKey) {
    if (!byKey.email && who.email && !emailTaken(sql, who.email)) sql.st('UPDATE people SET email = ? WHERE id = ?').run(who.email, byKey.id);
    if (name && !byKey.name) sql.st('UPDATE people SET name = ? WHERE id = ?').run(name, byKey.id);
    return { id: byKey.id, isNew: false };
  }
  if (who.email) {
    const byEmail = sql.st('SELECT id, key, name FROM people WHERE email = ?').get(who.email) as { id: number; key: string | null; name: string | null } | undefined;
    if (byEmail) {
      if (!byEmail.key) sql.st('UPDATE people SET key = ? WHERE id = ?').run(who.key, byEmail.id);
      if (name && !byEmail.name) sql.st('UPDATE people SET name = ? WHERE id = ?').run(name, byEmail.id);
      return { id: byEmail.id, isNew: false };
    }
  }
  const row = sql.st('INSERT INTO people (email, key, name, first_seen) VALUES (?, ?, ?, ?) RETURNING id').get(who.email ?? null, who.key, name ?? null, at) as { id: number };
  return { id: row.id, isNew: true };
}

/** The person mail to or from this address is kept under (imports know no recipient key). */
export function personByAddress(sql: Sql, email: string, name: string | undefined, at: string): { id: number; isNew: boolean } {
  const found = sql.st('SELECT id, name FROM people WHERE email = ?').get(email) as { id: number; name: string | null } | undefined;
  if (found) {
    if (name && !found.name) sql.st('UPDATE people SET name = ? WHERE id = ?').run(name, found.id);
    return { id: found.id, isNew: false };
  }
  const row = sql.st('INSERT INTO people (email, key, name, first_seen) VALUES (?, NULL, ?, ?) RETURNING id').get(email, name ?? null, at) as { id: number };
  return { id: row.id, isNew: true };
}

function emailTaken(sql: Sql, email: string): boolean {
  return sql.st('SELECT 1 FROM people WHERE email = ?').get(email) !== undefined;
}
