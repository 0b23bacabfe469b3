// What a drafting run takes and gives: its jobs, options, events and summary. Apart from the loop
// (run.ts) and one job's attempts (draft-attempts.ts), which both read them.
import type { Engine, GenerateRequest } from '../engine.js';
import type { RowPlan } from '../decisions/rules.js';
import type { DraftRecord } from '../decisions/records.js';
import type { EngineDown } from './engine-health.js';
import type { HistoryProvenance } from './history-block.js';
import type { HostTally } from './host-pool.js';
import type { Recipient } from '../recipients/recipients.js';
import type { VariantSpec } from '../profile.js';
import type { RetryCount } from './retry-tally.js';
import type { DraftText } from './draft-answer.js';

/** Everything needed to draft one recipient, built by the caller (prompt + fingerprint). */
export interface DraftJob {
  /** Who the recipient is (src/core/recipients/recipient-key.ts). */
  key: string;
  recipient: Recipient;
  /** All CSV columns by header, stored in the record (the drafts file is local). */
  recipientRecord: Record<string, string>;
  fingerprint: string;
  /** The row's inputs digest, when the caller can tell unchanged rows without building prompts. */
  inputs?: string;
  request: Omit<GenerateRequest, 'signal' | 'onText'>;
  /** What the draft record keeps of how its prompt was made, read after `request`. */
  provenance?: JobProvenance;
  /**
   * Draft these variants (issue 13): one request each (core/drafting/variants.ts variantRequest),
   * and one record once every one has answered. Absent: one request, as without variants.
   */
  variants?: readonly VariantSpec[];
}

/** A draft's provenance beyond its messages: examples and remembered history the prompt carried. */
export interface JobProvenance {
  examples?: number;
  history?: HistoryProvenance;
  /** The memory's ids of the earlier approvals the prompt carried as examples (examples-block.ts). */
  memoryExamples?: number[];
  /** Issue 13: the recipient's plan (app/recipient-plans.ts), as DraftRecord keeps it. */
  rules?: DraftRecord['rules'];
  effective?: DraftRecord['effective'];
  sentiment?: DraftRecord['sentiment'];
  catalog?: DraftRecord['catalog'];
}

export type RunEvent =
  | { type: 'cached'; row: number; key: string }
  /** A decided recipient whose inputs changed: kept as decided, not redrafted. */
  | { type: 'stale'; row: number; key: string }
  | { type: 'started'; row: number }
  /** `chars`: length of the piece of text just streamed. */
  | { type: 'text'; row: number; chars: number }
  | { type: 'drafted'; row: number; record: DraftRecord }
  | { type: 'retry'; row: number; attempt: number; delayMs: number; error: string }
  | { type: 'failed'; row: number; error: string };

export interface RunSummary {
  drafted: number;
  cached: number;
  /** Decided (or edited) recipients whose inputs changed: kept, not redrafted. */
  stale: number;
  failed: number;
  /** Rows that failed, with their error, in row order. */
  failures: { row: number; error: string }[];
  /** True when the signal stopped the run before every job finished. */
  interrupted: boolean;
  wallMs: number;
  /** Total generated tokens and the time spent generating them, for tokens/s. */
  evalCount: number;
  evalMs: number;
  /** Rows whose answer stopped at the token limit (num_predict): they may end mid-sentence. */
  cutRows: number[];
  /** Retries by reason, in first-seen order. */
  retries: RetryCount[];
  /** Set when the run stopped because the engine stopped answering (see giveUpAfterMs). */
  engineDown?: EngineDown;
  /** Per host, when the run had more than one: drafts, failures, mean latency. */
  hosts?: HostTally[];
}

/** One host of a run with several: its engine (created for that host) and its slots. */
export interface RunHost {
  engine: Engine;
  /** Attempts at once on this host. */
  slots: number;
  /** Not answering when the run began: set aside until its first trial. */
  down?: boolean;
}

export interface RunOptions {
  jobs: AsyncIterable<DraftJob>;
  engine: Engine;
  /** What to do with a job given what the drafts file holds, and the version a new draft gets. */
  plan: (job: DraftJob) => { plan: RowPlan; version: number };
  /** The tone profile's path, recorded with every draft. */
  profile?: string;
  concurrency: number;
  /** Extra attempts after a retryable EngineError (default 3). */
  retries?: number;
  /** First backoff delay in ms (doubles each time, with jitter; default 500). */
  backoffMs?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  signal?: AbortSignal;
  /** Parses the model's raw text into subject/body; throws EngineError when it cannot. */
  parse: (text: string) => DraftText;
  /** Persist a record before announcing it (durability first). */
  save: (record: DraftRecord) => void;
  onEvent?: (event: RunEvent) => void;
  /** Called once per job in the order jobs were given (CSV row order): the new record, or 'cached' (kept as it was). */
  emit?: (job: DraftJob, outcome: DraftRecord | 'cached') => void;
  now?: () => Date;
  /** Jitter source in [0, 1) (tests make it fixed). */
  random?: () => number;
  /** How far finished jobs may run ahead of the oldest unfinished one while `emit` waits for it. */
  maxAhead?: number;
  /**
   * Stop the run when the engine has not answered for this long and every worker's latest attempt
   * failed (default 30 s). Rows caught in the outage get no failed record: a re-run drafts them.
   */
  giveUpAfterMs?: number;
  /**
   * Several hosts (one engine kind and model): each its own engine and slots, and a row goes to
   * whichever has a free slot (concurrency is then ignored). Default: `engine` with `concurrency` slots.
   */
  hosts?: readonly RunHost[];
  /** How long a host that keeps failing is set aside before one trial attempt (default 15 s). */
  hostRetryAfterMs?: number;
}
