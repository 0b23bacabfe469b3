// Many hosts at once: each host has its own slots, and an attempt goes to whichever host has a
// free one, so hosts of different speeds are all kept busy (a fast host frees its slots more
// often, so it takes more rows). A host whose attempts keep failing without an answer is set
// aside: it gets no new attempts until `retryAfterMs` has passed, then one trial attempt (a real
// row); an answer brings it back with all its slots, a failure sets it aside again. The last
// host in service is never set aside: when it stops answering too, the run's health tracker
// (engine-health.ts) decides when the run stops, exactly as with one host. Engine-agnostic and
// pure: the runner (run.ts) drives it and owns the engines; the clock is injected.

export interface HostSlots {
  /** What the summary and progress call it: `host:port`. */
  label: string;
  /** Attempts at once on this host. */
  slots: number;
}

export interface HostPoolOptions {
  /** How long a set-aside host waits before its trial attempt. */
  retryAfterMs: number;
  /** Failures in a row, without an answer, that set a host aside (default 2). */
  setAsideAfter?: number;
  now: () => number;
}

/** What the summary lists per host (only when more than one was used). */
export interface HostTally {
  label: string;
  /** Attempts it answered and that gave a draft. */
  drafts: number;
  /** Attempts that failed on it (no answer, 5xx, cut stream, unusable answer). */
  failures: number;
  /** Mean latency of its successful attempts, in ms (0 when none). */
  avgMs: number;
  /** Times it was set aside. */
  setAside: number;
}

interface HostState {
  label: string;
  slots: number;
  busy: number;
  /** Failures without an answer since its last answer. */
  failingInARow: number;
  /** Set aside until this time (ms); undefined while in service. */
  asideUntil: number | undefined;
  drafts: number;
  failures: number;
  okMs: number;
  setAside: number;
}

export class HostPool {
  private readonly hosts: HostState[];
  private readonly setAsideAfter: number;

  constructor(
    specs: readonly HostSlots[],
    private readonly o: HostPoolOptions,
  ) {
    if (specs.length === 0) throw new Error('HostPool needs at least one host');
    this.hosts = specs.map((s) => ({
      label: s.label, slots: Math.max(1, Math.floor(s.slots)), busy: 0, failingInARow: 0, asideUntil: undefined, drafts: 0, failures: 0, okMs: 0, setAside: 0,
    }));
    this.setAsideAfter = Math.max(1, o.setAsideAfter ?? 2);
  }

  get size(): number {
    return this.hosts.length;
  }

  /** Every host's slots together: how many attempts may run at once when all are in service. */
  get totalSlots(): number {
    return this.hosts.reduce((n, h) => n + h.slots, 0);
  }

  /**
   * A host with a free slot (its slot is now taken), or undefined when none has one. A host other
   * than `avoid` (the one a row just failed on) is preferred; hosts are tried in the order given.
   * A set-aside host whose pause is over takes one trial attempt at a time.
   */
  take(avoid?: number): number | undefined {
    const now = this.o.now();
    let fallback: number | undefined;
    for (let i = 0; i < this.hosts.length; i++) {
      if (!this.free(this.hosts[i]!, now)) continue;
      if (i !== avoid) return this.occupy(i);
      fallback = i;
    }
    return fallback === undefined ? undefined : this.occupy(fallback);
  }

  /** The attempt on `host` ended: `ok` (an answer that gave a draft, with its latency), or how it failed. */
  release(host: number, outcome: { ok: true; ms: number } | { ok: false; answered: boolean }): void {
    const h = this.hosts[host]!;
    h.busy = Math.max(0, h.busy - 1);
    if (outcome.ok) {
      h.drafts++;
      h.okMs += outcome.ms;
    } else h.failures++;
    if (outcome.ok || outcome.answered) {
      // It answers: back in service with all its slots.
      h.failingInARow = 0;
      h.asideUntil = undefined;
      return;
    }
    h.failingInARow++;
    const now = this.o.now();
    if (h.asideUntil !== undefined) h.asideUntil = now + this.o.retryAfterMs; // its trial failed
    else if (h.failingInARow >= this.setAsideAfter && this.inService() > 1) {
      h.asideUntil = now + this.o.retryAfterMs;
      h.setAside++;
    }
  }

  /** Whether a host other than `host` is in service: a row that failed there may move on at once. */
  hasOtherInService(host: number): boolean {
    return this.hosts.some((h, i) => i !== host && h.asideUntil === undefined);
  }

  /** Time (ms) until a set-aside host may take its trial, when none is free sooner; undefined if none is aside. */
  msUntilTrial(): number | undefined {
    const now = this.o.now();
    let soonest: number | undefined;
    for (const h of this.hosts) {
      if (h.asideUntil === undefined || h.busy > 0) continue;
      const wait = Math.max(0, h.asideUntil - now);
      soonest = soonest === undefined ? wait : Math.min(soonest, wait);
    }
    return soonest;
  }

  /** Per host: drafts, failures, mean latency, times set aside; in the order given. */
  tally(): HostTally[] {
    return this.hosts.map((h) => ({ label: h.label, drafts: h.drafts, failures: h.failures, avgMs: h.drafts > 0 ? Math.round(h.okMs / h.drafts) : 0, setAside: h.setAside }));
  }

  private free(h: HostState, now: number): boolean {
    if (h.asideUntil === undefined) return h.busy < h.slots;
    // Set aside: one trial attempt once the pause is over, none while it runs.
    return now >= h.asideUntil && h.busy === 0;
  }

  private occupy(i: number): number {
    this.hosts[i]!.busy++;
    return i;
  }

  private inService(): number {
    return this.hosts.filter((h) => h.asideUntil === undefined).length;
  }
}
