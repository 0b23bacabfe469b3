// `--rows 3,5-9,12-`: which 1-based data rows to draft, and with `--limit` the rows a run takes. Pure.
import { UsageError } from '../errors.js';

export interface RowSelection {
  has(row: number): boolean;
  /** Whether any selected row is among rows 1..count. */
  within(count: number): boolean;
  describe(): string;
}

interface Range {
  from: number;
  to: number; // Infinity for an open range `12-`
}

const HINT = 'use 1-based data row numbers and ranges, e.g. --rows 3,5-9 (or 12- for row 12 to the end)';

export function parseRowSelection(spec: string): RowSelection {
  const parts = spec.split(',').map((p) => p.trim());
  if (parts.every((p) => p === '')) throw new UsageError('--rows is empty.', { hint: HINT });
  const ranges = parts.filter((p) => p !== '').map(parseRange);
  ranges.sort((a, b) => a.from - b.from);
  return {
    has: (row) => ranges.some((r) => row >= r.from && row <= r.to),
    within: (count) => ranges.some((r) => r.from <= count),
    describe: () => `rows ${ranges.map(formatRange).join(', ')}`,
  };
}

function parseRange(part: string): Range {
  const m = /^(\d+)(?:\s*(-)\s*(\d*))?$/.exec(part);
  if (!m) throw new UsageError(`--rows: "${part}" is not a row number or a range.`, { hint: HINT });
  const from = Number(m[1]);
  const to = m[2] ? (m[3] ? Number(m[3]) : Infinity) : from;
  if (from < 1) throw new UsageError(`--rows: rows start at 1, got "${part}".`, { hint: HINT });
  if (to < from) throw new UsageError(`--rows: range "${part}" ends before it starts.`, { hint: `write it as ${to}-${from}` });
  if (!Number.isSafeInteger(from) || (to !== Infinity && !Number.isSafeInteger(to))) {
    throw new UsageError(`--rows: "${part}" is too large.`, { hint: HINT });
  }
  return { from, to };
}

function formatRange(r: Range): string {
  if (r.to === r.from) return String(r.from);
  return r.to === Infinity ? `${r.from}-` : `${r.from}-${r.to}`;
}

/** 1,2,3,5,7,8 -> "1-3, 5, 7-8" (sorted, at most `max` runs shown). */
export function listRows(rows: readonly number[], max = 12): string {
  const sorted = [...rows].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    out.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return out.length > max ? `${out.slice(0, max).join(', ')}, ...` : out.join(', ');
}

export interface SelectedRows {
  count: number;
  has: (row: number) => boolean;
  /** The selected rows, in order. */
  rows: () => Iterable<number>;
}

/** Which data rows `--rows` and `--limit` keep, and how many that is (for progress). */
export function selectedRows(total: number, selection: RowSelection | undefined, limit: number | undefined, eligible: (row: number) => boolean): SelectedRows {
  let count = 0;
  let last = 0;
  for (let row = 1; row <= total; row++) {
    if ((selection && !selection.has(row)) || !eligible(row)) continue;
    if (limit !== undefined && count >= limit) break;
    count++;
    last = row;
  }
  const has = (row: number) => row <= last && (!selection || selection.has(row)) && eligible(row);
  return {
    count,
    has,
    rows: function* () {
      for (let row = 1; row <= last; row++) if (has(row)) yield row;
    },
  };
}

/** The selection without some of its rows (the recipients a run must not contact). */
export function withoutRows(selected: SelectedRows, left: ReadonlySet<number>): SelectedRows {
  const has = (row: number) => !left.has(row) && selected.has(row);
  let removed = 0;
  for (const row of left) if (selected.has(row)) removed++;
  return {
    count: selected.count - removed,
    has,
    rows: function* () {
      for (const row of selected.rows()) if (!left.has(row)) yield row;
    },
  };
}
