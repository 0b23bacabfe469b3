// The records of a drafts file (an append-only JSONL journal). Pure: the journal I/O lives in
// src/io/drafts-file/store.ts and the fold in src/core/decisions/journal.ts.
//
// The decision model: a recipient (found by its key, not its row) has versions of a message, each
// written by the model (a draft record) or by a person (an edit record), numbered 1, 2, 3... A
// decision (approved or skipped) names the version it is about and holds only while that version
// is the latest: any new version withdraws it. Exports take approved recipients only.
import type { ChatMessage } from '../engine.js';
import { UsageError } from '../errors.js';

/**
 * Where a recipient stands. An edit makes a new version, which is `drafted` until approved.
 * `excluded`: the memory's do-not-contact list holds them (opted out, or mail bounced); not a
 * reviewer's decision, never approvable or exported, re-evaluated by every `draft` run.
 */
export type DraftStatus = 'drafted' | 'failed' | 'approved' | 'skipped' | 'excluded';

export const DRAFT_STATUSES: readonly DraftStatus[] = ['drafted', 'approved', 'skipped', 'failed', 'excluded'];

/** Statuses a person set. */
export const DECIDED: ReadonlySet<DraftStatus> = new Set(['approved', 'skipped']);

/** `--status skipped,failed` -> those statuses; a UsageError names one that does not exist. */
export function parseStatusList(spec: string): ReadonlySet<DraftStatus> {
  const hint = `use one or more of ${DRAFT_STATUSES.join(', ')}, comma-separated.`;
  const picked = spec.split(',').map((s) => s.trim()).filter(Boolean);
  if (picked.length === 0) throw new UsageError('--status names no status.', { hint });
  for (const part of picked) {
    if (part === 'edited') {
      throw new UsageError('`edited` is no longer a status: an edited draft is `drafted` until someone approves it.', { hint });
    }
    if (!(DRAFT_STATUSES as readonly string[]).includes(part)) {
      throw new UsageError(`unknown status ${JSON.stringify(part)} in --status.`, { hint });
    }
  }
  return new Set(picked as DraftStatus[]);
}

/** One version of a recipient's message written by the model (or a failed attempt). */
export interface DraftRecord {
  type: 'draft';
  /** Who the recipient is (src/core/recipients/recipient-key.ts). Absent in files written before keys. */
  key?: string;
  /** 1-based data row in the CSV when this was drafted (the header is not a row). */
  row: number;
  /** Hash of everything that produced this draft; same fingerprint = reusable. */
  fingerprint: string;
  /** Digest of the row and the run's settings (core/drafting/fingerprint.ts inputsDigest): a cheaper same-inputs test. */
  inputs?: string;
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
  /** The engine's host (`host:port`) for engines that talk to a server. */
  host?: string;
  /** The exact messages sent to the model (private columns never appear in them). */
  messages?: ChatMessage[];
  /** 1 for the first version of a recipient's message; every new version adds one. */
  version: number;
  /** Absolute path of the tone profile it was drafted with. */
  profile?: string;
  /** Reviewer feedback that produced this version, for regenerations. */
  feedback?: string;
  timing: { ms: number; evalCount?: number; tokensPerSecond?: number };
  /** Provenance: the generation settings, when set. */
  seed?: number;
  temperature?: number;
  /** The model's digest, where the engine reports one. */
  modelDigest?: string;
  /** How many of the profile's examples the prompt carried. */
  examples?: number;
  /** The memory's message ids of the earlier approvals the prompt carried as examples (issue 12); not in the fingerprint. */
  memoryExamples?: number[];
  /** The remembered interactions the prompt carried (count and the newest one's time); not in the fingerprint. */
  history?: { items: number; latest?: string };
  // Issue 13. Each optional: a record without them reads exactly as before.
  /** The names of the profile's rules that applied to this recipient, in order (core/rules). */
  rules?: string[];
  /** What the rules changed for this recipient, which the lint checks against (language, sign-off). */
  effective?: { language?: string; sign_off?: string };
  /** The sentiment the rules read, per source (`reply` or a column name). Provenance. */
  sentiment?: Record<string, { label: string; confidence?: number }>;
  /** The catalog items the prompt offered: how they were ranked and what was picked. */
  catalog?: { method: 'embeddings' | 'bm25'; model?: string; picks: { id: string; score: number; url?: string }[] };
  /** User-defined answer fields (profile `output.fields`), by name. */
  fields?: Record<string, string>;
  /**
   * With variants (`--variants N` / profile `variants`): every variant's text, in order. The record's
   * own subject/body/fields are variant 1's; a decision's `variant` says which one was approved.
   */
  variants?: VariantText[];
  /** ISO time the record was written. */
  at: string;
}

/** One variant of a draft (issue 13): its name (`1`, `2`... or the profile's) and text. */
export interface VariantText {
  name: string;
  /** The variant's instructions: its request was the record's messages with them added as a line (core/drafting/variants.ts). */
  instructions?: string;
  subject?: string;
  body: string;
  fields?: Record<string, string>;
}

/** A version written by a person (review's `e`): a new version, not a decision. */
export interface EditRecord {
  type: 'edit';
  key: string;
  row: number;
  /** The new version's number. */
  version: number;
  subject?: string;
  body: string;
  /** User-defined answer fields as edited (issue 13). */
  fields?: Record<string, string>;
  /** Of a draft made in variants: the 1-based variant the person's text started from (issue 13). */
  variant?: number;
  at: string;
}

/**
 * A reviewer's decision about one version. Files written before edits were versions also hold
 * `edited` decisions carrying text (and skips carrying text): the fold reads those as an edit.
 */
export interface DecisionRecord {
  type: 'decision';
  key?: string;
  row: number;
  status: 'approved' | 'skipped' | 'edited';
  /** The version the decision is about. */
  version: number;
  /** Only in old files: edited text travelled with the decision. */
  subject?: string;
  body?: string;
  /** Who decided (`--reviewer`, else the OS user); absent in files written before reviewers were recorded. */
  reviewer?: string;
  /** For a draft with variants: the 1-based variant approved (issue 13). */
  variant?: number;
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

/** What list and profile a drafts file belongs to (written by `draft` when it starts a file). */
export interface SourceRecord {
  type: 'source';
  /** Resolved path of the CSV, or null for stdin. */
  csv: string | null;
  /** The CSV's header as read (identifies stdin lists; keeps an empty export's columns). */
  header: string[];
  profile: string;
  at: string;
}

/** The recipients of the CSV as last read, in row order: who is in the list now. */
export interface RosterRecord {
  type: 'roster';
  /** Identifies the list (keys and rows), written first so a reader can compare lists cheaply. */
  digest?: string;
  keys: string[];
  /**
   * The CSV data row of each key, when they are not 1, 2, 3...: a row that repeats a recipient is
   * not in `keys`, and the rows after it keep their own numbers.
   */
  rows?: number[];
  at: string;
}

/**
 * The inputs of a decided recipient changed (profile, template, row, model...): its draft no
 * longer matches what a new draft would be. `fingerprint` is the new inputs'; a later draft of
 * the recipient, or inputs matching its draft again, clears it.
 */
export interface InputsRecord {
  type: 'inputs';
  key: string;
  fingerprint: string;
  at: string;
}

/**
 * `draft` skipped a recipient before any model request: the memory says not to contact them. The
 * recipient reads as `excluded` (any decision about its latest version no longer holds) until a
 * later run finds them contactable again and drafts a new version.
 */
export interface ExcludedRecord {
  type: 'excluded';
  key: string;
  row: number;
  /** Opted out or undeliverable, and why (core/memory/records.ts Suppression), e.g. `opted out: history optout`. */
  reason: string;
  at: string;
}

export type JournalRecord = DraftRecord | EditRecord | DecisionRecord | PromptRecord | SourceRecord | RosterRecord | InputsRecord | ExcludedRecord;
