// One request's deadline and cancellation, for every engine that talks to a server: a single
// AbortController fired by the caller's signal or by our own timer, and whatever the request throws
// mapped by the engine's own error table. The caller's abort stays an AbortError (the runner's
// "interrupted"); an error thrown by the caller's onText is rethrown as it was.
import { CallbackError } from '../core/engine.js';
import { abortError, type EngineError } from '../core/errors.js';

export async function withDeadline<T, C extends { timeoutMs?: number }>(
  callerSignal: AbortSignal | undefined,
  timeoutMs: number,
  ctx: C,
  toEngineError: (err: unknown, ctx: C) => EngineError,
  fn: (request: AbortController, ctx: C) => Promise<T>,
): Promise<T> {
  if (callerSignal?.aborted) throw abortError(callerSignal.reason);
  ctx.timeoutMs = timeoutMs;
  // One controller per request, fed by the caller's signal and our deadline. Every AbortSignal
  // (AbortSignal.any included) costs a transferable object and bookkeeping; at thousands of
  // requests a second, listeners on a single controller are far cheaper.
  const request = new AbortController();
  let timedOut = false;
  // Our own timer, cleared on every exit, instead of AbortSignal.timeout: thousands of requests
  // must not leave thousands of 10-minute timers behind.
  const timer = setTimeout(() => {
    timedOut = true;
    request.abort(new DOMException('deadline', 'TimeoutError'));
  }, timeoutMs);
  const forward = () => request.abort(callerSignal?.reason);
  callerSignal?.addEventListener('abort', forward, { once: true });
  try {
    return await fn(request, ctx);
  } catch (err) {
    if (err instanceof CallbackError) throw err.original;
    if (callerSignal?.aborted) throw abortError(callerSignal.reason, err);
    if (timedOut) throw toEngineError(new DOMException('deadline', 'TimeoutError'), ctx);
    throw toEngineError(err, ctx);
  } finally {
    clearTimeout(timer);
    callerSignal?.removeEventListener('abort', forward);
  }
}
