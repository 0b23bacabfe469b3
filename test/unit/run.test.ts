import { describe, expect, it } from 'vitest';
import { planRow, type KnownRecipient, type PlanOptions } from '../../src/core/decisions/rules.js';
import type { DraftRecord, DraftStatus } from '../../src/core/decisions/records.js';
import { EngineError } from '../../src/core/errors.js';
import { runDrafts } from '../../src/core/drafting/run.js';
import type { DraftJob, RunEvent, RunOptions } from '../../src/core/drafting/run-contract.js';
import type { Engine } from '../../src/core/engine.js';
import { createFakeEngine, type Step, type TextStep } from '../helpers/fake-engine.js';

function job(row: number, fingerprint = `fp-${row}`): DraftJob {
  return {
    key: `k${row}`,
    recipient: { row, line: row + 1, cells: [`Name ${row}`] },
    recipientRecord: { Name: `Name ${row}` },
    fingerprint,
    request: {
      messages: [
        { role: 'system', content: 'sys' },
        { role: 'user', content: `row:${row}` },
      ],
      schema: { type: 'object' },
      options: { temperature: 0 },
    },
  };
}

/** A lazy job source that counts how many jobs have been pulled. */
function source(rows: number[], fp: (row: number) => string = (r) => `fp-${r}`) {
  const counter = { pulled: 0 };
  async function* gen(): AsyncGenerator<DraftJob> {
    for (const row of rows) {
      counter.pulled++;
      yield job(row, fp(row));
    }
  }
  return { jobs: gen(), counter };
}

const range = (n: number, from = 1) => Array.from({ length: n }, (_, i) => i + from);

function parse(text: string): { subject?: string; body: string } {
  const v = JSON.parse(text) as { subject?: string; body?: unknown };
  if (typeof v.body !== 'string') throw new EngineError('the model answer has no body');
  return v.subject === undefined ? { body: v.body } : { subject: v.subject, body: v.body };
}

interface Harness {
  saved: DraftRecord[];
  emitted: { row: number; outcome: DraftRecord | 'cached' }[];
  events: RunEvent[];
  sleeps: number[];
  latest: Map<number, KnownRecipient>;
}

type Prior = { fingerprint: string; status: DraftStatus; version: number; edited?: boolean };

function harness(
  engine: Engine,
  jobs: AsyncIterable<DraftJob>,
  over: Partial<RunOptions> & Partial<PlanOptions> = {},
  prior: [number, Prior][] = [],
): { h: Harness; options: RunOptions } {
  const known = (p: Prior): KnownRecipient => ({ edited: false, legacy: false, stale: false, ...p });
  const h: Harness = { saved: [], emitted: [], events: [], sleeps: [], latest: new Map(prior.map(([row, p]) => [row, known(p)])) };
  const planOptions: PlanOptions = { force: over.force ?? false, redraftDecided: over.redraftDecided ?? false };
  const options: RunOptions = {
    jobs,
    engine,
    // The draft command's rule (core/decisions/rules.ts planRow), over what this harness saved.
    plan: (j) => {
      const k = h.latest.get(j.recipient.row);
      return { plan: planRow(k, k?.fingerprint === j.fingerprint, planOptions), version: (k?.version ?? 0) + 1 };
    },
    concurrency: 4,
    backoffMs: 100,
    random: () => 0,
    sleep: async (ms) => {
      h.sleeps.push(ms);
    },
    parse,
    save: (rec) => {
      h.saved.push(rec);
      h.latest.set(rec.row, known({ fingerprint: rec.fingerprint, status: rec.status, version: rec.version }));
    },
    onEvent: (e) => h.events.push(e),
    emit: (j, outcome) => {
      // Durability first: whatever is announced must already be saved.
      if (outcome !== 'cached') expect(h.saved).toContain(outcome);
      h.emitted.push({ row: j.recipient.row, outcome });
    },
    now: () => new Date('2025-05-05T12:00:00Z'),
    ...over,
  };
  return { h, options };
}

const text = (row: number, extra: Partial<TextStep> = {}): TextStep => ({
  text: JSON.stringify({ subject: `S${row}`, body: `B${row}` }),
  ...extra,
});

describe('runDrafts', () => {
  it('drafts every job, saves each record, and emits in job order despite random finishing order', async () => {
    const delays = [30, 5, 22, 1, 14, 9, 27, 3, 18, 11, 7, 25];
    const script = Object.fromEntries(delays.map((d, i) => [i + 1, [text(i + 1, { delayMs: d })]]));
    const engine = createFakeEngine({ script });
    const { jobs } = source(range(delays.length));
    const { h, options } = harness(engine, jobs);
    const summary = await runDrafts(options);

    expect(summary).toMatchObject({ drafted: 12, cached: 0, failed: 0, interrupted: false, failures: [] });
    expect(h.emitted.map((e) => e.row)).toEqual(range(12));
    // They finished out of order (the reorder buffer did its job).
    expect(h.saved.map((r) => r.row)).not.toEqual(range(12));
    const first = h.saved.find((r) => r.row === 1)!;
    expect(first).toMatchObject({
      type: 'draft', row: 1, fingerprint: 'fp-1', status: 'drafted', subject: 'S1', body: 'B1',
      engine: 'fake', model: 'fake-model', version: 1, recipient: { Name: 'Name 1' },
      messages: job(1).request.messages, at: '2025-05-05T12:00:00.000Z',
    });
    expect(first.timing.ms).toBe(30);
    // The engine got the request plus a signal.
    expect(engine.calls[0]!.request.signal).toBeInstanceOf(AbortSignal);
    expect(engine.calls[0]!.request.options).toEqual({ temperature: 0 });
  });

  it('reuses rows with an unchanged fingerprint, redrafts changed and failed ones', async () => {
    const engine = createFakeEngine();
    const { jobs } = source(range(5));
    const { h, options } = harness(engine, jobs, {}, [
      [1, { fingerprint: 'fp-1', status: 'drafted', version: 1 }],
      [2, { fingerprint: 'old', status: 'drafted', version: 3 }],
      [3, { fingerprint: 'fp-3', status: 'failed', version: 1 }],
      [4, { fingerprint: 'fp-4', status: 'approved', version: 2 }],
    ]);
    const summary = await runDrafts(options);
    expect(summary).toMatchObject({ drafted: 3, cached: 2, failed: 0 });
    expect(engine.calls.map((c) => c.row).sort()).toEqual([2, 3, 5]);
    expect(h.emitted.map((e) => [e.row, e.outcome === 'cached' ? 'cached' : e.outcome.version])).toEqual([
      [1, 'cached'], [2, 4], [3, 2], [4, 'cached'], [5, 1],
    ]);
    expect(h.events.filter((e) => e.type === 'cached').map((e) => e.row)).toEqual([1, 4]);
  });

  it('--force redrafts everything', async () => {
    const engine = createFakeEngine();
    const { jobs } = source(range(3));
    const { h, options } = harness(engine, jobs, { force: true }, [
      [1, { fingerprint: 'fp-1', status: 'drafted', version: 1 }],
      [2, { fingerprint: 'fp-2', status: 'approved', version: 1 }],
    ]);
    const summary = await runDrafts(options);
    expect(summary).toMatchObject({ drafted: 3, cached: 0 });
    expect(engine.calls).toHaveLength(3);
    expect(h.saved.map((r) => r.version).sort()).toEqual([1, 2, 2]);
  });

  it.each([1, 3, 8])('keeps at most %i requests in flight, and reaches that many', async (concurrency) => {
    const engine = createFakeEngine({ fallback: (row) => text(row, { delayMs: 10 }) });
    const { jobs } = source(range(24));
    const { options } = harness(engine, jobs, { concurrency });
    await runDrafts(options);
    expect(engine.maxActive).toBe(concurrency);
    expect(engine.calls).toHaveLength(24);
  });

  it('pulls jobs only as workers free up (no read-ahead)', async () => {
    const engine = createFakeEngine({ fallback: () => ({ hang: true }) });
    const { jobs, counter } = source(range(1000));
    const controller = new AbortController();
    const { options } = harness(engine, jobs, { concurrency: 3, signal: controller.signal });
    const run = runDrafts(options);
    await until(() => engine.active === 3);
    await new Promise((r) => setTimeout(r, 20));
    expect(counter.pulled).toBe(3);
    controller.abort();
    const summary = await run;
    expect(summary.interrupted).toBe(true);
    expect(counter.pulled).toBe(3);
  });

  it('retries retryable errors with growing backoff, then succeeds', async () => {
    const engine = createFakeEngine({
      script: { 2: [{ error: 'retryable', message: 'HTTP 503' }, { error: 'retryable', message: 'socket hang up' }, text(2)] },
    });
    const { jobs } = source(range(3));
    const { h, options } = harness(engine, jobs, { retries: 3 });
    const summary = await runDrafts(options);
    expect(summary).toMatchObject({ drafted: 3, failed: 0 });
    expect(engine.calls.filter((c) => c.row === 2).map((c) => c.attempt)).toEqual([1, 2, 3]);
    expect(h.sleeps).toHaveLength(2);
    expect(h.sleeps[0]).toBeGreaterThan(0);
    expect(h.sleeps[1]).toBe(h.sleeps[0]! * 2);
    const retries = h.events.filter((e) => e.type === 'retry');
    expect(retries).toEqual([
      { type: 'retry', row: 2, attempt: 1, delayMs: h.sleeps[0], error: 'HTTP 503' },
      { type: 'retry', row: 2, attempt: 2, delayMs: h.sleeps[1], error: 'socket hang up' },
    ]);
    expect(h.saved.filter((r) => r.row === 2)).toHaveLength(1);
  });

  it('marks an answer cut at the token limit and lists its row in the summary', async () => {
    const engine = createFakeEngine({ script: { 2: [{ ...text(2), doneReason: 'length' }] } });
    const { h, options } = harness(engine, source(range(3)).jobs);
    const summary = await runDrafts(options);
    expect(summary.cutRows).toEqual([2]);
    expect(h.saved.find((r) => r.row === 2)).toMatchObject({ status: 'drafted', cut: true });
    expect(h.saved.filter((r) => r.row !== 2).every((r) => r.cut === undefined)).toBe(true);
  });

  it('steps a fixed seed on each retry, so a retry can write something else', async () => {
    const engine = createFakeEngine({ script: { 1: [{ error: 'retryable' }, { error: 'retryable' }, text(1)] } });
    async function* seeded(): AsyncGenerator<DraftJob> {
      const j = job(1);
      yield { ...j, request: { ...j.request, options: { temperature: 0.7, seed: 42 } } };
    }
    const { options } = harness(engine, seeded(), { retries: 3 });
    await runDrafts(options);
    expect(engine.calls.map((c) => c.request.options.seed)).toEqual([42, 43, 44]);
    // Without a seed nothing is invented.
    const unseeded = createFakeEngine({ script: { 1: [{ error: 'retryable' }, text(1)] } });
    await runDrafts(harness(unseeded, source([1]).jobs, { retries: 3 }).options);
    expect(unseeded.calls.map((c) => c.request.options.seed)).toEqual([undefined, undefined]);
  });

  it('jitters the backoff between half and the full delay', async () => {
    const delaysFor = async (random: number) => {
      const engine = createFakeEngine({ script: { 1: [{ error: 'retryable' }, text(1)] } });
      const { h, options } = harness(engine, source([1]).jobs, { random: () => random, backoffMs: 1000 });
      await runDrafts(options);
      return h.sleeps[0]!;
    };
    const low = await delaysFor(0);
    const high = await delaysFor(0.999);
    expect(low).toBeGreaterThanOrEqual(500);
    expect(high).toBeLessThanOrEqual(1000);
    expect(high).toBeGreaterThan(low);
  });

  it('waits at least as long as a Retry-After the engine reports (a 429 or 503), never shorter', async () => {
    const engine = createFakeEngine({ script: { 1: [{ error: 'retryable', retryAfterMs: 7000 }, { error: 'retryable', retryAfterMs: 10 }, text(1)] } });
    const { h, options } = harness(engine, source([1]).jobs, { backoffMs: 1000, giveUpAfterMs: 60_000 });
    await runDrafts(options);
    expect(h.sleeps[0]).toBe(7000);
    expect(h.sleeps[1]).toBeGreaterThanOrEqual(1000); // the exponential back-off when it is longer
  });

  it('saves a failed record when retries run out, and carries on with the other rows', async () => {
    const engine = createFakeEngine({
      script: { 2: Array.from({ length: 10 }, () => ({ error: 'retryable', message: 'HTTP 502 Bad Gateway' }) as Step) },
    });
    const { jobs } = source(range(4));
    const { h, options } = harness(engine, jobs, { retries: 2 });
    const summary = await runDrafts(options);
    expect(engine.calls.filter((c) => c.row === 2)).toHaveLength(3);
    expect(summary).toMatchObject({ drafted: 3, failed: 1, failures: [{ row: 2, error: 'HTTP 502 Bad Gateway' }] });
    const failed = h.saved.find((r) => r.row === 2)!;
    expect(failed).toMatchObject({ status: 'failed', error: 'HTTP 502 Bad Gateway', fingerprint: 'fp-2', version: 1 });
    expect(failed.body).toBeUndefined();
    expect(h.emitted.map((e) => e.row)).toEqual([1, 2, 3, 4]);
    expect(h.events).toContainEqual({ type: 'failed', row: 2, error: 'HTTP 502 Bad Gateway' });
  });

  it('does not retry a non-retryable error (4xx)', async () => {
    const engine = createFakeEngine({ script: { 1: [{ error: 'fatal', message: 'HTTP 400: invalid format' }, text(1)] } });
    const { h, options } = harness(engine, source([1, 2]).jobs);
    const summary = await runDrafts(options);
    expect(engine.calls.filter((c) => c.row === 1)).toHaveLength(1);
    expect(h.sleeps).toEqual([]);
    expect(summary.failures).toEqual([{ row: 1, error: 'HTTP 400: invalid format' }]);
  });

  it('records an unparseable answer as failed', async () => {
    const engine = createFakeEngine({ script: { 1: [{ text: '{"subject":"x"}' }] } });
    const { h, options } = harness(engine, source([1]).jobs);
    const summary = await runDrafts(options);
    expect(summary.failed).toBe(1);
    expect(h.saved[0]).toMatchObject({ status: 'failed', error: 'the model answer has no body' });
  });

  it('sums tokens and reports tokens/s per draft; streams text events', async () => {
    const engine = createFakeEngine({
      script: {
        1: [text(1, { evalCount: 40, evalMs: 800, chunks: 3 })],
        2: [text(2, { evalCount: 10, evalMs: 200 })],
        3: [text(3)],
      },
    });
    const { h, options } = harness(engine, source([1, 2, 3]).jobs);
    const summary = await runDrafts(options);
    expect(summary.evalCount).toBe(50);
    expect(summary.evalMs).toBe(1000);
    expect(h.saved.find((r) => r.row === 1)!.timing).toMatchObject({ evalCount: 40, tokensPerSecond: 50 });
    expect(h.saved.find((r) => r.row === 3)!.timing.tokensPerSecond).toBeUndefined();
    const pieces = h.events.filter((e) => e.type === 'text' && e.row === 1);
    expect(pieces).toHaveLength(3);
    expect(pieces.reduce((n, e) => n + (e as { chars: number }).chars, 0)).toBe(text(1).text.length);
    expect(h.events.filter((e) => e.type === 'started').map((e) => e.row).sort()).toEqual([1, 2, 3]);
  });

  it('on abort: stops pulling, keeps finished drafts, records nothing in flight as failed', async () => {
    const engine = createFakeEngine({
      script: { 1: [text(1)], 2: [text(2)], 4: [text(4)] },
      fallback: () => ({ hang: true }),
    });
    const { jobs, counter } = source(range(50));
    const controller = new AbortController();
    const { h, options } = harness(engine, jobs, { concurrency: 3, signal: controller.signal });
    const run = runDrafts(options);
    await until(() => engine.active === 3); // rows 3, 5 and 6 hang
    controller.abort();
    const summary = await run;

    expect(summary.interrupted).toBe(true);
    expect(summary).toMatchObject({ drafted: 3, failed: 0, failures: [] });
    expect(h.saved.map((r) => r.row).sort()).toEqual([1, 2, 4]);
    expect(h.saved.every((r) => r.status === 'drafted')).toBe(true);
    expect(engine.aborted.sort()).toEqual([3, 5, 6]);
    // Only the contiguous finished prefix is handed on: row 4 waits behind the unfinished row 3.
    expect(h.emitted.map((e) => e.row)).toEqual([1, 2]);
    expect(counter.pulled).toBe(6);
    expect(h.events.some((e) => e.type === 'failed')).toBe(false);
  });

  it('an abort during a retry backoff is an interruption, not a failure', async () => {
    const engine = createFakeEngine({ script: { 1: [{ error: 'retryable' }] } });
    const controller = new AbortController();
    const { h, options } = harness(engine, source([1]).jobs, {
      signal: controller.signal,
      sleep: undefined, // the real, abortable sleep
      backoffMs: 60_000,
      onEvent: (e) => {
        h.events.push(e);
        if (e.type === 'retry') setTimeout(() => controller.abort(), 5);
      },
    });
    const summary = await runDrafts(options);
    expect(summary).toMatchObject({ interrupted: true, failed: 0, drafted: 0 });
    expect(h.saved).toEqual([]);
  });

  it('an already-aborted signal makes no request', async () => {
    const engine = createFakeEngine();
    const controller = new AbortController();
    controller.abort();
    const { h, options } = harness(engine, source(range(5)).jobs, { signal: controller.signal });
    const summary = await runDrafts(options);
    expect(summary.interrupted).toBe(true);
    expect(engine.calls).toEqual([]);
    expect(h.emitted).toEqual([]);
  });

  it('an abort after the last job is not an interruption', async () => {
    const controller = new AbortController();
    const { options } = harness(createFakeEngine(), source([1, 2]).jobs, { signal: controller.signal });
    const summary = await runDrafts(options);
    controller.abort();
    expect(summary.interrupted).toBe(false);
  });

  it('an engine timeout surfacing as AbortError (not our signal) fails the row', async () => {
    const engine = createFakeEngine();
    const timeoutEngine: Engine = {
      ...engine,
      info: engine.info,
      generate: async (req) => {
        if (req.messages[1]!.content === 'row:1') {
          const e = new Error('request timed out');
          e.name = 'AbortError';
          throw e;
        }
        return engine.generate(req);
      },
    };
    const { h, options } = harness(timeoutEngine, source([1, 2]).jobs);
    const summary = await runDrafts(options);
    expect(summary).toMatchObject({ interrupted: false, failed: 1, drafted: 1 });
    expect(h.emitted.map((e) => e.row)).toEqual([1, 2]);
  });

  /** A fake clock that only the (instant) sleeps move: seconds of backoff cost no real time. */
  function fakeTime() {
    let t = 0;
    return {
      elapsed: () => t,
      now: () => new Date(Date.UTC(2025, 4, 5) + t),
      sleep: async (ms: number) => {
        t += ms;
        await new Promise((r) => setImmediate(r));
      },
    };
  }
  const refused = { error: 'retryable', message: 'Cannot reach http://127.0.0.1:11434' } as const;

  it('stops the run when the engine stops answering: keeps the drafts, writes no failed record', async () => {
    // Rows 1 and 2 are drafted, then the host is gone for good.
    const engine = createFakeEngine({ script: { 1: [text(1)], 2: [text(2)] }, fallback: () => refused });
    const time = fakeTime();
    const { jobs, counter } = source(range(200));
    const { h, options } = harness(engine, jobs, {
      concurrency: 2, retries: 50, backoffMs: 100, giveUpAfterMs: 2000, now: time.now,
      sleep: async (ms) => {
        h.sleeps.push(ms);
        await time.sleep(ms);
      },
    });
    const summary = await runDrafts(options);

    expect(summary.engineDown).toEqual({ sinceMs: expect.any(Number), lastError: 'Cannot reach http://127.0.0.1:11434' });
    expect(summary.engineDown!.sinceMs).toBeGreaterThanOrEqual(2000);
    expect(summary).toMatchObject({ drafted: 2, failed: 0, failures: [], interrupted: false });
    expect(h.saved.map((r) => [r.row, r.status])).toEqual([[1, 'drafted'], [2, 'drafted']]);
    expect(h.emitted.map((e) => e.row)).toEqual([1, 2]);
    expect(h.events.some((e) => e.type === 'failed')).toBe(false);
    // Stopped within one backoff of the deadline, without working through the other 198 rows.
    expect(time.elapsed()).toBeLessThan(2000 + 2 * 100);
    expect(counter.pulled).toBeLessThanOrEqual(4);
    expect(Math.max(...h.sleeps)).toBeLessThanOrEqual(2000);
    expect(summary.retries).toEqual([{ reason: 'Cannot reach http://127.0.0.1:11434', count: h.sleeps.length }]);
  });

  it('a row out of retries while nothing answers waits for the engine instead of failing', async () => {
    // Ollama restarting: 5 refused connections, then it answers again.
    const engine = createFakeEngine({ script: { 1: [refused, refused, refused, refused, refused, text(1)] } });
    const time = fakeTime();
    const { h, options } = harness(engine, source([1, 2]).jobs, {
      concurrency: 1, retries: 2, backoffMs: 100, giveUpAfterMs: 30_000, now: time.now, sleep: time.sleep,
    });
    const summary = await runDrafts(options);
    expect(summary).toMatchObject({ drafted: 2, failed: 0 });
    expect(summary.engineDown).toBeUndefined();
    expect(engine.calls.filter((c) => c.row === 1)).toHaveLength(6);
    expect(h.saved.map((r) => [r.row, r.status])).toEqual([[1, 'drafted'], [2, 'drafted']]);
  });

  it('a request still running keeps the engine alive; a row failing while others get answers fails', async () => {
    // Row 1 takes a while (real time) to answer; row 2 is refused every time meanwhile.
    const engine = createFakeEngine({ script: { 1: [text(1, { delayMs: 40 })] }, fallback: () => refused });
    const time = fakeTime();
    const { h, options } = harness(engine, source([1, 2]).jobs, {
      concurrency: 2, retries: 2, backoffMs: 100, giveUpAfterMs: 500, now: time.now, sleep: time.sleep,
    });
    const summary = await runDrafts(options);
    // Far more than 500 ms of fake backoff passed while row 1 was generating: not "down".
    expect(time.elapsed()).toBeGreaterThan(500);
    expect(summary.engineDown).toBeUndefined();
    expect(summary).toMatchObject({ drafted: 1, failed: 1, failures: [{ row: 2, error: 'Cannot reach http://127.0.0.1:11434' }] });
    expect(h.saved.find((r) => r.row === 2)).toMatchObject({ status: 'failed' });
  });

  it('an unusable answer is an answer: retried and failed as before, never "engine down"', async () => {
    const engine = createFakeEngine({ fallback: () => ({ text: 'not json at all' }) });
    const time = fakeTime();
    const bad = (t: string) => {
      throw new EngineError(`the answer is not JSON: ${t}`, { retryable: true });
    };
    const { h, options } = harness(engine, source([1, 2, 3]).jobs, {
      concurrency: 1, retries: 3, backoffMs: 10_000, giveUpAfterMs: 1000, now: time.now, sleep: time.sleep, parse: bad,
    });
    const summary = await runDrafts(options);
    expect(summary.engineDown).toBeUndefined();
    expect(summary).toMatchObject({ drafted: 0, failed: 3 });
    expect(h.saved.every((r) => r.status === 'failed')).toBe(true);
    expect(summary.retries).toEqual([{ reason: 'the answer is not JSON', count: 9 }]);
  });

  it('fails the run when the job source fails (e.g. a CSV read error)', async () => {
    async function* broken(): AsyncGenerator<DraftJob> {
      yield job(1);
      throw new Error('disk read failed');
    }
    const { options } = harness(createFakeEngine(), broken());
    await expect(runDrafts(options)).rejects.toThrow('disk read failed');
  });

  it('fails the run when a record cannot be saved', async () => {
    const { options } = harness(createFakeEngine(), source(range(5)).jobs, {
      save: () => {
        throw new Error('ENOSPC: no space left on device');
      },
    });
    await expect(runDrafts(options)).rejects.toThrow('ENOSPC');
  });

  it('bounds how far finished work runs ahead of a slow row', async () => {
    const engine = createFakeEngine({ script: { 1: [text(1, { delayMs: 60 })] } });
    const { jobs, counter } = source(range(200));
    let pulledWhenRow1Emitted = -1;
    const { h, options } = harness(engine, jobs, {
      concurrency: 4,
      maxAhead: 10,
      emit: (j, outcome) => {
        if (j.recipient.row === 1) pulledWhenRow1Emitted = counter.pulled;
        h.emitted.push({ row: j.recipient.row, outcome });
      },
    });
    const summary = await runDrafts(options);
    expect(summary.drafted).toBe(200);
    expect(pulledWhenRow1Emitted).toBeGreaterThan(1);
    expect(pulledWhenRow1Emitted).toBeLessThanOrEqual(10 + 4);
    expect(h.emitted.map((e) => e.row)).toEqual(range(200));
  });

  it('runs 100,000 jobs with an instant engine', async () => {
    const instant: Engine = {
      info: { engine: 'fake', model: 'm', location: 'memory' },
      prepare: async () => {},
      close: async () => {},
      generate: async () => ({ text: '{"body":"hi"}', totalMs: 0, evalCount: 2, evalMs: 1 }),
    };
    const { jobs } = source(range(100_000));
    let saved = 0;
    let emitted = 0;
    let lastRow = 0;
    let inOrder = true;
    const summary = await runDrafts({
      jobs,
      engine: instant,
      plan: () => ({ plan: 'draft', version: 1 }),
      concurrency: 8,
      parse,
      save: () => {
        saved++;
      },
      emit: (j) => {
        emitted++;
        if (j.recipient.row !== lastRow + 1) inOrder = false;
        lastRow = j.recipient.row;
      },
    });
    expect(summary).toMatchObject({ drafted: 100_000, failed: 0, interrupted: false, evalCount: 200_000 });
    expect(saved).toBe(100_000);
    expect(emitted).toBe(100_000);
    expect(inOrder).toBe(true);
  });
});

async function until(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 2));
  }
}


