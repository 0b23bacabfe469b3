// `draftsmith history import FILE...`: flags -> app/import-history.ts, a progress bar by bytes on
// stderr, Ctrl-C stops between messages (what is committed stays), then the summary on stderr.
import { importHistory } from '../../app/import-history.js';
import { InterruptedError, UsageError } from '../../core/errors.js';
import type { Direction } from '../../io/mail/parse-message.js';
import { createImportProgress } from '../../ui/import-progress.js';
import { renderImportSummary } from '../../ui/import-summary.js';
import { onInterrupt } from '../interrupt.js';
import type { CliIo } from '../streams.js';

export interface HistoryImportFlags {
  direction?: Direction;
  me?: string[];
  profile?: string;
  memory?: string | false;
  quiet?: boolean;
}

export async function runHistoryImportCommand(files: readonly string[], flags: HistoryImportFlags, io: CliIo): Promise<void> {
  if (files.length === 0) throw new UsageError('history import needs at least one file or folder.', { hint: 'e.g. `draftsmith history import Sent.mbox --me you@example.com`' });
  let stop = false;
  const release = onInterrupt(io, () => {
    stop = true;
    io.stderr.write('\ndraftsmith: stopping after the current message (Ctrl-C again quits at once)...\n');
  });
  const progress = createImportProgress(io.stderr, { quiet: flags.quiet });
  try {
    const summary = await importHistory({
      files,
      cwd: io.cwd,
      env: io.env,
      memory: flags.memory,
      direction: flags.direction ?? 'auto',
      me: flags.me,
      profile: flags.profile,
      stopRequested: () => stop,
      notice: (m) => io.stderr.write(m),
      onProgress: (p) => progress.update(p),
    });
    progress.done();
    io.stderr.write(`${renderImportSummary(summary).join('\n')}\n`);
    if (summary.interrupted) {
      throw new InterruptedError('interrupted: every committed batch is kept.', { hint: 'run the same command again to import the rest (what is already imported counts as duplicates).' });
    }
  } finally {
    progress.done();
    release();
  }
}
