// Who is in a CSV, read once before any model time: each row's recipient key in row order, rows
// that repeat a recipient already seen (not drafted: one person gets one message), and rows that
// will make poor drafts (no name; on the email channel, no address). Pure.
import { createHash } from 'node:crypto';
import { cellsDigest } from '../drafting/fingerprint.js';
import type { RecipientKeyOf } from './recipient-key.js';
import type { Columns, Recipient } from './recipients.js';

export interface Duplicate {
  row: number;
  /** The earlier row with the same recipient. */
  firstRow: number;
}

export class RosterBuilder {
  /** Keys of first occurrences, in row order. */
  readonly keys: string[] = [];
  /** The data row of each of `keys`. */
  readonly rows: number[] = [];
  readonly duplicates: Duplicate[] = [];
  readonly noName: number[] = [];
  readonly noEmail: number[] = [];
  private readonly firstRow = new Map<string, number>();
  private readonly keyByRow: string[] = [];
  /** Each row's cells as 16 bytes, so a re-run can tell unchanged rows without reading the CSV again. */
  private digests = new Uint8Array(0);
  /** 1 for a recipient's first row in this CSV (a Map lookup per question was a hot spot at 100k rows). */
  private first = new Uint8Array(0);

  constructor(
    private readonly keyOf: RecipientKeyOf,
    private readonly columns: Columns,
    private readonly needsEmail: boolean,
  ) {}

  add(r: Recipient): void {
    const key = this.keyOf(r.cells);
    this.keyByRow[r.row] = key;
    if (r.row >= this.first.length) {
      const rows = Math.max(1024, this.first.length * 2, r.row + 1);
      this.first = widen(this.first, rows);
      this.digests = widen(this.digests, rows * 16);
    }
    cellsDigest(r.cells, this.digests.subarray(r.row * 16, r.row * 16 + 16));
    const first = this.firstRow.get(key);
    if (first !== undefined) {
      this.duplicates.push({ row: r.row, firstRow: first });
      return;
    }
    this.firstRow.set(key, r.row);
    this.first[r.row] = 1;
    this.keys.push(key);
    this.rows.push(r.row);
    if (!this.hasName(r.cells)) this.noName.push(r.row);
    if (this.needsEmail && !this.cell(r.cells, 'email').includes('@')) this.noEmail.push(r.row);
  }

  /** The key of a data row, and whether it is the recipient's first row in this CSV. */
  keyAt(row: number): { key: string; first: boolean } | undefined {
    const key = this.keyByRow[row];
    return key === undefined ? undefined : { key, first: this.first[row] === 1 };
  }

  /** The cells digest of a data row (core/drafting/fingerprint.ts cellsDigest). */
  digestAt(row: number): Uint8Array {
    return this.digests.subarray(row * 16, row * 16 + 16);
  }

  /** This roster's own instance of a key equal to `key` (or `key` when it is not in the CSV). */
  intern(key: string): string {
    const row = this.firstRow.get(key);
    return row === undefined ? key : this.keyByRow[row]!;
  }

  has(key: string): boolean {
    return this.firstRow.has(key);
  }

  /** `rows` when a repeated row made them differ from 1, 2, 3... (what a roster record stores). */
  rowsIfShifted(): number[] | undefined {
    return this.rows.every((row, i) => row === i + 1) ? undefined : this.rows;
  }

  private hasName(cells: readonly string[]): boolean {
    return this.cell(cells, 'full_name') !== '' || this.cell(cells, 'first_name') !== '';
  }

  private cell(cells: readonly string[], field: 'full_name' | 'first_name' | 'email'): string {
    const i = this.columns.canonical[field];
    return i === undefined ? '' : (cells[i] ?? '').trim();
  }
}

/** What list and profile a drafts file belongs to, as this run sees them. */
export interface SourceIdentity {
  csv: string | null;
  header: readonly string[];
  profile: string;
}

/**
 * Whether this run's list and profile are the ones a drafts file belongs to. For stdin the
 * header identifies the list. Changed *content* of the same files is not a mismatch (rows go stale).
 */
export function sourceMismatch(recorded: SourceIdentity, now: SourceIdentity): string | undefined {
  if (recorded.csv !== now.csv) {
    if (recorded.csv === null || now.csv === null) return `it was made from ${recorded.csv ?? 'stdin'}, not ${now.csv ?? 'stdin'}`;
    return `it was made from ${recorded.csv}`;
  }
  if (now.csv === null && recorded.header.join('\u0000') !== now.header.join('\u0000')) {
    return 'it was made from a CSV piped in with other columns';
  }
  if (recorded.profile !== now.profile) return `it was made with the profile ${recorded.profile}`;
  return undefined;
}

function widen(bytes: Uint8Array, length: number): Uint8Array<ArrayBuffer> {
  const next = new Uint8Array(length);
  next.set(bytes);
  return next;
}

/** Identifies a roster's list of keys (and their rows, when stored), so an unchanged list is not written again. */
export function rosterDigest(keys: readonly string[], rows?: readonly number[]): string {
  const hash = createHash('sha256');
  for (const k of keys) hash.update(k).update('\u0000');
  if (rows) hash.update(`rows:${rows.join(',')}`);
  return hash.digest('hex').slice(0, 32);
}
