// The do-not-contact list: salted sha256 hashes of `email:<address>` and of recipient keys, never
// the address itself, so `forget` can erase a person and still keep them from being drafted
// again. The salt is random per database (meta.salt): a hash copied out of one memory matches
// nothing elsewhere, and a list of known addresses cannot be checked against it without the file.
import { createHash } from 'node:crypto';
import type { Suppression, Who } from '../../core/memory/records.js';
import { peopleOf } from './people.js';
import type { Sql } from './statements.js';

export type SuppressionKind = Suppression['kind'];

export const SUPPRESSION_SQL = 'SELECT kind, reason, at FROM do_not_contact WHERE hash = ?';

export function contactHash(salt: string, identity: string): string {
  return createHash('sha256').update(salt).update('\u0000').update(identity).digest('hex');
}

/** What a person is known by: the key, `email:<address>`, and those of their stored rows. */
export function identitiesOf(sql: Sql, who: Who): string[] {
  const out = new Set<string>([who.key]);
  if (who.email) out.add(`email:${who.email}`);
  for (const p of peopleOf(sql, who)) {
    if (p.key) out.add(p.key);
    if (p.email) out.add(`email:${p.email}`);
  }
  return [...out];
}

/** Marks every identity; true when any was not on the list yet. An opt-out replaces an undeliverable mark, never the reverse. */
export function markDoNotContact(sql: Sql, identities: readonly string[], kind: SuppressionKind, reason: string, at: string): boolean {
  let added = false;
  for (const identity of identities) {
    const result = sql
      .st(
        `INSERT INTO do_not_contact (hash, kind, reason, at) VALUES (?, ?, ?, ?)
         ON CONFLICT (hash) DO UPDATE SET kind = excluded.kind, reason = excluded.reason, at = excluded.at
         WHERE do_not_contact.kind = 'undeliverable' AND excluded.kind = 'opted-out'`,
      )
      .run(contactHash(sql.salt, identity), kind, reason, at);
    if (result.changes > 0) added = true;
  }
  return added;
}

export function clearDoNotContact(sql: Sql, identities: readonly string[]): boolean {
  let removed = 0;
  for (const identity of identities) removed += sql.st('DELETE FROM do_not_contact WHERE hash = ?').run(contactHash(sql.salt, identity)).changes;
  return removed > 0;
}

/** By the key or the address only: two hashes and two index lookups per drafted row. */
export function suppressionOf(sql: Sql, who: Who): Suppression | undefined {
  if (!sql.salt) return undefined;
  const find = sql.st(SUPPRESSION_SQL);
  const byKey = find.get(contactHash(sql.salt, who.key)) as Suppression | undefined;
  if (byKey?.kind === 'opted-out' || !who.email) return byKey;
  const byEmail = find.get(contactHash(sql.salt, `email:${who.email}`)) as Suppression | undefined;
  return byEmail?.kind === 'opted-out' ? byEmail : (byKey ?? byEmail);
}
