// `draftsmith status`: counts by status, failed rows, and what to do next.
import path from 'node:path';
import { locateDraftsFile } from '../../io/drafts-path.js';
import { DraftsStore } from '../../io/drafts-store.js';
import { stripControlsInline } from '../../core/sanitize.js';
import type { DraftStatus } from '../../core/draft.js';
import type { CliIo } from '../io.js';

const ORDER: DraftStatus[] = ['drafted', 'approved', 'edited', 'skipped', 'failed'];

export async function runStatusCommand(file: string | undefined, io: CliIo): Promise<void> {
  const draftsPath = await locateDraftsFile(file, io.cwd);
  const store = await DraftsStore.open(draftsPath, { lock: false, create: false });
  try {
    const counts = new Map<DraftStatus, number>();
    const failed: { row: number; error: string }[] = [];
    const rows = store.rows();
    for (const s of rows) {
      counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
      if (s.status === 'failed') failed.push({ row: s.row, error: store.readDraft(s.row)?.error ?? 'unknown error' });
    }
    const name = path.relative(io.cwd, draftsPath) || draftsPath;
    const lines = [`${name}: ${rows.length} recipient(s)`];
    for (const status of ORDER) lines.push(`  ${status.padEnd(9)} ${counts.get(status) ?? 0}`);
    if (failed.length > 0) {
      lines.push('', 'failed rows:');
      for (const f of failed.slice(0, 20)) lines.push(`  row ${f.row}: ${stripControlsInline(f.error)}`);
      if (failed.length > 20) lines.push(`  ... and ${failed.length - 20} more`);
      lines.push('', 'next: re-run the same `draftsmith draft` command to retry only the failed rows.');
    } else if ((counts.get('drafted') ?? 0) > 0) {
      lines.push('', `next: export them with \`draftsmith export ${name} --all\``);
    }
    for (const w of store.warnings) io.stderr.write(`draftsmith: warning: ${w}\n`);
    io.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await store.close();
  }
}
