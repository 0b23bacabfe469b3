// Lint findings over many drafts, folded into what a summary line needs. Pure.
import type { LintFinding, LintLevel } from './finding.js';

export interface LintTally {
  linted: number;
  /** Rows with at least one error-level finding, in the order added. */
  errorRows: number[];
  /** Rows with warnings only. */
  warningRows: number[];
  /** How many drafts each finding code appeared in, with its (worst) level. */
  codes: Map<string, { level: LintLevel; drafts: number }>;
}

export function emptyTally(): LintTally {
  return { linted: 0, errorRows: [], warningRows: [], codes: new Map() };
}

export function addToTally(tally: LintTally, row: number, findings: readonly LintFinding[]): void {
  tally.linted++;
  if (findings.some((f) => f.level === 'error')) tally.errorRows.push(row);
  else if (findings.length > 0) tally.warningRows.push(row);
  const seen = new Set<string>();
  for (const f of findings) {
    if (seen.has(f.code)) continue;
    seen.add(f.code);
    const entry = tally.codes.get(f.code);
    if (entry) {
      entry.drafts++;
      if (f.level === 'error') entry.level = 'error';
    } else {
      tally.codes.set(f.code, { level: f.level, drafts: 1 });
    }
  }
}

/** Codes by level (errors first), then by how many drafts they hit. */
export function rankedCodes(tally: LintTally): { code: string; level: LintLevel; drafts: number }[] {
  return [...tally.codes.entries()]
    .map(([code, v]) => ({ code, ...v }))
    .sort((a, b) => (a.level === b.level ? b.drafts - a.drafts || a.code.localeCompare(b.code) : a.level === 'error' ? -1 : 1));
}

/** "3, 5, 9" or "3, 5, 9, ... (+12)" for long lists. */
export function rowList(rows: readonly number[], max = 10): string {
  const sorted = [...rows].sort((a, b) => a - b);
  const shown = sorted.slice(0, max).join(', ');
  return sorted.length > max ? `${shown}, ... (+${sorted.length - max})` : shown;
}
