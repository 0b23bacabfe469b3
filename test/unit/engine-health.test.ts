import { describe, expect, it } from 'vitest';
import { EngineHealth } from '../../src/core/drafting/engine-health.js';
import { countRetry, retryReason, type RetryCount } from '../../src/core/drafting/retry-tally.js';

function tracker(giveUpAfterMs = 1000) {
  let t = 0;
  const health = new EngineHealth(giveUpAfterMs, () => t);
  return { health, advance: (ms: number) => (t += ms) };
}

describe('EngineHealth', () => {
  it('is down only after the deadline, with every slot in flight failing', () => {
    const { health, advance } = tracker();
    health.failed(0, 'refused');
    health.failed(1, 'refused again');
    advance(999);
    expect(health.down()).toBeUndefined();
    expect(health.msUntilGiveUp()).toBe(1);
    advance(1);
    expect(health.down()).toEqual({ sinceMs: 1000, lastError: 'refused again' });
  });

  it('a slot with a request under way, or whose latest attempt answered, keeps it up', () => {
    const { health, advance } = tracker();
    health.failed(0, 'refused');
    health.attempting(1);
    advance(5000);
    expect(health.down()).toBeUndefined();
    health.failed(1, 'refused');
    expect(health.down()).toBeDefined();
    health.answered(1);
    expect(health.down()).toBeUndefined();
    expect(health.answers).toBe(1);
    // The answer restarted the clock.
    health.failed(1, 'refused');
    advance(999);
    expect(health.down()).toBeUndefined();
  });

  it('idle slots have no say, and with none in flight it is never down', () => {
    const { health, advance } = tracker();
    health.attempting(0);
    health.failed(1, 'refused');
    health.idle(0);
    advance(1000);
    expect(health.down()).toBeDefined();
    health.idle(1);
    expect(health.down()).toBeUndefined();
  });
});

describe('retry tally', () => {
  it.each([
    ['http://h/api/chat failed (HTTP 503): Service Unavailable', 'http://h/api/chat failed (HTTP 503)'],
    ['Cannot reach http://127.0.0.1:11434', 'Cannot reach http://127.0.0.1:11434'],
    ["the model's answer is not the JSON object asked for: {\"x\"", "the model's answer is not the JSON object asked for"],
  ])('retryReason(%j) = %j', (message, reason) => {
    expect(retryReason(message)).toBe(reason);
  });

  it('counts by reason in first-seen order, says when a reason is new, and stays bounded', () => {
    const tally: RetryCount[] = [];
    expect(countRetry(tally, 'HTTP 503: busy')).toBe(true);
    expect(countRetry(tally, 'HTTP 503: still busy')).toBe(false);
    expect(countRetry(tally, 'Cannot reach h')).toBe(true);
    expect(tally).toEqual([{ reason: 'HTTP 503', count: 2 }, { reason: 'Cannot reach h', count: 1 }]);
    for (let i = 0; i < 100; i++) countRetry(tally, `odd error ${i}`);
    expect(tally.length).toBeLessThanOrEqual(21);
    expect(tally.at(-1)).toMatchObject({ reason: 'other errors' });
    expect(tally.reduce((n, t) => n + t.count, 0)).toBe(103);
  });
});
