// Folding the drafts journal into the current state of each row. Pure: the bytes live in
// src/io/drafts-store.ts, which hands us each parsed line with its byte position so that only
// this small state stays in memory and full records are read back on demand.
import type { DecisionRecord, DraftRecord, DraftStatus, JournalRecord } from './draft.js';

export interface RowState {
  row: number;
  /** Fingerprint of the latest draft record. */
  fingerprint: string;
  /** The latest draft's status, or the decision made about it since. */
  status: DraftStatus;
  /** Version of the latest draft record. */
  version: number;
  /** Byte offset and length (without the newline) of the latest DraftRecord line. */
  offset: number;
  length: number;
  /** Byte position of the latest decision about that draft (carries edited text), if any. */
  decision?: { offset: number; length: number };
}

/** The latest record wins: a new draft resets any decision; a decision changes the status only. */
export function applyRecord(
  states: Map<number, RowState>,
  rec: JournalRecord,
  offset: number,
  length: number,
): void {
  if (rec.type === 'draft') {
    states.set(rec.row, {
      row: rec.row,
      fingerprint: rec.fingerprint,
      status: rec.status,
      version: rec.version,
      offset,
      length,
    });
    return;
  }
  const state = states.get(rec.row);
  // A decision about a row with no draft has nothing to apply to (hand-edited file): ignore it.
  if (!state) return;
  state.status = rec.status;
  state.decision = { offset, length };
}

const DRAFT_STATUS = new Set(['drafted', 'failed']);
const DECISION_STATUS = new Set(['approved', 'edited', 'skipped']);

/** A record if the line is one, else undefined. Checks only what the fold relies on. */
export function parseJournalLine(line: string): JournalRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const rec = value as Record<string, unknown>;
  if (!isRow(rec.row) || !isVersion(rec.version)) return undefined;
  if (rec.type === 'draft') {
    if (typeof rec.fingerprint !== 'string' || !DRAFT_STATUS.has(rec.status as string)) return undefined;
    if (rec.recipient === null || typeof rec.recipient !== 'object') return undefined;
    return rec as unknown as DraftRecord;
  }
  if (rec.type === 'decision') {
    if (!DECISION_STATUS.has(rec.status as string)) return undefined;
    return rec as unknown as DecisionRecord;
  }
  return undefined;
}

function isRow(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1;
}

function isVersion(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1;
}
