// The lines `draft` and `status` print about lint findings across a drafts file.
import type { ChalkInstance } from 'chalk';
import { rankedCodes, rowList, type LintTally } from '../core/lint/tally.js';

export function renderLintSummary(tally: LintTally, c: ChalkInstance): string[] {
  if (tally.linted === 0) return [];
  const clean = tally.linted - tally.errorRows.length - tally.warningRows.length;
  const parts = [
    tally.errorRows.length > 0 ? c.red(`${tally.errorRows.length} with errors`) : '0 with errors',
    tally.warningRows.length > 0 ? c.yellow(`${tally.warningRows.length} with warnings`) : '0 with warnings',
    `${clean} clean`,
  ];
  const lines = [`lint: ${tally.linted} draft(s): ${parts.join(' · ')}`];
  const codes = rankedCodes(tally);
  if (codes.length > 0) {
    lines.push(`  ${codes.slice(0, 8).map((k) => `${k.level === 'error' ? c.red(k.code) : k.code} ×${k.drafts}`).join(', ')}`);
  }
  if (tally.errorRows.length > 0) lines.push(`  rows with errors: ${rowList(tally.errorRows)}`);
  return lines;
}
