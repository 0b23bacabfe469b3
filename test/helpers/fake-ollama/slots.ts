// Ollama's scheduler semaphore: at most `slots` generations run at once, and the requests beyond
// them wait without any answer (no headers) until a slot frees or the client hangs up.

export class Slots {
  /** Generations running now. */
  active = 0;
  /** Highest number of generations running at once. */
  maxConcurrent = 0;
  private readonly waiters: (() => void)[] = [];

  constructor(private readonly slots: number) {}

  /** Requests waiting for a slot now (Ollama answers 503 past OLLAMA_MAX_QUEUE of them). */
  get waiting(): number {
    return this.waiters.length;
  }

  /** Waits for a slot without sending anything; false when the client went away first. */
  acquire(gone: AbortSignal): Promise<boolean> {
    if (this.active < this.slots) {
      this.take();
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const grant = () => {
        gone.removeEventListener('abort', quit);
        this.take();
        resolve(true);
      };
      const quit = () => {
        const i = this.waiters.indexOf(grant);
        if (i >= 0) this.waiters.splice(i, 1);
        resolve(false);
      };
      this.waiters.push(grant);
      gone.addEventListener('abort', quit, { once: true });
    });
  }

  release(): void {
    this.active--;
    const next = this.waiters.shift();
    if (next) next();
  }

  private take(): void {
    this.active++;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.active);
  }
}
