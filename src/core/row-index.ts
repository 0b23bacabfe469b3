// The drafts file's per-row state, in typed arrays indexed by row. A Map of small objects cost
// ~260 bytes of JS heap a row, which V8 then sized its old space to three times over: 100,000 rows
// added ~70 MB of RSS. Here a row costs ~50 bytes outside the JS heap. Pure.
import { DRAFT_STATUSES, type DraftStatus } from './draft.js';
import type { RowState } from './journal.js';

const HEX_FINGERPRINT = /^[0-9a-f]{32}$/;
const FP_BYTES = 16;

export class RowIndex {
  private capacity = 0;
  private count = 0;
  private present = new Uint8Array(0);
  private status = new Uint8Array(0);
  private version = new Uint32Array(0);
  private offset = new Float64Array(0);
  private length = new Uint32Array(0);
  /** NaN: no decision. */
  private decisionOffset = new Float64Array(0);
  private decisionLength = new Uint32Array(0);
  /** Fingerprints as 16 bytes when they are draftsmith's 32 hex digits; others go in `oddPrints`. */
  private prints = new Uint8Array(0);
  private readonly oddPrints = new Map<number, string>();
  /** Rows far beyond the others (a hand-edited file): kept as objects rather than grow the arrays. */
  private readonly sparse = new Map<number, RowState>();

  get size(): number {
    return this.count + this.sparse.size;
  }

  get(row: number): RowState | undefined {
    if (row >= this.capacity || this.present[row] === 0) return this.sparse.get(row);
    const decisionOffset = this.decisionOffset[row]!;
    return {
      row,
      fingerprint: this.oddPrints.get(row) ?? Buffer.from(this.prints.buffer, row * FP_BYTES, FP_BYTES).toString('hex'),
      status: DRAFT_STATUSES[this.status[row]!]!,
      version: this.version[row]!,
      offset: this.offset[row]!,
      length: this.length[row]!,
      ...(Number.isNaN(decisionOffset) ? {} : { decision: { offset: decisionOffset, length: this.decisionLength[row]! } }),
    };
  }

  set(row: number, state: RowState): void {
    if (row >= this.capacity && !this.fits(row)) {
      this.sparse.set(row, state);
      return;
    }
    this.sparse.delete(row);
    if (row >= this.capacity) this.grow(row + 1);
    if (this.present[row] === 0) this.count++;
    this.present[row] = 1;
    this.status[row] = statusCode(state.status);
    this.version[row] = state.version;
    this.offset[row] = state.offset;
    this.length[row] = state.length;
    this.decisionOffset[row] = state.decision ? state.decision.offset : NaN;
    this.decisionLength[row] = state.decision ? state.decision.length : 0;
    if (HEX_FINGERPRINT.test(state.fingerprint)) {
      this.prints.set(Buffer.from(state.fingerprint, 'hex'), row * FP_BYTES);
      this.oddPrints.delete(row);
    } else {
      this.oddPrints.set(row, state.fingerprint);
    }
  }

  /** Every row that has a state, in row order (rows kept aside are all beyond the arrays). */
  *keys(): IterableIterator<number> {
    for (let row = 0; row < this.capacity; row++) if (this.present[row] === 1) yield row;
    yield* [...this.sparse.keys()].sort((a, b) => a - b);
  }

  *values(): IterableIterator<RowState> {
    for (const row of this.keys()) yield this.get(row)!;
  }

  /** Dense storage while rows stay near the count (CSV rows are 1..N); a stray huge row does not allocate. */
  private fits(row: number): boolean {
    return row <= 2 * (this.count + 1024);
  }

  private grow(min: number): void {
    const capacity = Math.max(min, this.capacity * 2, 1024);
    const widen = <T extends Uint8Array | Uint32Array | Float64Array>(old: T, make: (n: number) => T, per = 1): T => {
      const next = make(capacity * per);
      next.set(old);
      return next;
    };
    this.present = widen(this.present, (n) => new Uint8Array(n));
    this.status = widen(this.status, (n) => new Uint8Array(n));
    this.version = widen(this.version, (n) => new Uint32Array(n));
    this.offset = widen(this.offset, (n) => new Float64Array(n));
    this.length = widen(this.length, (n) => new Uint32Array(n));
    this.decisionOffset = widen(this.decisionOffset, (n) => new Float64Array(n));
    this.decisionLength = widen(this.decisionLength, (n) => new Uint32Array(n));
    this.prints = widen(this.prints, (n) => new Uint8Array(n), FP_BYTES);
    this.capacity = capacity;
    // Rows kept aside that the arrays now reach move in, so keys() stays in row order.
    for (const [row, state] of this.sparse) if (row < capacity) this.set(row, state);
  }
}

function statusCode(status: DraftStatus): number {
  const code = DRAFT_STATUSES.indexOf(status);
  if (code < 0) throw new Error(`unknown draft status ${status}`);
  return code;
}
