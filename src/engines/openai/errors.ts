// What an OpenAI-compatible server's failure means, in one table: each HTTP status (and the socket
// errors, timeouts, cut streams and error events inside a stream) mapped to a message, a hint and a
// retry decision, with the wait a 429/503's Retry-After asks for. Error bodies come in every shape
// servers use ({"error":{"message"}}, vLLM's {"error":"Unauthorized"}, FastAPI's {"detail"}, plain
// text); anything a server says is stripped of the API key before it goes into a message.
import { EngineError } from '../../core/errors.js';
import { redactKey, type ApiKey } from './api-key.js';
import { HttpError } from './transport.js';

/** Bound on each one-off check (`doctor`, `models`, the `auto` probe uses its own). */
export const CHECK_TIMEOUT_MS = 2000;

export interface ErrorContext {
  baseUrl: string;
  model?: string;
  key?: ApiKey;
  /** The server's models, when known: a missing-model error lists them. */
  models?: readonly string[];
  /** Set once the answer has started: a failure then is a cut answer, worth retrying. */
  midStream?: boolean;
  /** False for the one-off checks (an unreachable host is not retried there). */
  retryable?: boolean;
  timeoutMs?: number;
}

/** An `{"error": ...}` event inside a 200 stream. */
export class StreamErrorEvent extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StreamErrorEvent';
  }
}

/** The stream ended before `[DONE]` or a finish_reason. */
export class CutStream extends Error {
  constructor() {
    super('the answer stopped before its end');
    this.name = 'CutStream';
  }
}

const SOCKET_ERRORS: Record<string, { kind: 'unreachable' | 'cut'; reason: string }> = {
  ECONNREFUSED: { kind: 'unreachable', reason: 'connection refused' },
  ENOTFOUND: { kind: 'unreachable', reason: 'host not found' },
  EAI_AGAIN: { kind: 'unreachable', reason: 'host name lookup failed' },
  EHOSTUNREACH: { kind: 'unreachable', reason: 'host unreachable' },
  ENETUNREACH: { kind: 'unreachable', reason: 'network unreachable' },
  ETIMEDOUT: { kind: 'unreachable', reason: 'connection timed out' },
  ECONNRESET: { kind: 'cut', reason: 'connection reset' },
  EPIPE: { kind: 'cut', reason: 'connection closed' },
};

/** Whether a 400's message says the server refused the json_schema response_format. */
export function refusesSchema(err: unknown): boolean {
  return err instanceof HttpError && err.status === 400 && /response_format|json_schema|schema/i.test(err.body);
}

/** The readable message of an error body, whatever its shape, at most 300 characters on one line. */
export function errorBodyMessage(body: string): string {
  let message: unknown;
  try {
    const parsed = JSON.parse(body) as { error?: unknown; detail?: unknown; message?: unknown };
    const e = parsed?.error;
    message = typeof e === 'string' ? e : (e as { message?: unknown } | undefined)?.message ?? parsed?.detail ?? parsed?.message;
    if (message !== undefined && typeof message !== 'string') message = JSON.stringify(message);
  } catch {
    message = body.replace(/<[^>]*>/g, ' ');
  }
  const line = String(message ?? '').replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

/** Retry-After in ms: delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | undefined, now = Date.now()): number | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(header)) return Math.round(Number(header) * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The one place that decides what a failure means to the user and whether to retry. A server may
 * echo the key back (in an error body, an error event, a broken answer a JSON error quotes): any
 * message holding it is redacted, and its cause (printed with --debug) dropped.
 */
export function toEngineError(err: unknown, ctx: ErrorContext): EngineError {
  const mapped = mapError(err, ctx);
  const key = ctx.key?.value;
  if (!key) return mapped;
  const cause = mapped.cause as { message?: unknown; stack?: unknown } | undefined;
  const leaks = [mapped.message, mapped.hint, cause?.message, cause?.stack].some((t) => typeof t === 'string' && t.includes(key));
  if (!leaks) return mapped;
  return new EngineError(redactKey(mapped.message, ctx.key), {
    retryable: mapped.retryable,
    ...(mapped.hint ? { hint: redactKey(mapped.hint, ctx.key) } : {}),
    ...(mapped.retryAfterMs !== undefined ? { retryAfterMs: mapped.retryAfterMs } : {}),
  });
}

function mapError(err: unknown, ctx: ErrorContext): EngineError {
  if (err instanceof EngineError) return err;
  const at = `the server at ${ctx.baseUrl}`;
  if (err instanceof HttpError) return httpError(err, ctx, at);
  if (err instanceof StreamErrorEvent) return new EngineError(`${at} stopped mid-answer: ${err.message}`, { cause: err, retryable: true });
  if (err instanceof CutStream) return new EngineError(`${at} stopped mid-answer: ${err.message}`, { cause: err, retryable: true });
  if (err instanceof SyntaxError) return new EngineError(`${at} sent an answer that is not JSON: ${err.message}`, { cause: err, retryable: true });
  const e = err as { name?: string; message?: string };
  if (e?.name === 'TimeoutError') {
    const secs = ctx.timeoutMs !== undefined ? Math.round(ctx.timeoutMs / 100) / 10 : '?';
    return new EngineError(`no answer from ${at} within ${secs}s`, { cause: err, retryable: true, unreachable: true, hint: 'The server may be busy; raise the request timeout with --timeout, or lower --concurrency' });
  }
  const socket = SOCKET_ERRORS[errorCode(err) ?? ''];
  if (socket?.kind === 'unreachable' || (socket && !ctx.midStream))
    return new EngineError(`Cannot reach ${at} (${socket.reason})`, { cause: err, retryable: ctx.retryable ?? true, unreachable: socket.kind === 'unreachable', hint: 'Start the server, or pass its base URL with --host' });
  const cut = /aborted|socket hang up/i.test(e?.message ?? '');
  if (socket || ctx.midStream || cut)
    return new EngineError(`${at} stopped mid-answer: ${socket?.reason ?? (cut || !e?.message ? 'the connection was cut' : e.message)}`, { cause: err, retryable: true });
  return new EngineError(`${at} failed: ${String(e?.message ?? err)}`, { cause: err, retryable: false });
}

function httpError(err: HttpError, ctx: ErrorContext, at: string): EngineError {
  const { status } = err;
  const detail = errorBodyMessage(err.body) || `HTTP ${status}`;
  if (status === 401 || status === 403) {
    const hint = ctx.key
      ? `The server does not accept the key in ${ctx.key.variable}: set it to the server's key (vLLM's or llama-server's --api-key)`
      : `The server wants an API key: set DRAFTSMITH_API_KEY to it (OPENAI_API_KEY is only ever sent to api.openai.com)`;
    return new EngineError(`${at} refused the request (HTTP ${status}): ${detail}`, { cause: err, hint });
  }
  if (status === 404 && ctx.model !== undefined && detail.includes(ctx.model)) return missingModel(ctx, detail, err);
  if (status === 429 || status === 503) {
    const wait = retryAfterMs(err.retryAfter);
    return new EngineError(`${at} is busy (HTTP ${status}): ${detail}`, { cause: err, retryable: true, ...(wait !== undefined ? { retryAfterMs: wait } : {}) });
  }
  if (status >= 500) return new EngineError(`${at} failed (HTTP ${status}): ${detail}`, { cause: err, retryable: true });
  const hint =
    status === 404
      ? 'Check that --host is the server\'s base URL (usually ending in /v1)'
      : status >= 300 && status < 400
        ? 'The server redirects elsewhere (requests are not followed): pass the address it redirects to with --host'
        : undefined;
  return new EngineError(`${at} refused the request (HTTP ${status}): ${detail}`, { cause: err, ...(hint ? { hint } : {}) });
}

/** Model not found: names the server's models when they are known. */
export function missingModel(ctx: ErrorContext, detail?: string, cause?: unknown): EngineError {
  const models = ctx.models ?? [];
  const served = models.length > 0 ? `it serves: ${models.slice(0, 10).join(', ')}${models.length > 10 ? ', ...' : ''}` : 'it lists no models';
  return new EngineError(`Model "${ctx.model}" is not available on the server at ${ctx.baseUrl} (${detail ? `${detail}; ` : ''}${served})`, {
    ...(cause ? { cause } : {}),
    hint: 'Choose a model the server serves with --model (see `draftsmith models --host URL`)',
  });
}

/** A short reason for a failed check (`doctor`, `models`). */
export function networkReason(err: unknown, ctx: ErrorContext): string {
  if ((err as Error)?.name === 'AbortError' || (err as Error)?.name === 'TimeoutError') return `no answer within ${CHECK_TIMEOUT_MS / 1000} s`;
  const socket = SOCKET_ERRORS[errorCode(err) ?? ''];
  if (socket) return socket.reason;
  return toEngineError(err, ctx).message.replace(/^(?:Cannot reach )?the server at \S+ ?/, '');
}

function errorCode(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string') return e.code;
  }
  return undefined;
}
