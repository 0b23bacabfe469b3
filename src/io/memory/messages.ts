// A person's messages: approvals recorded by review and approve, mail imported as sent or
// received. `history` feeds prompts, the review card and the lint; it runs once per drafted row,
// so it is one indexed query (people by key or address, then messages by person and time).
import type { Approval, HistoryBudget, HistoryItem, Who } from '../../core/memory/records.js';
import { PERSON_IDS, personFor, whoParams } from './people.js';
import type { Sql } from './statements.js';

const DAY_MS = 86_400_000;

/** Newest first, within the budget; never withdrawn, never a message of `excludeCampaign`. */
export function historyOf(sql: Sql, who: Who, budget: HistoryBudget, opts: { excludeCampaign?: string; now?: Date } = {}): HistoryItem[] {
  if (budget.items <= 0) return [];
  const since = new Date((opts.now ?? new Date()).getTime() - budget.sinceDays * DAY_MS).toISOString();
  const rows = sql
    .st(
      `SELECT at, state, subject, substr(body, 1, @cut) AS text, campaign FROM messages
       WHERE person_id IN (${PERSON_IDS}) AND state <> 'withdrawn' AND at >= @since
         AND (@exclude IS NULL OR campaign IS NOT @exclude)
       ORDER BY at DESC, id DESC LIMIT @items`,
    )
    .all({ ...whoParams(who), cut: budget.excerptChars + 1, since, exclude: opts.excludeCampaign ?? null, items: budget.items }) as {
    at: string;
    state: HistoryItem['state'];
    subject: string;
    text: string;
    campaign: string | null;
  }[];
  return rows.map((r) => ({
    at: r.at,
    state: r.state,
    subject: r.subject,
    text: excerpt(r.text, budget.excerptChars),
    ...(r.campaign ? { campaign: r.campaign } : {}),
  }));
}

/** At most `chars` characters; a cut text ends with an ellipsis. */
export function excerpt(text: string, chars: number): string {
  const chars32 = [...text];
  if (chars32.length <= chars) return text;
  return `${chars32.slice(0, Math.max(0, chars - 1)).join('').trimEnd()}…`;
}

export function lastReceivedAtOf(sql: Sql, who: Who): string | undefined {
  const row = sql.st(`SELECT max(at) AS at FROM messages WHERE person_id IN (${PERSON_IDS}) AND state = 'received'`).get(whoParams(who)) as { at: string | null };
  return row.at ?? undefined;
}

/**
 * Idempotent on (campaign, person, version). A withdrawn approval of the same version approved
 * again is approved again; other approved versions of this campaign and person are withdrawn
 * (one version of a draft is approved at a time).
 */
export function recordApprovalIn(sql: Sql, a: Approval): void {
  const at = isoTime(a.at);
  sql.db.transaction(() => {
    const person = personFor(sql, a.who, a.name, at);
    sql
      .st(
        `INSERT INTO messages (person_id, state, at, subject, body, message_id, campaign, version, decided_at, edited, profile, engine, model, reviewer)
         VALUES (@person, 'approved', @at, @subject, @body, @messageId, @campaign, @version, @at, @edited, @profile, @engine, @model, @reviewer)
         ON CONFLICT (campaign, person_id, version) DO UPDATE SET state = 'approved', at = excluded.at, decided_at = excluded.at, reviewer = excluded.reviewer
         WHERE messages.state = 'withdrawn'`,
      )
      .run({
        person: person.id,
        at,
        subject: a.subject ?? '',
        body: a.body,
        messageId: a.messageId,
        campaign: a.campaign,
        version: a.version,
        edited: a.edited ? 1 : 0,
        profile: a.profile ?? null,
        engine: a.engine,
        model: a.model,
        reviewer: a.reviewer,
      });
    sql
      .st("UPDATE messages SET state = 'withdrawn' WHERE campaign = ? AND person_id = ? AND version <> ? AND state = 'approved'")
      .run(a.campaign, person.id, a.version);
  }).immediate();
}

export function withdrawApprovalIn(sql: Sql, campaign: string, key: string): void {
  sql
    .st("UPDATE messages SET state = 'withdrawn' WHERE campaign = ? AND state = 'approved' AND person_id IN (SELECT id FROM people WHERE key = ?)")
    .run(campaign, key);
}

/** ISO 8601 in UTC, so times sort as text; a value that is no date is kept as it is. */
export function isoTime(value: string): string {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : new Date(ms).toISOString();
}
