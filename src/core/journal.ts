// Folding the drafts journal into the current state of each row. Pure: the bytes live in
// src/io/drafts-store.ts, which hands us each parsed line with its byte position so that only
// this small state stays in memory and full records are read back on demand.
import { createHash } from 'node:crypto';
import type { ChatMessage } from '../engines/engine.js';
import type { DecisionRecord, DraftRecord, DraftStatus, JournalRecord, PromptRecord } from './draft.js';

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

/** Where row states live: a Map in tests, a RowIndex (typed arrays) in the drafts store. */
export interface RowStates {
  get(row: number): RowState | undefined;
  set(row: number, state: RowState): unknown;
}

/** The latest record wins: a new draft resets any decision; a decision changes the status only. */
export function applyRecord(states: RowStates, rec: JournalRecord, offset: number, length: number): void {
  if (rec.type === 'prompt') return;
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
  states.set(rec.row, { ...state, status: rec.status, decision: { offset, length } });
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
  if (rec.type === 'prompt') {
    return typeof rec.id === 'string' && typeof rec.content === 'string' ? (rec as unknown as PromptRecord) : undefined;
  }
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

// ---- shared prompts ---------------------------------------------------------------------------

/** Messages at least this long are stored once per file (the system prompt is a few KB). */
const SHARED_MIN_CHARS = 512;

/** How a message of a draft record is written: inline, or by the id of a prompt record. */
export type StoredMessage = ChatMessage | { role: ChatMessage['role']; prompt: string };

export function promptId(content: string): string {
  return createHash('sha256').update(content).digest('hex').slice(0, 16);
}

/** Which of a draft's messages to store as a shared prompt: long system messages. */
export function isShareable(m: ChatMessage): boolean {
  return m.role === 'system' && m.content.length >= SHARED_MIN_CHARS;
}

/**
 * A draft's messages as read from disk, with shared prompts filled in. A prompt the file does
 * not hold (a hand-edited file) becomes a note saying so rather than an error.
 */
export function resolveMessages(messages: readonly StoredMessage[], prompt: (id: string) => string | undefined): ChatMessage[] {
  return messages.map((m) => {
    if (!('prompt' in m)) return m;
    const content = prompt(m.prompt);
    return { role: m.role, content: content ?? `[prompt ${m.prompt} is missing from the drafts file]` };
  });
}
