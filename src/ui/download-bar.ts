// A model download's progress on stderr: a one-line bar redrawn at most every 100 ms on a
// terminal; a line per 10% otherwise (logs, CI).
import { formatBytes } from '../core/text/bytes.js';

export interface DownloadBar {
  update(p: { downloadedBytes: number; totalBytes: number }): void;
  /** Ends the bar's line, if one was drawn. */
  done(): void;
}

export function createDownloadBar(stderr: NodeJS.WritableStream & { isTTY?: boolean }, label: string): DownloadBar {
  const tty = Boolean(stderr.isTTY);
  let lastDraw = 0;
  let lastTenth = -1;
  let drawn = false;
  return {
    update: ({ downloadedBytes, totalBytes }) => {
      const ratio = totalBytes > 0 ? Math.min(1, downloadedBytes / totalBytes) : 0;
      const sizes = `${formatBytes(downloadedBytes)} / ${formatBytes(totalBytes)}`;
      if (tty) {
        const now = Date.now();
        if (now - lastDraw < 100 && ratio < 1) return;
        lastDraw = now;
        const width = 24;
        const filled = Math.round(ratio * width);
        stderr.write(`\r\u001b[2Kdownloading ${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.floor(ratio * 100)}% ${sizes}`);
        drawn = true;
      } else {
        const tenth = Math.floor(ratio * 10);
        if (tenth === lastTenth) return;
        lastTenth = tenth;
        stderr.write(`draftsmith: downloading ${label}: ${tenth * 10}% (${sizes})\n`);
      }
    },
    done: () => {
      if (drawn) stderr.write('\n');
    },
  };
}
