// The approvals the memory holds for one campaign (a drafts file): what `draft` compares with the
// drafts file to keep the two in step. A range of the messages_approval index (campaign first).
import type { Sql } from './statements.js';

export const CAMPAIGN_APPROVALS_SQL = "SELECT recipient_key AS key, version FROM messages WHERE campaign = ? AND state = 'approved'";

/** The (recipient key, version) of every approval of `campaign` that is not withdrawn or sent. */
export function approvalsIn(sql: Sql, campaign: string): { key: string; version: number }[] {
  return sql.st(CAMPAIGN_APPROVALS_SQL).all(campaign) as { key: string; version: number }[];
}
