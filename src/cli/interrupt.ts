// Ctrl-C handling for long commands: the first SIGINT asks the command to stop cleanly (it saves
// what is done and explains how to resume); a second one quits at once with 130. During a
// regeneration in review, Ctrl-C aborts the request instead (withInterrupt).
import type { CliIo } from './streams.js';

export function onInterrupt(io: CliIo, stop: () => void): () => void {
  let count = 0;
  const handler = () => {
    count++;
    if (count === 1) stop();
    else {
      io.stderr.write('\ndraftsmith: interrupted twice, quitting now.\n');
      process.exit(130);
    }
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

/** Ctrl-C while the model writes (no prompt is reading keys then): abort the request. */
export async function withInterrupt<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  try {
    return await fn(controller.signal);
  } finally {
    process.off('SIGINT', stop);
  }
}
