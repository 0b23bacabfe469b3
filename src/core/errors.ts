// Every failure a user can cause or meet is one of these. Only src/cli/main.ts prints them and
// turns them into an exit code; everything else throws.

export const EXIT = { ok: 0, runtime: 1, usage: 2, interrupted: 130 } as const;

export interface Location {
  file?: string;
  line?: number;
  column?: number | string;
  field?: string;
}

export class DraftsmithError extends Error {
  readonly exitCode: number;
  /** One line telling the user what to do next. */
  readonly hint: string | undefined;
  readonly location: Location | undefined;

  constructor(
    message: string,
    opts: { exitCode?: number; hint?: string; location?: Location; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.exitCode = opts.exitCode ?? EXIT.runtime;
    this.hint = opts.hint;
    this.location = opts.location;
  }
}

/** Bad flags or arguments. */
export class UsageError extends DraftsmithError {
  constructor(message: string, opts: { hint?: string; cause?: unknown } = {}) {
    super(message, { ...opts, exitCode: EXIT.usage });
  }
}

/** A file the user gave us is unreadable or malformed (CSV, profile, template, drafts file). */
export class InputError extends DraftsmithError {
  /** Further problems found in the same file, each already formatted ("line 4: ..."). */
  readonly details: string[];
  constructor(
    message: string,
    opts: { hint?: string; location?: Location; cause?: unknown; details?: string[] } = {},
  ) {
    super(message, { ...opts, exitCode: EXIT.usage });
    this.details = opts.details ?? [];
  }
}

/** The model engine failed: unreachable, missing model, bad answer. */
export class EngineError extends DraftsmithError {
  /** Whether trying the same request again may succeed (connection errors, 5xx, cut streams). */
  readonly retryable: boolean;
  /** The server asked to wait this long before trying again (HTTP Retry-After on a 429 or 503). */
  readonly retryAfterMs: number | undefined;
  /** Nothing answered at all (refused, not found, no answer in time): the host is down, not wrong. */
  readonly unreachable: boolean;
  constructor(message: string, opts: { hint?: string; cause?: unknown; retryable?: boolean; retryAfterMs?: number; unreachable?: boolean } = {}) {
    super(message, { ...opts, exitCode: EXIT.runtime });
    this.retryable = opts.retryable ?? false;
    this.retryAfterMs = opts.retryAfterMs;
    this.unreachable = opts.unreachable ?? false;
  }
}

/** Some rows could not be drafted; the summary has already named them. */
export class PartialFailureError extends DraftsmithError {
  constructor(message: string, opts: { hint?: string } = {}) {
    super(message, { ...opts, exitCode: EXIT.runtime });
  }
}

/** Another process holds the drafts file. */
export class LockedError extends DraftsmithError {
  constructor(message: string, opts: { hint?: string } = {}) {
    super(message, { ...opts, exitCode: EXIT.runtime });
  }
}

/** Ctrl-C: finished work is kept; the hint says how to resume. */
export class InterruptedError extends DraftsmithError {
  constructor(message = 'Interrupted.', opts: { hint?: string } = {}) {
    super(message, { ...opts, exitCode: EXIT.interrupted });
  }
}

/** Already reported to the user (e.g. a summary printed); just exit with this code. */
export class ExitError extends DraftsmithError {
  constructor(exitCode: number) {
    super('', { exitCode });
  }
}

/**
 * What the runner treats as "interrupted": an Error named AbortError. The signal's own reason is
 * kept when it already is one; otherwise it becomes the cause.
 */
export function abortError(reason?: unknown, cause?: unknown): Error {
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  const err = new Error('The operation was aborted', { cause: cause ?? reason });
  err.name = 'AbortError';
  return err;
}

export function isAbortError(err: unknown): boolean {
  return (err as Error)?.name === 'AbortError';
}

export function formatLocation(loc: Location | undefined): string {
  if (!loc?.file) return '';
  let s = loc.file;
  if (loc.line !== undefined) s += `:${loc.line}`;
  if (loc.column !== undefined && typeof loc.column === 'number') s += `:${loc.column}`;
  return s;
}

/**
 * True for the error a write gets when the reader of a pipe has gone away: EPIPE itself, and the
 * errors of the writes after it (the stream is destroyed by then). One definition for main's exit
 * code and for the record writers, so `draft --out - | head` and `--help | head` agree.
 */
export function isBrokenPipe(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED' || code === 'ERR_STREAM_PREMATURE_CLOSE';
}
