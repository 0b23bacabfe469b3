// The records of a drafts file (an append-only JSONL journal) and how they fold into the
// current state of each row. Pure: the journal I/O lives in src/io/drafts-store.ts.
import type { ChatMessage } from '../engines/engine.js';
import { UsageError } from './errors.js';

/** Where a row stands. `drafted`/`failed` come from `draft`; the rest from review (issue 3). */
export type DraftStatus = 'drafted' | 'failed' | 'approved' | 'edited' | 'skipped';

export const DRAFT_STATUSES: readonly DraftStatus[] = ['drafted', 'failed', 'approved', 'edited', 'skipped'];

export const DECIDED: ReadonlySet<DraftStatus> = new Set(['approved', 'edited', 'skipped']);

/** `--status skipped,failed` -> those statuses; a UsageError names one that does not exist. */
export function parseStatusList(spec: string): ReadonlySet<DraftStatus> {
  const hint = `use one or more of ${DRAFT_STATUSES.join(', ')}, comma-separated.`;
  const picked = spec.split(',').map((s) => s.trim()).filter(Boolean);
  if (picked.length === 0) throw new UsageError('--status names no status.', { hint });
  for (const part of picked) {
    if (!(DRAFT_STATUSES as readonly string[]).includes(part)) {
      throw new UsageError(`unknown status ${JSON.stringify(part)} in --status.`, { hint });
    }
  }
  return new Set(picked as DraftStatus[]);
}

/** One generated version of a row's message (or a failed attempt). */
export interface DraftRecord {
  type: 'draft';
  /** 1-based data row in the CSV (the header is not a row). */
  row: number;
  /** Hash of everything that produced this draft; same fingerprint = reusable. */
  fingerprint: string;
  status: 'drafted' | 'failed';
  /** Every CSV column by its (deduplicated) header, private ones included: this file stays local. */
  recipient: Record<string, string>;
  subject?: string;
  body?: string;
  /** Why drafting failed, for `failed`. */
  error?: string;
  /** The answer stopped at the token limit (num_predict), so it may end mid-sentence. */
  cut?: boolean;
  engine: string;
  model: string;
  /** The exact messages sent to the model (private columns never appear in them). */
  messages?: ChatMessage[];
  /** 1 for the first draft of a row; a regeneration adds one. */
  version: number;
  /** Absolute path of the tone profile it was drafted with, so review, approve and status can find it. */
  profile?: string;
  /** Reviewer feedback that produced this version, for regenerations. */
  feedback?: string;
  timing: { ms: number; evalCount?: number; tokensPerSecond?: number };
  /** ISO time the record was written. */
  at: string;
}

/** A reviewer's decision about a row (issue 3). Edited text travels with the decision. */
export interface DecisionRecord {
  type: 'decision';
  row: number;
  status: 'approved' | 'edited' | 'skipped';
  /** The draft version the decision is about. */
  version: number;
  subject?: string;
  body?: string;
  at: string;
}

/**
 * A long message shared by many drafts (the system prompt), stored once: draft records on disk
 * name it as {"role": "system", "prompt": id}. The store resolves it when it reads a draft back.
 */
export interface PromptRecord {
  type: 'prompt';
  id: string;
  content: string;
}

export type JournalRecord = DraftRecord | DecisionRecord | PromptRecord;
