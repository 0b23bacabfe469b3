// The drafting loop: a bounded pool of workers pulls jobs one at a time (never reading ahead,
// so memory stays flat for any input size), reuses drafts whose fingerprint is unchanged,
// retries what the engine says may succeed, saves every outcome before announcing it, and
// hands results back in job order. One job's attempts live in draft-attempts.ts. Pure: the engine,
// the store and the clock are injected.
import type { Engine, GenerateRequest } from '../engine.js';
import type { RowPlan } from '../decisions/rules.js';
import type { DraftRecord } from '../decisions/records.js';
import { draftOne, type Outcome } from './draft-attempts.js';
import { EngineHealth, type EngineDown } from './engine-health.js';
import type { Recipient } from '../recipients/recipients.js';
import type { RetryCount } from './retry-tally.js';

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
  parse: (text: string) => { subject?: string; body: string };
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
}

export async function runDrafts(options: RunOptions): Promise<RunSummary> {
  const started = performance.now();
  const o = options;
  // A bad value must not mean zero workers (a run that silently does nothing).
  const concurrency = Number.isFinite(o.concurrency) ? Math.max(1, Math.floor(o.concurrency)) : 1;
  // Our own controller also stops the run on a fatal error (a failing store, a failing input).
  const stop = new AbortController();
  const onOuterAbort = () => stop.abort(o.signal?.reason);
  if (o.signal?.aborted) stop.abort(o.signal.reason);
  else o.signal?.addEventListener('abort', onOuterAbort, { once: true });

  const pool = new Pool(o, stop, Math.max(o.maxAhead ?? 4096, concurrency));
  try {
    await Promise.all(Array.from({ length: concurrency }, (_, slot) => pool.worker(slot)));
  } finally {
    o.signal?.removeEventListener('abort', onOuterAbort);
    // Let the source close its file handles (e.g. the CSV stream).
    await pool.close();
  }
  if (pool.fatal) throw pool.fatal.error;

  const summary = pool.summary;
  summary.failures.sort((a, b) => a.row - b.row);
  summary.interrupted = Boolean(o.signal?.aborted) && (!pool.exhausted || pool.anyAborted);
  summary.wallMs = Math.round(performance.now() - started);
  return summary;
}

/** The workers' shared state: the job source, the in-order hand-back and the run's tallies. */
class Pool {
  readonly summary: RunSummary = {
    drafted: 0, cached: 0, stale: 0, failed: 0, failures: [], interrupted: false, wallMs: 0, evalCount: 0, evalMs: 0, cutRows: [], retries: [],
  };
  fatal: { error: unknown } | undefined;
  exhausted = false;
  anyAborted = false;
  private readonly health: EngineHealth;
  private readonly iterator: AsyncIterator<DraftJob>;
  private pulled = 0;
  // In-order hand-back: results wait here until every earlier job has finished.
  private readonly finished = new Map<number, { job: DraftJob; outcome: Exclude<Outcome, 'down'> }>();
  private nextEmit = 0;
  private emitHalted = false;
  private waiters: (() => void)[] = [];
  // Async iterators need not support overlapping next() calls: serialise them.
  private pullChain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly o: RunOptions,
    private readonly stop: AbortController,
    private readonly maxAhead: number,
  ) {
    // Monotonic unless the caller injects a clock (tests: a fake one that their sleep advances).
    const clock = o.now ? () => o.now!().getTime() : () => performance.now();
    this.health = new EngineHealth(o.giveUpAfterMs ?? 30_000, clock);
    this.iterator = o.jobs[Symbol.asyncIterator]();
    stop.signal.addEventListener('abort', () => this.wake(), { once: true });
  }

  async worker(slot: number): Promise<void> {
    const signal = this.stop.signal;
    while (!signal.aborted) {
      // Back-pressure on the reorder buffer: one slow row must not let the rest pile up in memory.
      while (this.o.emit && this.pulled - this.nextEmit >= this.maxAhead && !signal.aborted) {
        await new Promise<void>((resolve) => this.waiters.push(resolve));
      }
      if (signal.aborted) return;
      let next: IteratorResult<DraftJob>;
      try {
        next = await this.pull();
      } catch (err) {
        return this.fail(err);
      }
      if (next.done) {
        if (!signal.aborted) this.exhausted = true;
        return;
      }
      const seq = this.pulled++;
      try {
        await this.draft(seq, next.value, slot);
      } catch (err) {
        return this.fail(err);
      } finally {
        this.health.idle(slot);
      }
    }
  }

  close(): Promise<unknown> {
    return Promise.resolve(this.iterator.return?.()).catch(() => {});
  }

  private async draft(seq: number, job: DraftJob, slot: number): Promise<void> {
    let outcome = await draftOne(job, this.o, this.stop.signal, this.summary, { health: this.health, slot });
    if (outcome === 'down') {
      // draftOne noted summary.engineDown. Keep what is drafted, leave the rest undrafted.
      this.stop.abort();
      outcome = 'aborted';
    }
    if (outcome === 'aborted') this.anyAborted = true;
    this.finished.set(seq, { job, outcome });
    this.flush();
  }

  private pull(): Promise<IteratorResult<DraftJob>> {
    const p = this.pullChain.then(() =>
      this.exhausted || this.stop.signal.aborted ? ({ done: true, value: undefined } as const) : this.iterator.next(),
    );
    this.pullChain = p.catch(() => {});
    return p;
  }

  private flush(): void {
    while (!this.emitHalted && this.finished.has(this.nextEmit)) {
      const { job, outcome } = this.finished.get(this.nextEmit)!;
      // Interrupted: emit only the contiguous finished prefix, so the output has no holes.
      if (outcome === 'aborted') {
        this.emitHalted = true;
        break;
      }
      this.finished.delete(this.nextEmit);
      this.nextEmit++;
      this.o.emit?.(job, outcome);
    }
    this.wake();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private fail(error: unknown): void {
    this.fatal ??= { error };
    this.stop.abort(error);
  }
}
