// Folding the drafts journal into the current state of each recipient. Pure: the bytes live in
// src/io/drafts-file/store.ts, which hands us each parsed line with its byte position so that only
// this small state stays in memory and full records are read back on demand.
//
// The rules (see src/core/decisions/records.ts): the latest version wins; a draft or an edit is a new version
// and withdraws any decision; a decision holds only for the version it names.
import { createHash } from 'node:crypto';
import type { ChatMessage } from '../engine.js';
import type { DecisionRecord, DraftRecord, ExcludedRecord, JournalRecord } from './records.js';
import type { At, FoldState, RecipientIndex } from './recipient-index.js';

/** What a fold needs beyond the index: how to key records written before recipient keys. */
export interface FoldContext {
  index: RecipientIndex;
  /** The key of a stored recipient (all columns by header), for draft records without `key`. */
  legacyKey: (recipient: Record<string, string>) => string;
  /** Row -> key of old drafts, so old decisions (row only) find their recipient. */
  legacyRows?: Map<number, string>;
  /** The caller's own instance of an equal key (draft's roster), so 100k keys are held once. */
  intern?: (key: string) => string;
}

/** Applies one draft, edit, decision or inputs record; other records are the store's business. */
export function applyRecord(ctx: FoldContext, rec: JournalRecord, at: At): void {
  switch (rec.type) {
    case 'draft':
      return applyDraft(ctx, rec, at);
    case 'edit':
      return applyEdit(ctx, rec.key, rec.version, at);
    case 'decision':
      return applyDecision(ctx, rec, at);
    case 'excluded':
      return applyExcluded(ctx, rec, at);
    case 'inputs': {
      const s = ctx.index.get(rec.key);
      if (s) ctx.index.set({ ...s, stale: rec.fingerprint !== s.fingerprint });
      return;
    }
    default:
      return;
  }
}

function applyDraft(ctx: FoldContext, rec: DraftRecord, at: At): void {
  const raw = rec.key ?? ctx.legacyKey(rec.recipient);
  const key = ctx.intern ? ctx.intern(raw) : raw;
  if (rec.key === undefined) (ctx.legacyRows ??= new Map()).set(rec.row, key);
  const state: FoldState = {
    key,
    draftRow: rec.row,
    status: rec.status,
    version: rec.version,
    edited: false,
    fingerprint: rec.fingerprint,
    ...(rec.inputs !== undefined ? { inputs: rec.inputs } : {}),
    legacy: rec.key === undefined,
    ...(rec.variants?.length ? { variants: rec.variants.length } : {}),
    stale: false,
    draft: at,
  };
  ctx.index.set(state);
}

function applyEdit(ctx: FoldContext, key: string | undefined, version: number, at: At): void {
  const s = key === undefined ? undefined : ctx.index.get(key);
  // An edit of a recipient with no draft has nothing to apply to (a hand-edited file): ignore it.
  if (!s) return;
  const { decision: _withdrawn, ...rest } = s;
  // A person's edit of an excluded recipient is kept as its latest version; it stays excluded.
  ctx.index.set({ ...rest, version, edited: true, status: s.status === 'excluded' ? 'excluded' : 'drafted', text: at });
}

/** Excluded: any decision stops holding; a recipient never drafted gets a state of its own (version 0). */
function applyExcluded(ctx: FoldContext, rec: ExcludedRecord, at: At): void {
  const key = ctx.intern ? ctx.intern(rec.key) : rec.key;
  const s = ctx.index.get(key);
  if (s) {
    const { decision: _withdrawn, ...rest } = s;
    ctx.index.set({ ...rest, status: 'excluded', excluded: at });
    return;
  }
  ctx.index.set({ key, draftRow: rec.row, status: 'excluded', version: 0, edited: false, fingerprint: '', legacy: false, stale: false, draft: at, excluded: at });
}

function applyDecision(ctx: FoldContext, rec: DecisionRecord, at: At): void {
  const key = rec.key ?? ctx.legacyRows?.get(rec.row) ?? ctx.index.keyAtDraftRow(rec.row);
  if (key === undefined) return;
  let s = ctx.index.get(key);
  // No decision holds for an excluded recipient (approve and review refuse one; a hand-edited file may not).
  if (!s || s.status === 'excluded') return;
  // Files from before edits were versions: an `edited` decision (or a skip carrying text) held the
  // person's text. It reads as an edit, a new version nobody has approved yet.
  if (rec.status === 'edited' || rec.body !== undefined) {
    applyEdit(ctx, key, s.version + 1, at);
    if (rec.status === 'edited') return;
    s = ctx.index.get(key)!;
  } else if (rec.version !== s.version) {
    return; // about an older version: a newer one withdrew it
  } else if (!namesItsText(rec, s)) {
    return;
  }
  ctx.index.set({ ...s, status: rec.status, decision: at });
}

/**
 * An approval says which text it approves: one of the draft's variants when it has them (1-based),
 * none for a draft without variants or a person's edit. Anything else approves no text that
 * exists, and does not hold. A skip approves no text: it holds with or without a variant.
 */
function namesItsText(rec: DecisionRecord, s: { edited: boolean; variants?: number }): boolean {
  if (rec.status !== 'approved') return true;
  const count = s.edited ? 0 : (s.variants ?? 0);
  return count === 0 ? rec.variant === undefined : rec.variant !== undefined && rec.variant <= count;
}

// The head draft-record.ts writes first: {"type":"draft","key":...,"row":N,"version":N,
// "fingerprint":"…"[,"inputs":"…"],"status":"…", then the rest (text, recipient, messages).
const DRAFT_HEAD =
  /^\{"type":"draft","key":("(?:[^"\\\u0000-\u001f]|\\.)*"),"row":([1-9]\d*),"version":([1-9]\d*),"fingerprint":"([0-9a-f]{32})",(?:"inputs":"([0-9a-f]{32})",)?"status":"(drafted|failed)",/;

/**
 * The fold's fields of a draft record from the start of its line alone, or undefined when the
 * line does not start the way draftsmith writes it (then parse it whole). Loading a 100,000-row
 * drafts file this way parses a few hundred bytes a line instead of every message and column.
 */
export function parseDraftHead(head: string): DraftRecord | undefined {
  const m = DRAFT_HEAD.exec(head);
  if (!m) return undefined;
  return {
    type: 'draft',
    key: JSON.parse(m[1]!) as string,
    row: Number(m[2]),
    version: Number(m[3]),
    fingerprint: m[4]!,
    ...(m[5] ? { inputs: m[5] } : {}),
    status: m[6] as 'drafted' | 'failed',
    // Never read for a keyed record: the full record is read back from disk when needed.
    recipient: {},
  } as unknown as DraftRecord;
}

const RECORD_TYPES = new Set(['draft', 'edit', 'decision', 'prompt', 'source', 'roster', 'inputs', 'excluded']);
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
  if (!RECORD_TYPES.has(rec.type as string)) return undefined;
  return isValid(rec) ? (rec as unknown as JournalRecord) : undefined;
}

function isValid(rec: Record<string, unknown>): boolean {
  const str = (v: unknown) => typeof v === 'string';
  switch (rec.type) {
    case 'prompt':
      return str(rec.id) && str(rec.content);
    case 'source':
      return (rec.csv === null || str(rec.csv)) && Array.isArray(rec.header) && str(rec.profile);
    case 'roster':
      return (
        Array.isArray(rec.keys) &&
        rec.keys.every(str) &&
        (rec.rows === undefined || (Array.isArray(rec.rows) && rec.rows.length === rec.keys.length && rec.rows.every((r) => isCount(r, 1))))
      );
    case 'inputs':
      return str(rec.key) && str(rec.fingerprint);
    case 'excluded':
      return str(rec.key) && isCount(rec.row, 1) && str(rec.reason);
    default:
      break;
  }
  if (!isCount(rec.row, 1) || !isCount(rec.version, 1) || (rec.key !== undefined && !str(rec.key))) return false;
  if (rec.type === 'draft') {
    return str(rec.fingerprint) && DRAFT_STATUS.has(rec.status as string) && rec.recipient !== null && typeof rec.recipient === 'object' && validVariants(rec.variants);
  }
  const variant = rec.variant === undefined || isCount(rec.variant, 1);
  if (rec.type === 'edit') return str(rec.key) && str(rec.body) && variant;
  return DECISION_STATUS.has(rec.status as string) && variant;
}

/** A draft's variants, when it has them: 1 to 9 texts, each with a name and a body. */
function validVariants(v: unknown): boolean {
  if (v === undefined) return true;
  if (!Array.isArray(v) || v.length < 1 || v.length > 9) return false;
  return v.every((x) => x !== null && typeof x === 'object' && typeof (x as { name?: unknown }).name === 'string' && typeof (x as { body?: unknown }).body === 'string');
}

function isCount(v: unknown, min: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min;
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
