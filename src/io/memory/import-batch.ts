// Imported mail, one transaction per batch: a batch is in the memory whole or not at all (a kill
// in the middle leaves the batches before it). Idempotent: a message seen before (Message-ID,
// else content hash) is a duplicate; a sent message that is an approved one (Message-ID, else the
// same person and subject) marks that approval sent instead of adding a row.
import type { ImportBatchResult, ImportedMessage } from '../../core/memory/records.js';
import { identitiesOf, markDoNotContact } from './do-not-contact.js';
import { isoTime } from './messages.js';
import { personByAddress } from './people.js';
import type { Sql } from './statements.js';

export function importBatchIn(sql: Sql, messages: readonly ImportedMessage[]): ImportBatchResult {
  const result: ImportBatchResult = { added: 0, duplicates: 0, matchedApprovals: 0, newPeople: 0, knownPeople: 0, optedOut: 0, undeliverable: 0 };
  const seen = new Map<number, boolean>();
  sql.db.transaction(() => {
    for (const m of messages) {
      const at = isoTime(m.at);
      const person = personByAddress(sql, m.address, m.name, at);
      if (!seen.has(person.id)) seen.set(person.id, person.isNew);
      if (m.bounce) importBounce(sql, m, at, result);
      else importMessage(sql, m, person.id, at, result);
    }
  }).immediate();
  for (const isNew of seen.values()) {
    if (isNew) result.newPeople++;
    else result.knownPeople++;
  }
  return result;
}

function importBounce(sql: Sql, m: ImportedMessage, at: string, result: ImportBatchResult): void {
  const fresh = sql.st('INSERT OR IGNORE INTO reports (content_hash, at) VALUES (?, ?)').run(m.contentHash, at).changes > 0;
  if (!fresh) {
    result.duplicates++;
    return;
  }
  const reason = `mail of ${at.slice(0, 10)} bounced: ${m.bounce!.reason}`.slice(0, 200);
  if (markDoNotContact(sql, identitiesOf(sql, { key: `email:${m.address}`, email: m.address }), 'undeliverable', reason, at)) result.undeliverable++;
}

function importMessage(sql: Sql, m: ImportedMessage, personId: number, at: string, result: ImportBatchResult): void {
  const known = findKnown(sql, m);
  if (known) {
    if (m.direction === 'sent' && known.state === 'approved') markSent(sql, known.id, m, at, result);
    else result.duplicates++;
    return;
  }
  if (m.direction === 'sent') {
    const approval = sql
      .st("SELECT id FROM messages WHERE person_id = ? AND state = 'approved' AND subject = ? ORDER BY at DESC LIMIT 1")
      .get(personId, m.subject) as { id: number } | undefined;
    if (approval) {
      markSent(sql, approval.id, m, at, result);
      return;
    }
  }
  sql
    .st('INSERT INTO messages (person_id, state, at, subject, body, message_id, content_hash, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    .run(personId, m.direction, at, m.subject, m.text, m.messageId ?? null, m.contentHash, m.source);
  result.added++;
  if (m.optOut && m.direction === 'received') {
    const reason = `reply of ${at.slice(0, 10)} asked to stop`;
    if (markDoNotContact(sql, identitiesOf(sql, { key: `email:${m.address}`, email: m.address }), 'opted-out', reason, at)) result.optedOut++;
  }
}

function findKnown(sql: Sql, m: ImportedMessage): { id: number; state: string } | undefined {
  if (m.messageId) {
    const byId = sql.st('SELECT id, state FROM messages WHERE message_id = ? LIMIT 1').get(m.messageId) as { id: number; state: string } | undefined;
    if (byId) return byId;
  }
  return sql.st('SELECT id, state FROM messages WHERE content_hash = ? LIMIT 1').get(m.contentHash) as { id: number; state: string } | undefined;
}

/** The approval was sent: it takes the sent time, and the import's hash so importing it again is a duplicate. */
function markSent(sql: Sql, id: number, m: ImportedMessage, at: string, result: ImportBatchResult): void {
  sql.st("UPDATE messages SET state = 'sent', at = ?, content_hash = ?, source = ? WHERE id = ?").run(at, m.contentHash, m.source, id);
  result.matchedApprovals++;
}
