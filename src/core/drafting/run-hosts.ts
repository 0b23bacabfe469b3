// The runner's hosts: the host pool (host-pool.ts) with each host's engine, and the waiting for a
// free slot that the pool itself, being plain bookkeeping, does not do. A worker that finds no
// free slot waits until one is released, or until a set-aside host's pause is over. With one host
// this never waits: there is one worker per slot. Pure: sleep and clock come from the run's options.
import type { Engine } from '../engine.js';
import { isAbortError } from '../errors.js';
import { abortableSleep, type HostAccess } from './draft-attempts.js';
import { hostOf } from './draft-record.js';
import { HostPool, type HostTally } from './host-pool.js';
import type { RunHost, RunOptions } from './run-contract.js';

const DEFAULT_RETRY_AFTER_MS = 15_000;

export class RunHosts implements HostAccess {
  private readonly pool: HostPool;
  private readonly engines: Engine[];
  private waiters: (() => void)[] = [];
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(hosts: readonly RunHost[], o: Pick<RunOptions, 'now' | 'sleep' | 'hostRetryAfterMs'>) {
    const clock = o.now ? () => o.now!().getTime() : () => performance.now();
    this.engines = hosts.map((h) => h.engine);
    this.pool = new HostPool(
      hosts.map((h) => ({ label: hostOf(h.engine.info.location) ?? h.engine.info.location, slots: h.slots })),
      { retryAfterMs: o.hostRetryAfterMs ?? DEFAULT_RETRY_AFTER_MS, now: clock },
    );
    this.sleep = o.sleep ?? abortableSleep;
  }

  get size(): number {
    return this.pool.size;
  }

  get totalSlots(): number {
    return this.pool.totalSlots;
  }

  take(avoid: number | undefined): { index: number; engine: Engine } | undefined {
    const index = this.pool.take(avoid);
    return index === undefined ? undefined : { index, engine: this.engines[index]! };
  }

  async acquire(avoid: number | undefined, signal: AbortSignal): Promise<{ index: number; engine: Engine } | undefined> {
    for (;;) {
      if (signal.aborted) return undefined;
      const lease = this.take(avoid);
      if (lease) return lease;
      if (!(await this.waitForSlot(signal))) return undefined;
    }
  }

  release(index: number, outcome: { ok: true; ms: number } | { ok: false; answered: boolean }): void {
    this.pool.release(index, outcome);
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  hasOtherInService(index: number): boolean {
    return this.pool.hasOtherInService(index);
  }

  tally(): HostTally[] {
    return this.pool.tally();
  }

  /** Until a slot is released or a set-aside host may take its trial; false when the run stopped. */
  private async waitForSlot(signal: AbortSignal): Promise<boolean> {
    const trialIn = this.pool.msUntilTrial();
    const timer = new AbortController();
    const stopTimer = () => timer.abort();
    signal.addEventListener('abort', stopTimer, { once: true });
    const released = new Promise<void>((resolve) => this.waiters.push(resolve));
    const waits: Promise<unknown>[] = [released, new Promise<void>((resolve) => timer.signal.addEventListener('abort', () => resolve(), { once: true }))];
    if (trialIn !== undefined) waits.push(this.sleep(trialIn, timer.signal).catch((err: unknown) => (isAbortError(err) ? undefined : Promise.reject(err))));
    try {
      await Promise.race(waits);
    } finally {
      signal.removeEventListener('abort', stopTimer);
      timer.abort();
    }
    return !signal.aborted;
  }
}
