// What the memory's approvals teach (issue 12): the approval_search index over the fields
// core/memory/search-fields.ts keeps (example-index.ts searches it), and the reviewer's edits
// (`learn`). The index holds only searchable field text, never names, addresses or private
// columns; the trigger of schema 2 takes a message's entry with it when the message goes.
import type { LearnedEdit, MessageText } from '../../core/memory/records.js';
import { searchableText } from '../../core/memory/search-fields.js';
import { parseFields } from './example-index.js';
import type { Sql } from './statements.js';

/** The schema that holds learning data (schema.ts migration 2): an older read-only memory has none. */
export const LEARNING_SCHEMA = 2;

/** Puts one approval's searchable fields in the index (replacing an entry it had). */
export function indexApproval(sql: Sql, id: number, fields: Readonly<Record<string, string>>): void {
  const text = searchableText(fields);
  sql.st('DELETE FROM approval_search WHERE rowid = ?').run(id);
  if (text !== '') sql.st('INSERT INTO approval_search (rowid, fields) VALUES (?, ?)').run(id, text);
}

type EditRow = { id: number; campaign: string; recipient_key: string; name: string | null; at: string; subject: string; body: string; original_subject: string | null; original_body: string; fields: string | null };

/** Edited approvals (approved or sent) of `profile` that kept the model's text, oldest first. */
export function editsIn(sql: Sql, profile: string): LearnedEdit[] {
  const rows = sql
    .st(
      `SELECT m.id, m.campaign, m.recipient_key, p.name, m.at, m.subject, m.body, m.original_subject, m.original_body, m.fields
       FROM messages m JOIN people p ON p.id = m.person_id
       WHERE m.profile = ? AND m.state IN ('approved', 'sent') AND m.edited = 1 AND m.original_body IS NOT NULL
       ORDER BY m.at, m.id`,
    )
    .all(profile) as EditRow[];
  return rows.map((r) => ({
    id: r.id,
    campaign: r.campaign,
    recipientKey: r.recipient_key,
    ...(r.name ? { name: r.name } : {}),
    at: r.at,
    original: text(r.original_subject, r.original_body),
    approved: text(r.original_subject === null ? null : r.subject, r.body),
    fields: parseFields(r.fields),
  }));
}

function text(subject: string | null, body: string): MessageText {
  return subject === null ? { body } : { subject, body };
}

export interface LearningProfile {
  /** The tone profile's absolute path, as recorded with the approvals. */
  profile: string;
  channel: string;
  /** Approvals (approved or sent) recorded with learning data. */
  approvals: number;
  /** Of those, edited ones that kept the model's text: what `learn` reads. */
  edited: number;
}

/** The profiles (and channels) the memory has learning data for, by profile path. */
export function learningProfilesIn(sql: Sql): LearningProfile[] {
  return sql
    .st(
      `SELECT profile, channel, count(*) AS approvals, sum(edited = 1 AND original_body IS NOT NULL) AS edited
       FROM messages WHERE fields IS NOT NULL AND profile IS NOT NULL AND state IN ('approved', 'sent')
       GROUP BY profile, channel ORDER BY profile, channel`,
    )
    .all() as LearningProfile[];
}
