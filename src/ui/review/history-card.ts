// The recipient card's memory lines: a do-not-contact mark, and the last interactions with this
// person from other campaigns (date, who wrote, subject, a one-line excerpt). Mail text is
// untrusted: every piece is stripped of terminal controls and cut to one line. Pure.
import type { ChalkInstance } from 'chalk';
import { excerpt } from '../../core/drafting/history-block.js';
import type { HistoryItem, Suppression } from '../../core/memory/records.js';

/** How many interactions the card shows. */
export const CARD_ITEMS = 3;

const WHO: Record<HistoryItem['state'], string> = { sent: 'we wrote', approved: 'approved', received: 'they replied' };

export function renderSuppression(s: Suppression, chalk: ChalkInstance): string {
  const what = s.kind === 'opted-out' ? 'DO NOT CONTACT: asked not to be contacted' : 'DO NOT CONTACT: undeliverable (mail bounced)';
  return chalk.red.bold(`  ${what} (${oneLine(s.reason)}); approving is refused`);
}

/** Empty when there is nothing to show (no memory, or no earlier interaction). */
export function renderHistory(items: readonly HistoryItem[], width: number, chalk: ChalkInstance): string {
  if (items.length === 0) return '';
  const lines = [chalk.bold('  Earlier with this person')];
  for (const h of items.slice(0, CARD_ITEMS)) {
    const head = `${h.at.slice(0, 10)}  ${WHO[h.state].padEnd(12)}  `;
    const subject = oneLine(h.subject) || '(no subject)';
    const said = oneLine(h.text);
    const text = said ? `${subject} — ${said}` : subject;
    lines.push(`    ${chalk.dim(head)}${excerpt(text, Math.max(20, width - head.length - 4))}`);
  }
  if (items.length > CARD_ITEMS) lines.push(chalk.dim(`    … ${items.length - CARD_ITEMS} earlier (draftsmith history show)`));
  return lines.join('\n');
}

/** Controls gone, one line, uncut (history-block's excerpt, which the card's line is cut with). */
function oneLine(text: string): string {
  return excerpt(text, Infinity);
}
