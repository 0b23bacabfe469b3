import { describe, expect, it } from 'vitest';
import { HostPool } from '../../src/core/drafting/host-pool.js';
import { runDrafts } from '../../src/core/drafting/run.js';
import type { DraftJob } from '../../src/core/drafting/run-contract.js';
import type { DraftRecord } from '../../src/core/decisions/records.js';
import type { Engine, GenerateRequest } from '../../src/core/engine.js';
import { EngineError } from '../../src/core/errors.js';

/** A pool of hosts a, b, c (slots as given) on a clock the test moves. */
function pool(slots: number[], retryAfterMs = 1000) {
  const clock = { t: 0 };
  const p = new HostPool(slots.map((n, i) => ({ label: 'abc'[i]!, slots: n })), { retryAfterMs, now: () => clock.t });
  return { p, clock };
}

const fail = { ok: false, answered: false } as const;

describe('HostPool', () => {
  it.each([
    { name: 'fills hosts in order', slots: [1, 2], takes: 3, expected: [0, 1, 1] },
    { name: 'none when every slot is busy', slots: [1, 1], takes: 3, expected: [0, 1, undefined] },
    { name: 'a bad slot count still means one slot', slots: [0], takes: 2, expected: [0, undefined] },
  ])('$name', ({ slots, takes, expected }) => {
    const { p } = pool(slots);
    expect(Array.from({ length: takes }, () => p.take())).toEqual(expected);
  });

  it.each([
    { avoid: 0, free: [0, 1], expected: 1, why: 'another host is preferred' },
    { avoid: 1, free: [0, 1], expected: 0, why: 'another host is preferred (first in order)' },
    { avoid: 0, free: [0], expected: 0, why: 'the avoided host when it is the only one free' },
  ])('take(avoid): $why', ({ avoid, free, expected }) => {
    const { p } = pool([1, 1]);
    // Occupy the hosts that are not free.
    for (let i = 0; i < 2; i++) if (!free.includes(i)) expect(p.take(i === 0 ? 1 : 0)).toBe(i);
    expect(p.take(avoid)).toBe(expected);
  });

  it('sets a host aside after two failures in a row without an answer, then offers one trial after the pause', () => {
    const { p, clock } = pool([2, 1], 1000);
    expect(p.take()).toBe(0);
    p.release(0, fail);
    expect(p.take()).toBe(0);
    p.release(0, fail);
    // Aside: only b takes attempts, and the time to its trial is known.
    expect(p.take()).toBe(1);
    expect(p.take()).toBeUndefined();
    expect(p.msUntilTrial()).toBe(1000);
    expect(p.hasOtherInService(1)).toBe(false);
    clock.t = 1000;
    // One trial attempt, not two.
    expect(p.take()).toBe(0);
    expect(p.take()).toBeUndefined();
    expect(p.msUntilTrial()).toBeUndefined();
    p.release(0, { ok: true, ms: 50 });
    // Back with both slots.
    expect([p.take(), p.take()]).toEqual([0, 0]);
    expect(p.tally()[0]).toEqual({ label: 'a', drafts: 1, failures: 2, avgMs: 50, setAside: 1 });
  });

  it('a failed trial sets the host aside for another pause', () => {
    const { p, clock } = pool([1, 1], 1000);
    for (let i = 0; i < 2; i++) {
      p.take(1);
      p.release(0, fail);
    }
    clock.t = 1500;
    expect(p.take(1)).toBe(0);
    p.release(0, fail);
    expect(p.msUntilTrial()).toBe(1000);
  });

  it('an answer, even an unusable one, resets the failure count', () => {
    const { p } = pool([1, 1]);
    p.take();
    p.release(0, fail);
    p.take();
    p.release(0, { ok: false, answered: true });
    p.take();
    p.release(0, fail);
    expect(p.msUntilTrial()).toBeUndefined();
  });

  it('never sets aside the last host in service (the run then stops as with one host)', () => {
    const { p } = pool([1, 1]);
    for (const host of [0, 0, 1, 1, 1]) {
      expect(p.take(host === 0 ? 1 : 0)).toBe(host);
      p.release(host, fail);
    }
    expect(p.take()).toBe(1);
    expect(p.tally().map((t) => t.setAside)).toEqual([1, 0]);
  });
});

// ---- the runner over several hosts ----

function job(row: number): DraftJob {
  return {
    key: `k${row}`,
    recipient: { row, line: row + 1, cells: [] },
    recipientRecord: {},
    fingerprint: `fp-${row}`,
    request: { messages: [{ role: 'user', content: `row:${row}` }], schema: {}, options: {} },
  };
}

async function* jobs(n: number): AsyncGenerator<DraftJob> {
  for (let row = 1; row <= n; row++) yield job(row);
}

/** An engine at `url` that answers after `ms`, or fails (as a cut connection) while `down()` says so. */
function engineAt(port: number, ms: number, down: () => boolean = () => false): Engine & { calls: number } {
  const e = {
    calls: 0,
    info: { engine: 'ollama', model: 'm', location: `http://127.0.0.1:${port}` },
    prepare: async () => {},
    close: async () => {},
    async generate(r: GenerateRequest) {
      e.calls++;
      await new Promise((resolve) => setTimeout(resolve, ms));
      if (down()) throw new EngineError('Cannot reach the host', { retryable: true });
      return { text: JSON.stringify({ body: r.messages[0]!.content }), totalMs: ms };
    },
  };
  return e;
}

const parse = (text: string) => ({ body: (JSON.parse(text) as { body: string }).body });

describe('runDrafts over several hosts', () => {
  it('keeps every host busy, each in proportion to its speed, and says which host drafted each row', async () => {
    const fast = engineAt(1, 5);
    const slow = engineAt(2, 40);
    const saved: DraftRecord[] = [];
    const summary = await runDrafts({
      jobs: jobs(60), engine: fast, hosts: [{ engine: fast, slots: 2 }, { engine: slow, slots: 2 }], concurrency: 1,
      plan: () => ({ plan: 'draft', version: 1 }), parse, save: (r) => saved.push(r),
    });
    expect(summary.drafted).toBe(60);
    expect(fast.calls + slow.calls).toBe(60);
    // 8x as fast: about 53 vs 7; allow for timer noise.
    expect(fast.calls).toBeGreaterThan(slow.calls * 2);
    expect(slow.calls).toBeGreaterThan(3);
    expect(new Set(saved.map((r) => r.host))).toEqual(new Set(['127.0.0.1:1', '127.0.0.1:2']));
    expect(summary.hosts?.map((h) => [h.label, h.drafts])).toEqual([['127.0.0.1:1', fast.calls], ['127.0.0.1:2', slow.calls]]);
  });

  it('moves a row off a host that stops answering, at once and without using its retries, and brings the host back after the pause', async () => {
    let bDown = true;
    const a = engineAt(1, 5);
    const b = engineAt(2, 5, () => bDown);
    setTimeout(() => (bDown = false), 150);
    const summary = await runDrafts({
      jobs: jobs(80), engine: a, hosts: [{ engine: a, slots: 1 }, { engine: b, slots: 1 }], concurrency: 1, retries: 0, hostRetryAfterMs: 100,
      plan: () => ({ plan: 'draft', version: 1 }), parse, save: () => {},
    });
    expect(summary.drafted).toBe(80);
    expect(summary.failed).toBe(0);
    const [ta, tb] = summary.hosts!;
    expect(ta!.drafts + tb!.drafts).toBe(80);
    expect(tb!.setAside).toBeGreaterThanOrEqual(1);
    expect(tb!.drafts).toBeGreaterThan(0); // back in service once it answered
  });

  it('stops as one host does when every host is down, keeping what was drafted', async () => {
    const a = engineAt(1, 2, () => true);
    const b = engineAt(2, 2, () => true);
    const summary = await runDrafts({
      jobs: jobs(10), engine: a, hosts: [{ engine: a, slots: 1 }, { engine: b, slots: 1 }], concurrency: 1, giveUpAfterMs: 200, hostRetryAfterMs: 50, backoffMs: 10,
      plan: () => ({ plan: 'draft', version: 1 }), parse, save: () => {},
    });
    expect(summary.engineDown?.lastError).toMatch(/Cannot reach/);
    expect(summary.failed).toBe(0);
  });
});
