// The drafting loop: a bounded pool of workers pulls jobs one at a time (never reading ahead,
// so memory stays flat for any input size), reuses drafts whose fingerprint is unchanged,
// retries what the engine says may succeed, saves every outcome before announcing it, and
// hands results back in job order. Pure: the engine, the store and the clock are injected.
import type { Engine, GenerateRequest, GenerateResult } from '../engine.js';
import type { RowPlan } from '../decisions/rules.js';
import type { DraftRecord } from '../decisions/records.js';
import { draftedRecord, failedRecord, type DraftOrigin } from './draft-record.js';
import { EngineHealth, type EngineDown } from './engine-health.js';
import { abortError, EngineError, isAbortError } from '../errors.js';
import type { Recipient } from '../recipients/recipients.js';
import { countRetry, type RetryCount } from './retry-tally.js';

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

/** 'down': the engine stopped answering; the row is left undrafted and the run stops. */
type Outcome = DraftRecord | 'cached' | 'aborted' | 'down';

/** The health tracker and the worker ("slot") a job runs on. */
interface Watch {
  health: EngineHealth;
  slot: number;
}

export async function runDrafts(options: RunOptions): Promise<RunSummary> {
  const started = performance.now();
  const o = options;
  // A bad value must not mean zero workers (a run that silently does nothing).
  const concurrency = Number.isFinite(o.concurrency) ? Math.max(1, Math.floor(o.concurrency)) : 1;
  const maxAhead = Math.max(o.maxAhead ?? 4096, concurrency);
  // Our own controller also stops the run on a fatal error (a failing store, a failing input).
  const stop = new AbortController();
  const onOuterAbort = () => stop.abort(o.signal?.reason);
  if (o.signal?.aborted) stop.abort(o.signal.reason);
  else o.signal?.addEventListener('abort', onOuterAbort, { once: true });

  const summary: RunSummary = {
    drafted: 0, cached: 0, stale: 0, failed: 0, failures: [], interrupted: false, wallMs: 0, evalCount: 0, evalMs: 0, cutRows: [], retries: [],
  };
  // Monotonic unless the caller injects a clock (tests: a fake one that their sleep advances).
  const clock = o.now ? () => o.now!().getTime() : () => performance.now();
  const health = new EngineHealth(o.giveUpAfterMs ?? 30_000, clock);
  let fatal: { error: unknown } | undefined;
  const iterator = o.jobs[Symbol.asyncIterator]();
  let exhausted = false;
  let anyAborted = false;
  let pulled = 0;

  // In-order hand-back: results wait here until every earlier job has finished.
  const finished = new Map<number, { job: DraftJob; outcome: Exclude<Outcome, 'down'> }>();
  let nextEmit = 0;
  let emitHalted = false;
  let waiters: (() => void)[] = [];
  const wake = () => {
    const w = waiters;
    waiters = [];
    for (const f of w) f();
  };
  stop.signal.addEventListener('abort', wake, { once: true });

  const fail = (error: unknown) => {
    fatal ??= { error };
    stop.abort(error);
  };

  const flush = () => {
    while (!emitHalted && finished.has(nextEmit)) {
      const { job, outcome } = finished.get(nextEmit)!;
      // Interrupted: emit only the contiguous finished prefix, so the output has no holes.
      if (outcome === 'aborted') {
        emitHalted = true;
        break;
      }
      finished.delete(nextEmit);
      nextEmit++;
      o.emit?.(job, outcome);
    }
    wake();
  };

  // Async iterators need not support overlapping next() calls: serialise them.
  let pullChain: Promise<unknown> = Promise.resolve();
  const pull = (): Promise<IteratorResult<DraftJob>> => {
    const p = pullChain.then(() =>
      exhausted || stop.signal.aborted ? ({ done: true, value: undefined } as const) : iterator.next(),
    );
    pullChain = p.catch(() => {});
    return p;
  };

  const worker = async (slot: number) => {
    while (!stop.signal.aborted) {
      // Back-pressure on the reorder buffer: one slow row must not let the rest pile up in memory.
      while (o.emit && pulled - nextEmit >= maxAhead && !stop.signal.aborted) {
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
      if (stop.signal.aborted) return;
      let next: IteratorResult<DraftJob>;
      try {
        next = await pull();
      } catch (err) {
        fail(err);
        return;
      }
      if (next.done) {
        if (!stop.signal.aborted) exhausted = true;
        return;
      }
      const seq = pulled++;
      const job = next.value;
      try {
        let outcome = await draftOne(job, o, stop.signal, summary, { health, slot });
        if (outcome === 'down') {
          // draftOne noted summary.engineDown. Keep what is drafted, leave the rest undrafted.
          stop.abort();
          outcome = 'aborted';
        }
        if (outcome === 'aborted') anyAborted = true;
        finished.set(seq, { job, outcome });
        flush();
      } catch (err) {
        fail(err);
        return;
      } finally {
        health.idle(slot);
      }
    }
  };

  try {
    await Promise.all(Array.from({ length: concurrency }, (_, slot) => worker(slot)));
  } finally {
    o.signal?.removeEventListener('abort', onOuterAbort);
    // Let the source close its file handles (e.g. the CSV stream).
    await Promise.resolve(iterator.return?.()).catch(() => {});
  }
  if (fatal) throw fatal.error;

  summary.failures.sort((a, b) => a.row - b.row);
  summary.interrupted = Boolean(o.signal?.aborted) && (!exhausted || anyAborted);
  summary.wallMs = Math.round(performance.now() - started);
  return summary;
}

/** Draft one job: cached, a new record (drafted or failed, already saved), or aborted. */
async function draftOne(job: DraftJob, o: RunOptions, signal: AbortSignal, summary: RunSummary, watch: Watch): Promise<Outcome> {
  const row = job.recipient.row;
  const { plan, version } = o.plan(job);
  if (plan !== 'draft') {
    summary[plan]++;
    o.onEvent?.({ type: plan, row, key: job.key });
    return 'cached';
  }
  if (signal.aborted) return 'aborted';
  o.onEvent?.({ type: 'started', row });

  const retries = Math.max(0, o.retries ?? 3);
  const backoff = o.backoffMs ?? 500;
  const sleep = o.sleep ?? abortableSleep;
  const random = o.random ?? Math.random;
  const now = () => o.now?.() ?? new Date();
  const t0 = performance.now();
  const origin: DraftOrigin = {
    key: job.key,
    row,
    fingerprint: job.fingerprint,
    ...(job.inputs ? { inputs: job.inputs } : {}),
    recipient: job.recipientRecord,
    engine: o.engine.info,
    messages: job.request.messages,
    version,
    ...(o.profile ? { profile: o.profile } : {}),
  };

  const since: Since = {};
  for (let attempt = 0; ; attempt++) {
    let result: GenerateResult;
    let parsed: { subject?: string; body: string };
    let answered = false;
    try {
      watch.health.attempting(watch.slot);
      result = await o.engine.generate({
        ...job.request,
        // A retry under the same seed would write the same unusable answer again: step the seed.
        options: attempt > 0 && job.request.options.seed !== undefined ? { ...job.request.options, seed: job.request.options.seed + attempt } : job.request.options,
        signal,
        onText: o.onEvent ? (text) => o.onEvent?.({ type: 'text', row, chars: text.length }) : undefined,
      });
      answered = true;
      watch.health.answered(watch.slot);
      parsed = o.parse(result.text);
    } catch (err) {
      // Only our signal means "interrupted"; an engine's own timeout is a failure like any other.
      if (signal.aborted) return 'aborted';
      const message = errorMessage(err);
      const next = afterFailure(err, message, { answered, attempt, since }, { retries, backoff, random }, watch);
      if (typeof next === 'object') {
        summary.engineDown ??= next;
        return 'down';
      }
      if (next !== 'fail') {
        const delayMs = next;
        countRetry(summary.retries, message);
        o.onEvent?.({ type: 'retry', row, attempt: attempt + 1, delayMs, error: message });
        try {
          await sleep(delayMs, signal);
        } catch (sleepErr) {
          if (signal.aborted || isAbortError(sleepErr)) return 'aborted';
          throw sleepErr;
        }
        if (signal.aborted) return 'aborted';
        continue;
      }
      const record = failedRecord(origin, message, performance.now() - t0, now());
      o.save(record);
      summary.failed++;
      summary.failures.push({ row, error: message });
      o.onEvent?.({ type: 'failed', row, error: message });
      return record;
    }

    const record = draftedRecord(origin, parsed, result, now());
    // A draft that finished as the user pressed Ctrl-C is still a finished draft: keep it.
    o.save(record);
    summary.drafted++;
    if (record.cut) summary.cutRows.push(row);
    if (result.evalCount !== undefined && result.evalMs !== undefined) {
      summary.evalCount += result.evalCount;
      summary.evalMs += result.evalMs;
    }
    o.onEvent?.({ type: 'drafted', row, record });
    return record;
  }
}

/** The engine's answer count when this row first got no answer (unchanged since: an outage). */
interface Since {
  answers?: number;
}

/**
 * What a failed attempt leads to: the delay (ms) before the next one, 'fail' (save a failed
 * record), or the engine counting as down (stop the run; the row stays undrafted).
 */
function afterFailure(
  err: unknown,
  message: string,
  at: { answered: boolean; attempt: number; since: Since },
  policy: { retries: number; backoff: number; random: () => number },
  { health, slot }: Watch,
): number | 'fail' | EngineDown {
  if (!(err instanceof EngineError && err.retryable)) return 'fail';
  if (!at.answered) {
    health.failed(slot, message);
    at.since.answers ??= health.answers;
    const down = health.down();
    if (down) return down;
  }
  // Out of retries while nobody has had an answer since this row's first failure: the host is
  // out, not this row. Keep trying (until it answers or counts as down) rather than fail it.
  const outage = at.since.answers === health.answers;
  if (at.attempt >= policy.retries && !outage) return 'fail';
  // Exponential backoff with jitter, so parallel workers do not retry in lockstep; never past the
  // moment the engine would count as down, so a dead host is noticed on time.
  const exp = Math.round(policy.backoff * 2 ** at.attempt * (0.5 + policy.random() * 0.5));
  return Math.min(exp, Math.max(Math.ceil(health.msUntilGiveUp()), policy.backoff));
}

function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

/** setTimeout that rejects with an AbortError when the signal fires. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

