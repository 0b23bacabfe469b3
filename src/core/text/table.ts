// Plain-text tables and counts for listings (`draftsmith models`). Pure; every cell is made safe
// for a terminal.
import { stripControlsInline } from './sanitize.js';

/** A header and rows in aligned columns, indented by two spaces; the last column is not padded. */
export function table(head: string[], rows: string[][]): string[] {
  const clean = rows.map((r) => r.map((c) => stripControlsInline(c)));
  const widths = head.map((h, i) => Math.max(h.length, ...clean.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}`;
  return [line(head), ...clean.map(line)];
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
