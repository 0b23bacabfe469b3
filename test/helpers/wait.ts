// Waiting in a test for something another process does (a drafts file filling up).

/** Checks `cond` every `everyMs` until it holds; throws once `timeoutMs` has passed. */
export async function waitFor(cond: () => boolean, timeoutMs: number, everyMs = 50): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
