// Retries are counted, not narrated: a run against a flaky host may retry thousands of times for
// the same few reasons. Pure.

export interface RetryCount {
  /** The error message up to its first ": " (the part that does not vary from row to row). */
  reason: string;
  count: number;
}

/**
 * The stable head of an error message: "http://h/api/chat failed (HTTP 503): Service Unavailable"
 * -> "http://h/api/chat failed (HTTP 503)"; "Cannot reach http://127.0.0.1:11434" stays whole.
 */
export function retryReason(message: string): string {
  const cut = message.indexOf(': ');
  return (cut > 0 ? message.slice(0, cut) : message).trim();
}

/** Distinct reasons kept; past that, retries count under "other errors" (memory stays flat). */
const MAX_REASONS = 20;

/** Adds one retry to the tally (first-seen order); returns true when its reason is new. */
export function countRetry(tally: RetryCount[], message: string): boolean {
  let reason = retryReason(message);
  if (tally.length >= MAX_REASONS && !tally.some((t) => t.reason === reason)) reason = 'other errors';
  const known = tally.find((t) => t.reason === reason);
  if (known) {
    known.count++;
    return false;
  }
  tally.push({ reason, count: 1 });
  return true;
}
