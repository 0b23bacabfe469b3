// What an Ollama failure means, in one place: the socket-error table, the mapping of any failure to
// an EngineError (message, hint, retry decision) for drafting, and the short reason `doctor` and
// `models` print for a failed check. Both read the same table.
import { EngineError } from '../../core/errors.js';

const SERVE_HINT = 'Start it with `ollama serve` (or pass --host / set OLLAMA_HOST)';
/** Bound on each one-off check (`doctor`, `models`): a healthy local Ollama answers in milliseconds. */
export const CHECK_TIMEOUT_MS = 2000;

/**
 * The socket errors a request to Ollama meets. unreachable: the server is not there (retried while
 * drafting); cut: node:http's "socket hang up" before the answer, "aborted" during it. `reason`
 * is the short text a check prints.
 */
const SOCKET_ERRORS: Record<string, { kind: 'unreachable' | 'cut'; reason?: string }> = {
  ECONNREFUSED: { kind: 'unreachable', reason: 'connection refused' },
  ENOTFOUND: { kind: 'unreachable', reason: 'host not found' },
  EAI_AGAIN: { kind: 'unreachable', reason: 'host name lookup failed' },
  EHOSTUNREACH: { kind: 'unreachable', reason: 'host unreachable' },
  ENETUNREACH: { kind: 'unreachable', reason: 'network unreachable' },
  ETIMEDOUT: { kind: 'unreachable' },
  ECONNRESET: { kind: 'cut', reason: 'connection reset' },
  EPIPE: { kind: 'cut' },
};

export interface ErrorContext {
  host: string;
  model?: string;
  /** Set once the stream has started: an error then is a broken answer, worth retrying. */
  midStream?: boolean;
  /** Override whether unreachable-host errors are retryable (false for the one-off checks). */
  retryable?: boolean;
  timeoutMs?: number;
}


function errorCode(err: unknown): string | undefined {
  for (let e: any = err, depth = 0; e && depth < 5; e = e.cause, depth++) {
    if (typeof e.code === 'string') return e.code;
  }
  return undefined;
}

/** The one place that decides what an Ollama failure means to the user and whether to retry. */
export function toEngineError(err: unknown, ctx: ErrorContext): EngineError {
  if (err instanceof EngineError) return err;
  const e = err as { name?: string; message?: string; status_code?: number; error?: string };
  const message = String(e?.message ?? err);
  const code = errorCode(err);
  const at = `Ollama at ${ctx.host}`;

  if (e?.name === 'ResponseError' && typeof e.status_code === 'number') {
    const status = e.status_code;
    const detail = e.error ?? message;
    if (status === 404 && /model/i.test(detail) && /not found/i.test(detail)) {
      const model = ctx.model ?? 'the model';
      return new EngineError(`Model "${model}" is not available on ${at}: ${detail}`, {
        cause: err,
        hint: `Run \`ollama pull ${model}\`, or choose an installed model with --model`,
      });
    }
    if (status >= 500) return new EngineError(`${at} failed (HTTP ${status}): ${detail}`, { cause: err, retryable: true });
    const hint =
      status === 404
        ? 'Check that --host points at an Ollama server'
        : status >= 300 && status < 400
          ? 'The server redirects elsewhere (requests are not followed): pass the address it redirects to with --host'
          : undefined;
    return new EngineError(`${at} refused the request (HTTP ${status}): ${detail}`, { cause: err, hint });
  }

  if (e?.name === 'TimeoutError') {
    const secs = ctx.timeoutMs !== undefined ? Math.round(ctx.timeoutMs / 100) / 10 : undefined;
    return new EngineError(`no answer from ${at} within ${secs ?? '?'}s`, {
      cause: err,
      retryable: true,
      unreachable: true,
      hint: 'The model may be loading or busy; raise the request timeout with --timeout, or lower --concurrency',
    });
  }

  const cut = code !== undefined && SOCKET_ERRORS[code]?.kind === 'cut';
  if ((code && SOCKET_ERRORS[code]?.kind === 'unreachable') || (!ctx.midStream && cut)) {
    return new EngineError(`Cannot reach ${at}`, { cause: err, retryable: ctx.retryable ?? true, unreachable: true, hint: SERVE_HINT });
  }

  if (ctx.midStream || cut || /Did not receive done/.test(message)) {
    const why = cut ? 'the connection was cut' : message;
    return new EngineError(`${at} stopped mid-answer: ${why}`, { cause: err, retryable: true });
  }

  // Unknown before any output: most likely a bug or a bad request; retrying would only repeat it.
  return new EngineError(`${at} failed: ${message}`, { cause: err, retryable: false });
}

/** A short reason for a failed check: the socket error, a timeout, else the message. */
export function networkReason(err: unknown, timeoutMs: number = CHECK_TIMEOUT_MS): string {
  for (let e = err as { name?: unknown; code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 6; e = e.cause as typeof e, depth++) {
    if (e.name === 'AbortError' || e.name === 'TimeoutError') return `no answer within ${timeoutMs / 1000} s`;
    const reason = typeof e.code === 'string' ? SOCKET_ERRORS[e.code]?.reason : undefined;
    if (reason) return reason;
  }
  // The adapter's messages start with "Ollama at <url>", which the check line already names;
  // "Cannot reach Ollama at <url>" says nothing more, so the innermost cause's message is used then.
  const own = String((err as Error)?.message ?? err).replace(/^(?:Cannot reach )?Ollama at \S+ ?/, '');
  if (own !== '') return own;
  let inner: unknown = err;
  for (let depth = 0; depth < 6 && (inner as { cause?: unknown })?.cause; depth++) inner = (inner as { cause?: unknown }).cause;
  return inner !== err ? String((inner as Error)?.message ?? inner) : 'not reachable';
}
