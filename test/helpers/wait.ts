// Waiting in a test for something another process does (a drafts file filling up).

/**
 * Checks `cond` every `everyMs` until it holds; throws once `timeoutMs` has passed. A check that
 * throws has not held yet: it may have read a file another process is halfway through writing
 * (a JSONL line cut mid-record).
 */
export async function waitFor(cond: () => boolean, timeoutMs: number, everyMs = 50): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!holds(cond)) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

function holds(cond: () => boolean): boolean {
  try {
    return cond();
  } catch {
    return false;
  }
}
