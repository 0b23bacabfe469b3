// One job's way to a draft, for the runner's workers (run.ts): what the plan says to do with it,
// then attempts at the model until one parses, the engine says retrying is pointless, or the
// engine counts as down. Every new record is saved before it is announced. Pure: the engine, the
// store, the clock and the sleep come in through the run's options.
import type { Engine, GenerateResult } from '../engine.js';
import type { DraftRecord } from '../decisions/records.js';
import { draftedRecord, failedRecord, type DraftOrigin } from './draft-record.js';
import type { EngineDown, EngineHealth } from './engine-health.js';
import { abortError, EngineError, isAbortError } from '../errors.js';
import { countRetry } from './retry-tally.js';
import type { DraftJob, RunOptions, RunSummary } from './run-contract.js';
import type { DraftText } from './draft-answer.js';

/** 'down': the engine stopped answering; the row is left undrafted and the run stops. */
export type Outcome = DraftRecord | 'cached' | 'aborted' | 'down';

/** The health tracker, the worker ("slot") a job runs on, and the hosts its attempts go to. */
export interface Watch {
  health: EngineHealth;
  slot: number;
  hosts: HostAccess;
}

/** A slot on one host for one attempt (run.ts over host-pool.ts). */
export interface HostAccess {
  /** A free slot now, if there is one (no promise on the hot path). */
  take(avoid: number | undefined): { index: number; engine: Engine } | undefined;
  /** A host with a free slot, preferring one other than `avoid`; waits for one; undefined once the run stops. */
  acquire(avoid: number | undefined, signal: AbortSignal): Promise<{ index: number; engine: Engine } | undefined>;
  release(index: number, outcome: { ok: true; ms: number } | { ok: false; answered: boolean }): void;
  /** Another host is in service: a row that failed on `index` without an answer moves there at once. */
  hasOtherInService(index: number): boolean;
}

/** How failed attempts are retried. */
interface Policy {
  retries: number;
  backoff: number;
  random: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** The engine's answer count when this row first got no answer (unchanged since: an outage). */
interface Since {
  answers?: number;
}

type Attempt = { ok: true; result: GenerateResult; parsed: DraftText } | { ok: false; error: unknown; answered: boolean };

/** Draft one job: cached, a new record (drafted or failed, already saved), aborted or down. */
export async function draftOne(job: DraftJob, o: RunOptions, signal: AbortSignal, summary: RunSummary, watch: Watch): Promise<Outcome> {
  const row = job.recipient.row;
  const { plan, version } = o.plan(job);
  if (plan !== 'draft') {
    summary[plan]++;
    o.onEvent?.({ type: plan, row, key: job.key });
    return 'cached';
  }
  if (signal.aborted) return 'aborted';
  o.onEvent?.({ type: 'started', row });

  const policy: Policy = { retries: Math.max(0, o.retries ?? 3), backoff: o.backoffMs ?? 500, random: o.random ?? Math.random, sleep: o.sleep ?? abortableSleep };
  const t0 = performance.now();
  const origin = originOf(job, o, version);
  const since: Since = {};
  let avoid: number | undefined;
  let spent = 0;
  for (let attempt = 0; ; attempt++) {
    const host = watch.hosts.take(avoid) ?? (await watch.hosts.acquire(avoid, signal));
    if (!host) return 'aborted';
    origin.engine = host.engine.info;
    // A retry steps the seed (attemptOnce): the record keeps the one that answered.
    if (origin.seed !== undefined) origin.seed = job.request.options.seed! + attempt;
    const tried = await attemptOnce(job, host.engine, { o, signal, watch, attempt });
    watch.hosts.release(host.index, tried.ok ? { ok: true, ms: tried.result.totalMs } : { ok: false, answered: tried.answered });
    // A draft that finished as the user pressed Ctrl-C is still a finished draft: keep it.
    if (tried.ok) return saveDrafted(origin, tried.result, tried.parsed, o, summary);
    // Only our signal means "interrupted"; an engine's own timeout is a failure like any other.
    if (signal.aborted) return 'aborted';
    const message = errorMessage(tried.error);
    // No answer from this host, and another is in service: the row moves there at once, and the
    // host's failure is not the row's (its retries are left for failures of its own).
    const moves = !tried.answered && retryable(tried.error) && watch.hosts.hasOtherInService(host.index);
    const next = afterFailure(tried.error, message, { answered: tried.answered, attempt: spent, since, moves }, policy, watch);
    if (typeof next === 'object') {
      summary.engineDown ??= next;
      return 'down';
    }
    if (next === 'fail') return saveFailed(origin, message, performance.now() - t0, o, summary);
    avoid = host.index;
    if (!moves) spent++;
    countRetry(summary.retries, message);
    o.onEvent?.({ type: 'retry', row, attempt: attempt + 1, delayMs: next, error: message });
    if (next > 0 && !(await backOff(policy, next, signal))) return 'aborted';
  }
}

function originOf(job: DraftJob, o: RunOptions, version: number): DraftOrigin {
  const { seed, temperature } = job.request.options;
  const p = job.provenance;
  return {
    key: job.key,
    row: job.recipient.row,
    fingerprint: job.fingerprint,
    ...(job.inputs ? { inputs: job.inputs } : {}),
    recipient: job.recipientRecord,
    engine: o.engine.info,
    messages: job.request.messages,
    version,
    ...(o.profile ? { profile: o.profile } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(temperature !== undefined ? { temperature } : {}),
    ...(p?.examples !== undefined ? { examples: p.examples } : {}),
    ...(p?.history ? { history: p.history } : {}),
    ...(p?.memoryExamples?.length ? { memoryExamples: p.memoryExamples } : {}),
  };
}

/** One request to the model and the parse of its answer; a failure says whether the engine answered. */
async function attemptOnce(job: DraftJob, engine: Engine, at: { o: RunOptions; signal: AbortSignal; watch: Watch; attempt: number }): Promise<Attempt> {
  const { o, signal, watch, attempt } = at;
  const row = job.recipient.row;
  const options = job.request.options;
  let answered = false;
  try {
    watch.health.attempting(watch.slot);
    const result = await engine.generate({
      ...job.request,
      // A retry under the same seed would write the same unusable answer again: step the seed.
      options: attempt > 0 && options.seed !== undefined ? { ...options, seed: options.seed + attempt } : options,
      signal,
      onText: o.onEvent ? (text) => o.onEvent?.({ type: 'text', row, chars: text.length }) : undefined,
    });
    answered = true;
    watch.health.answered(watch.slot);
    return { ok: true, result, parsed: o.parse(result.text) };
  } catch (error) {
    return { ok: false, error, answered };
  }
}

function saveDrafted(origin: DraftOrigin, result: GenerateResult, parsed: DraftText, o: RunOptions, summary: RunSummary): DraftRecord {
  const record = draftedRecord(origin, parsed, result, o.now?.() ?? new Date());
  o.save(record);
  summary.drafted++;
  if (record.cut) summary.cutRows.push(origin.row);
  if (result.evalCount !== undefined && result.evalMs !== undefined) {
    summary.evalCount += result.evalCount;
    summary.evalMs += result.evalMs;
  }
  o.onEvent?.({ type: 'drafted', row: origin.row, record });
  return record;
}

function saveFailed(origin: DraftOrigin, message: string, ms: number, o: RunOptions, summary: RunSummary): DraftRecord {
  const record = failedRecord(origin, message, ms, o.now?.() ?? new Date());
  o.save(record);
  summary.failed++;
  summary.failures.push({ row: origin.row, error: message });
  o.onEvent?.({ type: 'failed', row: origin.row, error: message });
  return record;
}

/** Waits before the next attempt; false when the run was interrupted meanwhile. */
async function backOff(policy: Policy, delayMs: number, signal: AbortSignal): Promise<boolean> {
  try {
    await policy.sleep(delayMs, signal);
  } catch (sleepErr) {
    if (signal.aborted || isAbortError(sleepErr)) return false;
    throw sleepErr;
  }
  return !signal.aborted;
}

/**
 * What a failed attempt leads to: the delay (ms) before the next one, 'fail' (save a failed
 * record), or the engine counting as down (stop the run; the row stays undrafted).
 */
function afterFailure(
  err: unknown,
  message: string,
  at: { answered: boolean; attempt: number; since: Since; moves: boolean },
  policy: Policy,
  { health, slot }: Watch,
): number | 'fail' | EngineDown {
  if (!retryable(err)) return 'fail';
  if (!at.answered) {
    health.failed(slot, message);
    at.since.answers ??= health.answers;
    const down = health.down();
    if (down) return down;
  }
  if (at.moves) return 0;
  // Out of retries while nobody has had an answer since this row's first failure: the host is
  // out, not this row. Keep trying (until it answers or counts as down) rather than fail it.
  const outage = at.since.answers === health.answers;
  if (at.attempt >= policy.retries && !outage) return 'fail';
  // Exponential backoff with jitter, so parallel workers do not retry in lockstep; never past the
  // moment the engine would count as down, so a dead host is noticed on time.
  const exp = Math.round(policy.backoff * 2 ** at.attempt * (0.5 + policy.random() * 0.5));
  const delay = Math.min(exp, Math.max(Math.ceil(health.msUntilGiveUp()), policy.backoff));
  // A server that said when to come back (Retry-After) is not asked sooner.
  return err.retryAfterMs !== undefined ? Math.max(delay, err.retryAfterMs) : delay;
}

function retryable(err: unknown): err is EngineError {
  return err instanceof EngineError && err.retryable;
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
