// The drafting loop: a bounded pool of workers pulls jobs one at a time (never reading ahead,
// so memory stays flat for any input size), reuses drafts whose fingerprint is unchanged,
// retries what the engine says may succeed, saves every outcome before announcing it, and
// hands results back in job order. One job's attempts live in draft-attempts.ts. Pure: the engine,
// the store and the clock are injected.
import { draftOne, type Outcome } from './draft-attempts.js';
import type { DraftJob, RunOptions, RunSummary } from './run-contract.js';
import { EngineHealth } from './engine-health.js';
import { RunHosts } from './run-hosts.js';
import { isAbortError } from '../errors.js';

export async function runDrafts(options: RunOptions): Promise<RunSummary> {
  const started = performance.now();
  const o = options;
  // A bad value must not mean zero workers (a run that silently does nothing).
  const concurrency = Number.isFinite(o.concurrency) ? Math.max(1, Math.floor(o.concurrency)) : 1;
  // Hosts and their slots: one worker per slot, so every slot of every host can be busy at once.
  const hosts = new RunHosts(o.hosts ?? [{ engine: o.engine, slots: concurrency }], o);
  const workers = hosts.totalSlots;
  // Our own controller also stops the run on a fatal error (a failing store, a failing input).
  const stop = new AbortController();
  const onOuterAbort = () => stop.abort(o.signal?.reason);
  if (o.signal?.aborted) stop.abort(o.signal.reason);
  else o.signal?.addEventListener('abort', onOuterAbort, { once: true });

  const pool = new Pool(o, stop, Math.max(o.maxAhead ?? 4096, workers), hosts);
  try {
    await Promise.all(Array.from({ length: workers }, (_, slot) => pool.worker(slot)));
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
  if (hosts.size > 1) summary.hosts = hosts.tally();
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
    private readonly hosts: RunHosts,
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
        // The job source was planning a row (a model request, an embedding) when the run was
        // stopped: that is the stop itself (an interrupt), not a failure of the run.
        if (signal.aborted && isAbortError(err)) return;
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
    let outcome = await draftOne(job, this.o, this.stop.signal, this.summary, { health: this.health, slot, hosts: this.hosts });
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
