// A queue-driven fake Engine for runner tests: each row gets a script of outcomes, one per
// attempt (text after a delay, a retryable error, a fatal error); it records every call and the
// highest number of calls in flight at once.
import { EngineError } from '../../src/core/errors.js';
import type { Engine, GenerateRequest, GenerateResult } from '../../src/core/engine.js';

export interface TextStep {
  text: string;
  /** Reported as the engine's doneReason ('length' = cut at the token limit). */
  doneReason?: string;
  delayMs?: number;
  evalCount?: number;
  evalMs?: number;
  /** Stream the text to onText in this many pieces. */
  chunks?: number;
}

export type Step =
  | TextStep
  | { error: 'retryable' | 'fatal'; message?: string; delayMs?: number; /** The server's Retry-After, in ms. */ retryAfterMs?: number }
  /** Never answers until the signal fires. */
  | { hang: true };

export interface FakeCall {
  row: number;
  attempt: number;
  request: GenerateRequest;
}

export interface FakeEngine extends Engine {
  calls: FakeCall[];
  maxActive: number;
  active: number;
  /** Rows whose generate() was cut by the signal. */
  aborted: number[];
  closed: boolean;
}

export interface FakeEngineOptions {
  /** Outcomes per row, consumed one per attempt; after the last, `fallback` applies. */
  script?: Record<number, Step[]>;
  /** Outcome when a row has no scripted step left (default: instant text). */
  fallback?: (row: number, attempt: number) => Step;
  /** How the fake tells which row a request is for (default: `row:N` in the last message). */
  rowOf?: (request: GenerateRequest) => number;
}

export function defaultRowOf(request: GenerateRequest): number {
  const last = request.messages[request.messages.length - 1]?.content ?? '';
  const m = /row:(\d+)/.exec(last);
  if (!m) throw new Error(`fake engine: no row:N in ${JSON.stringify(last)}`);
  return Number(m[1]);
}

export function createFakeEngine(opts: FakeEngineOptions = {}): FakeEngine {
  const queues = new Map<number, Step[]>(Object.entries(opts.script ?? {}).map(([k, v]) => [Number(k), [...v]]));
  const attempts = new Map<number, number>();
  const rowOf = opts.rowOf ?? defaultRowOf;
  const fallback = opts.fallback ?? ((row: number): Step => ({ text: JSON.stringify({ body: `hello ${row}` }) }));

  const engine: FakeEngine = {
    info: { engine: 'fake', model: 'fake-model', location: 'memory' },
    calls: [],
    maxActive: 0,
    active: 0,
    aborted: [],
    closed: false,
    async prepare() {},
    async close() {
      engine.closed = true;
    },
    async generate(request: GenerateRequest): Promise<GenerateResult> {
      const row = rowOf(request);
      const attempt = (attempts.get(row) ?? 0) + 1;
      attempts.set(row, attempt);
      engine.calls.push({ row, attempt, request });
      const step = queues.get(row)?.shift() ?? fallback(row, attempt);
      engine.active++;
      engine.maxActive = Math.max(engine.maxActive, engine.active);
      try {
        if ('hang' in step) {
          await wait(Number.POSITIVE_INFINITY, request.signal);
          throw new Error('unreachable');
        }
        if (step.delayMs) await wait(step.delayMs, request.signal);
        else if (request.signal?.aborted) throw abortError();
        if ('error' in step) {
          throw new EngineError(step.message ?? `${step.error} failure on row ${row}`, {
            retryable: step.error === 'retryable',
            ...(step.retryAfterMs !== undefined ? { retryAfterMs: step.retryAfterMs } : {}),
          });
        }
        const pieces = step.chunks ?? 1;
        const size = Math.ceil(step.text.length / pieces) || 1;
        for (let i = 0; i < step.text.length; i += size) request.onText?.(step.text.slice(i, i + size));
        return { text: step.text, evalCount: step.evalCount, evalMs: step.evalMs, totalMs: step.delayMs ?? 0, doneReason: step.doneReason };
      } catch (err) {
        if ((err as Error).name === 'AbortError') engine.aborted.push(row);
        throw err;
      } finally {
        engine.active--;
      }
    },
  };
  return engine;
}

function wait(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const timer = Number.isFinite(ms) ? setTimeout(done, ms) : undefined;
    function done() {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }
    function onAbort() {
      if (timer) clearTimeout(timer);
      reject(abortError());
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function abortError(): Error {
  const err = new Error('This operation was aborted');
  err.name = 'AbortError';
  return err;
}
