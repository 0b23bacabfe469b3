// Is the engine still answering? The runner tells this tracker about every attempt of every
// worker ("slot"); the retry loop asks it whether to keep going. The engine counts as down when
// nothing has answered for `giveUpAfterMs` AND the latest attempt of every slot with a row in
// flight failed without an answer: then the run stops instead of retrying row after row against
// a dead host. A slot whose request is still running may yet answer, so it never counts as failing.
// Pure: the clock is injected.

export interface EngineDown {
  /** How long (ms) the engine had gone without answering when the run gave up. */
  sinceMs: number;
  /** The last error an attempt got (e.g. "Cannot reach http://127.0.0.1:11434"). */
  lastError: string;
}

export class EngineHealth {
  /** Answers so far: a row compares it before and after its failures (clock-independent). */
  answers = 0;
  private lastAnswerAt: number;
  private lastError = '';
  /** Slots with a row in flight -> whether their latest attempt failed without an answer. */
  private readonly failing = new Map<number, boolean>();

  constructor(
    private readonly giveUpAfterMs: number,
    private readonly now: () => number,
  ) {
    this.lastAnswerAt = now();
  }

  /** A request is under way: it may still answer. */
  attempting(slot: number): void {
    this.failing.set(slot, false);
  }

  /** The engine answered (whatever the answer was worth). */
  answered(slot: number): void {
    this.answers++;
    this.lastAnswerAt = this.now();
    this.failing.set(slot, false);
  }

  /** The attempt ended without an answer (connection refused, 5xx, timeout, cut stream). */
  failed(slot: number, error: string): void {
    this.lastError = error;
    this.failing.set(slot, true);
  }

  /** The slot finished its row (or stopped): it no longer has a say. */
  idle(slot: number): void {
    this.failing.delete(slot);
  }

  /** Time left before the engine would count as down, if nothing answers meanwhile (<= 0: due). */
  msUntilGiveUp(): number {
    return this.giveUpAfterMs - (this.now() - this.lastAnswerAt);
  }

  /** Set when the run should stop: no answer for long enough, and every slot in flight failing. */
  down(): EngineDown | undefined {
    if (this.failing.size === 0 || this.msUntilGiveUp() > 0) return undefined;
    for (const failed of this.failing.values()) if (!failed) return undefined;
    return { sinceMs: Math.round(this.now() - this.lastAnswerAt), lastError: this.lastError };
  }
}
