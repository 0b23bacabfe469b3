// `history import`'s progress on stderr, by bytes read: a one-line bar redrawn at most every 100 ms
// on a terminal; a plain line per 10% otherwise (logs, CI); nothing under --quiet.
import { formatBytes } from '../core/text/bytes.js';

export interface ImportProgress {
  update(p: { bytes: number; totalBytes: number; messages: number }): void;
  /** Ends the bar's line, if one was drawn. */
  done(): void;
}

const PLAIN_AFTER_MS = 1000;

export function createImportProgress(stderr: NodeJS.WritableStream & { isTTY?: boolean }, opts: { quiet?: boolean; now?: () => number } = {}): ImportProgress {
  if (opts.quiet) return { update() {}, done() {} };
  const now = opts.now ?? Date.now;
  const tty = Boolean(stderr.isTTY);
  let lastDraw = 0;
  let lastTenth = -1;
  let drawn = false;
  const started = now();
  return {
    update({ bytes, totalBytes, messages }) {
      const ratio = totalBytes > 0 ? Math.min(1, bytes / totalBytes) : 0;
      const figures = `${formatBytes(bytes)} / ${formatBytes(totalBytes)}, ${messages} message(s)`;
      if (tty) {
        const t = now();
        if (t - lastDraw < 100 && ratio < 1) return;
        lastDraw = t;
        const width = 24;
        const filled = Math.round(ratio * width);
        stderr.write(`\r\u001b[2Kimporting [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.floor(ratio * 100)}% ${figures}`);
        drawn = true;
        return;
      }
      const tenth = Math.floor(ratio * 10);
      // A log gets lines only for an import that takes a while.
      if (tenth === lastTenth || now() - started < PLAIN_AFTER_MS) return;
      lastTenth = tenth;
      stderr.write(`draftsmith: importing: ${tenth * 10}% (${figures})\n`);
    },
    done() {
      if (drawn) stderr.write('\n');
      drawn = false;
    },
  };
}
