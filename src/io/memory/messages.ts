// A person's messages: approvals recorded by review and approve, mail imported as sent or
// received. `history` feeds prompts, the review card and the lint; it runs once per drafted row,
// so it is one indexed query (people by key or address, then messages by person and time).
import { normaliseMessageId } from '../../core/export/message-id.js';
import type { Approval, HistoryBudget, HistoryItem, Who } from '../../core/memory/records.js';
import { indexApproval } from './learning.js';
import { personFor, personIds } from './people.js';
import type { Sql } from './statements.js';

const DAY_MS = 86_400_000;

export const HISTORY_SQL = `SELECT at, state, subject, campaign,
    CASE WHEN length(body) > ? THEN rtrim(substr(body, 1, ? - 1)) || '…' ELSE body END AS text
  FROM messages
  WHERE person_id = ? AND state <> 'withdrawn' AND at >= ? AND (? IS NULL OR campaign IS NOT ?)
  ORDER BY at DESC, id DESC LIMIT ?`;

export const LAST_RECEIVED_SQL = "SELECT max(at) FROM messages WHERE person_id = ? AND state = 'received'";

export const LAST_REPLY_SQL = "SELECT at, body AS text FROM messages WHERE person_id = ? AND state = 'received' ORDER BY at DESC, id DESC LIMIT 1";

type HistoryRow = { at: string; state: HistoryItem['state']; subject: string; text: string; campaign: string | null };

/**
 * Newest first, within the budget (a cut text ends with an ellipsis); never withdrawn, never a
 * message of `excludeCampaign`. Two small indexed queries (the person, then their messages by
 * time): one query with a subquery cost three times as much.
 */
export function historyOf(sql: Sql, who: Who, budget: HistoryBudget, opts: { excludeCampaign?: string; now?: Date } = {}): HistoryItem[] {
  if (budget.items <= 0) return [];
  const people = personIds(sql, who);
  if (people.length === 0) return [];
  const since = new Date((opts.now ?? new Date()).getTime() - budget.sinceDays * DAY_MS).toISOString();
  const chars = Math.max(1, budget.excerptChars);
  const exclude = opts.excludeCampaign ?? null;
  const statement = sql.st(HISTORY_SQL);
  let rows = statement.all(chars, chars, people[0], since, exclude, exclude, budget.items) as HistoryRow[];
  if (people.length > 1) {
    for (const person of people.slice(1)) rows = rows.concat(statement.all(chars, chars, person, since, exclude, exclude, budget.items) as HistoryRow[]);
    rows = rows.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)).slice(0, budget.items);
  }
  return rows.map((r) => (r.campaign ? { at: r.at, state: r.state, subject: r.subject, text: r.text, campaign: r.campaign } : { at: r.at, state: r.state, subject: r.subject, text: r.text }));
}

export function lastReceivedAtOf(sql: Sql, who: Who): string | undefined {
  let last: string | undefined;
  for (const person of personIds(sql, who)) {
    const at = sql.st(LAST_RECEIVED_SQL).pluck().get(person) as string | null;
    if (at && (!last || at > last)) last = at;
  }
  return last;
}

/** The newest message the person wrote to us (quotes and signature already stripped at import): its time and text. */
export function lastReplyOf(sql: Sql, who: Who): { at: string; text: string } | undefined {
  let last: { at: string; text: string } | undefined;
  for (const person of personIds(sql, who)) {
    const row = sql.st(LAST_REPLY_SQL).get(person) as { at: string; text: string } | undefined;
    if (row && (!last || row.at > last.at)) last = { at: row.at, text: row.text };
  }
  return last;
}

/**
 * Idempotent on (campaign, recipient key, version). A withdrawn approval of the same version approved
 * again is approved again; other approved versions of this campaign and person are withdrawn
 * (one version of a draft is approved at a time). Another text of the same version (another of its
 * variants, issue 13) replaces the text recorded: the memory holds what was approved last.
 */
export function recordApprovalIn(sql: Sql, a: Approval): void {
  const at = isoTime(a.at);
  sql.db.transaction(() => {
    const person = personFor(sql, a.who, a.name, at);
    const inserted = sql
      .st(
        `INSERT INTO messages (person_id, state, at, subject, body, message_id, campaign, recipient_key, version, decided_at, edited, profile, engine, model, reviewer,
           channel, original_subject, original_body, fields)
         VALUES (@person, 'approved', @at, @subject, @body, @messageId, @campaign, @key, @version, @at, @edited, @profile, @engine, @model, @reviewer,
           @channel, @originalSubject, @originalBody, @fields)
         ON CONFLICT (campaign, recipient_key, version) DO UPDATE SET state = 'approved', at = excluded.at, decided_at = excluded.at, reviewer = excluded.reviewer,
           subject = excluded.subject, body = excluded.body, message_id = excluded.message_id, original_subject = excluded.original_subject, original_body = excluded.original_body
         WHERE messages.state = 'withdrawn' OR (messages.state = 'approved' AND (messages.body <> excluded.body OR messages.subject <> excluded.subject))
         RETURNING id, fields`,
      )
      .get({ person: person.id, at, ...approvalColumns(a) }) as { id: number; fields: string | null } | undefined;
    // A new row, or a withdrawn one approved again: its fields (as first recorded) back in the index.
    if (inserted?.fields) indexApproval(sql, inserted.id, JSON.parse(inserted.fields) as Record<string, string>);
    sql
      .st("UPDATE messages SET state = 'withdrawn' WHERE campaign = ? AND recipient_key = ? AND version <> ? AND state = 'approved'")
      .run(a.campaign, a.who.key, a.version);
  }).immediate();
}

/** The columns of an approval's row; learning data (schema 2) only when the caller knew the profile. */
function approvalColumns(a: Approval) {
  const learning = a.learning;
  return {
    subject: a.subject ?? '',
    body: a.body,
    messageId: normaliseMessageId(a.messageId) ?? null,
    campaign: a.campaign,
    key: a.who.key,
    version: a.version,
    edited: a.edited ? 1 : 0,
    profile: a.profile ?? null,
    engine: a.engine,
    model: a.model,
    reviewer: a.reviewer,
    channel: learning?.channel ?? null,
    originalSubject: learning?.original?.subject ?? null,
    originalBody: learning?.original?.body ?? null,
    fields: learning ? JSON.stringify(learning.fields) : null,
  };
}

export function withdrawApprovalIn(sql: Sql, campaign: string, key: string): void {
  sql
    .st("UPDATE messages SET state = 'withdrawn' WHERE campaign = ? AND recipient_key = ? AND state = 'approved'")
    .run(campaign, key);
}

/** ISO 8601 in UTC, so times sort as text; a value that is no date is kept as it is. */
export function isoTime(value: string): string {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : new Date(ms).toISOString();
}
