// The drafts file's per-recipient state, in typed arrays indexed by a slot that a Map gives each
// recipient key. A Map of small objects cost ~260 bytes of JS heap a row, which V8 then sized its
// old space to three times over; here a recipient costs ~70 bytes outside the JS heap plus its key.
// Pure.
import { DRAFT_STATUSES, type DraftStatus } from './records.js';

const HEX_FINGERPRINT = /^[0-9a-f]{32}$/;
const FP_BYTES = 16;

/** Where a record sits in the drafts file (byte offset and length, without the newline). */
export interface At {
  offset: number;
  length: number;
}

/** What the fold keeps about one recipient. */
export interface RecipientState {
  key: string;
  /** The recipient's data row: in the CSV as last read when a roster exists, else its draft's. */
  row: number;
  /** The data row its latest draft was made from. */
  draftRow: number;
  status: DraftStatus;
  /** The latest version's number (model drafts and a person's edits count alike). */
  version: number;
  /** The latest version was written by a person. */
  edited: boolean;
  /** Fingerprint of the latest model draft. */
  fingerprint: string;
  /** Its inputs digest, when it recorded one. */
  inputs?: string;
  /** The latest draft was written before recipient keys (its fingerprint included the row). */
  legacy: boolean;
  /** How many variants the latest model draft holds (issue 13), when it has any; a decision about it names one. */
  variants?: number;
  /** A decided or edited recipient whose inputs changed since its draft. */
  stale: boolean;
  /** A roster exists and this recipient is not in it (no longer in the CSV). */
  orphaned: boolean;
  /** The latest model draft record. */
  draft: At;
  /** The edit record holding the latest version's text, when a person wrote it. */
  text?: At;
  /** The decision about the latest version, when there is one. */
  decision?: At;
  /** For `excluded`: the excluded record (its reason). A recipient never drafted has it as `draft` too. */
  excluded?: At;
}

/** What the fold sets; the current row and `orphaned` come from the roster. */
export type FoldState = Omit<RecipientState, 'orphaned' | 'row'>;

const EDITED = 1;
const LEGACY = 2;
const STALE = 4;
const HAS_INPUTS = 8;
/** The variant count (at most 9) lives in the flags' upper four bits. */
const VARIANT_SHIFT = 4;

export class RecipientIndex {
  private readonly slots = new Map<string, number>();
  private keyOf: string[] = [];
  private capacity = 0;
  private row = new Uint32Array(0);
  /** 1-based position in the roster; 0 = not in it. */
  private rosterRow = new Uint32Array(0);
  private status = new Uint8Array(0);
  private flags = new Uint8Array(0);
  private version = new Uint32Array(0);
  private draftOffset = new Float64Array(0);
  private draftLength = new Uint32Array(0);
  /** NaN: none. */
  private textOffset = new Float64Array(0);
  private textLength = new Uint32Array(0);
  private decisionOffset = new Float64Array(0);
  private decisionLength = new Uint32Array(0);
  private prints = new Uint8Array(0);
  private inputPrints = new Uint8Array(0);
  private readonly oddPrints = new Map<number, string>();
  /** The excluded record of each excluded recipient (few: a map, not a column). */
  private readonly exclusions = new Map<number, At>();
  private hasRoster = false;

  /** `expected`: how many recipients to make room for at once (a run knows its roster's size). */
  constructor(expected = 0) {
    if (expected > 0) this.grow(expected);
  }

  get size(): number {
    return this.keyOf.length;
  }

  has(key: string): boolean {
    return this.slots.has(key);
  }

  get(key: string): RecipientState | undefined {
    const slot = this.slots.get(key);
    return slot === undefined ? undefined : this.read(slot);
  }

  set(state: FoldState | RecipientState): void {
    let slot = this.slots.get(state.key);
    if (slot === undefined) {
      slot = this.keyOf.length;
      if (slot >= this.capacity) this.grow(slot + 1);
      this.slots.set(state.key, slot);
      this.keyOf.push(state.key);
      this.rosterRow[slot] = 0;
    }
    this.row[slot] = state.draftRow;
    this.status[slot] = statusCode(state.status);
    const inputs = state.inputs !== undefined && HEX_FINGERPRINT.test(state.inputs);
    this.flags[slot] = (state.edited ? EDITED : 0) | (state.legacy ? LEGACY : 0) | (state.stale ? STALE : 0) | (inputs ? HAS_INPUTS : 0) | ((state.variants ?? 0) & 15) << VARIANT_SHIFT;
    if (inputs) this.inputPrints.set(Buffer.from(state.inputs!, 'hex'), slot * FP_BYTES);
    this.version[slot] = state.version;
    this.draftOffset[slot] = state.draft.offset;
    this.draftLength[slot] = state.draft.length;
    this.textOffset[slot] = state.text ? state.text.offset : NaN;
    this.textLength[slot] = state.text ? state.text.length : 0;
    this.decisionOffset[slot] = state.decision ? state.decision.offset : NaN;
    this.decisionLength[slot] = state.decision ? state.decision.length : 0;
    if (state.status === 'excluded' && state.excluded) this.exclusions.set(slot, state.excluded);
    else this.exclusions.delete(slot);
    if (HEX_FINGERPRINT.test(state.fingerprint)) {
      this.prints.set(Buffer.from(state.fingerprint, 'hex'), slot * FP_BYTES);
      this.oddPrints.delete(slot);
    } else {
      this.oddPrints.set(slot, state.fingerprint);
    }
  }

  /**
   * Who is in the CSV now, in row order; recipients not in it read as orphaned. `rows` gives each
   * key's data row when they are not 1, 2, 3... (a repeated row is not in `keys`).
   */
  applyRoster(keys: readonly string[], rows?: readonly number[]): void {
    this.rosterRow.fill(0);
    this.hasRoster = true;
    keys.forEach((key, i) => {
      const slot = this.slots.get(key);
      if (slot !== undefined) this.rosterRow[slot] = rows?.[i] ?? i + 1;
    });
  }

  /** A recipient of the current roster met after it was applied (its first draft in this run). */
  placeInRoster(key: string, row: number): void {
    const slot = this.slots.get(key);
    if (slot !== undefined && this.hasRoster) this.rosterRow[slot] = row;
  }

  /** The recipient whose latest draft was made from this row (for records that name only a row). */
  keyAtDraftRow(row: number): string | undefined {
    const slot = this.row.subarray(0, this.keyOf.length).lastIndexOf(row);
    return slot < 0 ? undefined : this.keyOf[slot];
  }

  /** Recipients not in the roster, by their last row (without building every recipient's state). */
  orphans(): RecipientState[] {
    if (!this.hasRoster) return [];
    const out: RecipientState[] = [];
    for (let slot = 0; slot < this.keyOf.length; slot++) if (this.rosterRow[slot] === 0) out.push(this.read(slot));
    return out.sort((a, b) => a.row - b.row);
  }

  /** Every recipient: those in the CSV by row, then orphans by their last row. */
  values(): RecipientState[] {
    const all: RecipientState[] = [];
    for (let slot = 0; slot < this.keyOf.length; slot++) all.push(this.read(slot));
    return all.sort((a, b) => Number(a.orphaned) - Number(b.orphaned) || a.row - b.row);
  }

  private read(slot: number): RecipientState {
    const flags = this.flags[slot]!;
    const inRoster = this.rosterRow[slot]!;
    const textOffset = this.textOffset[slot]!;
    const decisionOffset = this.decisionOffset[slot]!;
    const excluded = this.exclusions.get(slot);
    const variants = flags >> VARIANT_SHIFT;
    return {
      key: this.keyOf[slot]!,
      row: inRoster > 0 ? inRoster : this.row[slot]!,
      draftRow: this.row[slot]!,
      status: DRAFT_STATUSES[this.status[slot]!]!,
      version: this.version[slot]!,
      edited: (flags & EDITED) !== 0,
      fingerprint: this.oddPrints.get(slot) ?? hexAt(this.prints, slot),
      ...((flags & HAS_INPUTS) !== 0 ? { inputs: hexAt(this.inputPrints, slot) } : {}),
      legacy: (flags & LEGACY) !== 0,
      ...(variants > 0 ? { variants } : {}),
      stale: (flags & STALE) !== 0,
      orphaned: this.hasRoster && inRoster === 0,
      draft: { offset: this.draftOffset[slot]!, length: this.draftLength[slot]! },
      ...(Number.isNaN(textOffset) ? {} : { text: { offset: textOffset, length: this.textLength[slot]! } }),
      ...(Number.isNaN(decisionOffset) ? {} : { decision: { offset: decisionOffset, length: this.decisionLength[slot]! } }),
      ...(excluded ? { excluded } : {}),
    };
  }

  private grow(min: number): void {
    const capacity = Math.max(min, this.capacity * 2, 1024);
    const widen = <T extends Uint8Array | Uint32Array | Float64Array>(old: T, make: (n: number) => T, per = 1): T => {
      const next = make(capacity * per);
      next.set(old);
      return next;
    };
    const u8 = (n: number) => new Uint8Array(n);
    const u32 = (n: number) => new Uint32Array(n);
    const f64 = (n: number) => new Float64Array(n);
    this.row = widen(this.row, u32);
    this.rosterRow = widen(this.rosterRow, u32);
    this.status = widen(this.status, u8);
    this.flags = widen(this.flags, u8);
    this.version = widen(this.version, u32);
    this.draftOffset = widen(this.draftOffset, f64);
    this.draftLength = widen(this.draftLength, u32);
    this.textOffset = widen(this.textOffset, f64);
    this.textLength = widen(this.textLength, u32);
    this.decisionOffset = widen(this.decisionOffset, f64);
    this.decisionLength = widen(this.decisionLength, u32);
    this.prints = widen(this.prints, u8, FP_BYTES);
    this.inputPrints = widen(this.inputPrints, u8, FP_BYTES);
    this.capacity = capacity;
  }
}

function hexAt(bytes: Uint8Array, slot: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + slot * FP_BYTES, FP_BYTES).toString('hex');
}

function statusCode(status: DraftStatus): number {
  const code = DRAFT_STATUSES.indexOf(status);
  if (code < 0) throw new Error(`unknown draft status ${status}`);
  return code;
}
