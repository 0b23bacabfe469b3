// What `history import` did, as lines for stderr: messages read, people (new / already known), new
// messages, duplicates, approvals recognised as sent, opted out, undeliverable, skipped with reasons,
// warnings (the first few, then a count). Pure strings; mail text never appears, only sources and
// reasons, stripped of terminal controls.
import { stripControlsInline } from '../core/text/sanitize.js';

export interface ImportSummary {
  /** The memory file written. */
  memory: string;
  /** Messages read from the files (a sent message to three people counts once). */
  read: number;
  newPeople: number;
  knownPeople: number;
  added: number;
  duplicates: number;
  matchedApprovals: number;
  optedOut: number;
  undeliverable: number;
  /** Reason -> how many messages and the first few sources. */
  skipped: Map<string, { count: number; sources: string[] }>;
  /** Per-message warnings (source: text), the first MAX_WARNINGS kept. */
  warnings: string[];
  warningCount: number;
  /** Ctrl-C stopped the import between batches. */
  interrupted: boolean;
}

export const MAX_WARNINGS = 20;

export function renderImportSummary(s: ImportSummary): string[] {
  const lines = [
    `draftsmith: ${s.interrupted ? 'import interrupted; kept what was committed' : 'imported'} into ${stripControlsInline(s.memory)}`,
    `  messages read        ${s.read}`,
    `  people               ${s.newPeople + s.knownPeople} (${s.newPeople} new, ${s.knownPeople} already known)`,
    `  new messages         ${s.added}`,
    `  duplicates           ${s.duplicates}  (already in the memory: Message-ID, else the same content)`,
  ];
  if (s.matchedApprovals > 0) lines.push(`  approvals now sent   ${s.matchedApprovals}  (approved drafts found in the sent mail)`);
  if (s.optedOut > 0) lines.push(`  opted out            ${s.optedOut}  (their reply asked to stop: \`draft\` skips them; undo with \`draftsmith history optin ADDR\`)`);
  if (s.undeliverable > 0) lines.push(`  undeliverable        ${s.undeliverable}  (mail to them bounced: \`draft\` skips them)`);
  const skippedTotal = [...s.skipped.values()].reduce((n, v) => n + v.count, 0);
  if (skippedTotal > 0) {
    lines.push(`  skipped              ${skippedTotal}`);
    for (const [reason, v] of s.skipped) {
      const where = v.sources.map(stripControlsInline).join(', ');
      lines.push(`    ${v.count} × ${stripControlsInline(reason)} (${where}${v.count > v.sources.length ? ', ...' : ''})`);
    }
  }
  if (s.warningCount > 0) {
    lines.push(`  warnings             ${s.warningCount}`);
    for (const w of s.warnings) lines.push(`    ${stripControlsInline(w)}`);
    if (s.warningCount > s.warnings.length) lines.push(`    ... and ${s.warningCount - s.warnings.length} more`);
  }
  return lines;
}
