// `draftsmith export`: approved (and edited) drafts, or every record with --all, for the next tool.
import { DECIDED, type DraftStatus } from '../../core/draft.js';
import { toExportRecord } from '../../core/export-record.js';
import { locateDraftsFile } from '../../io/drafts-path.js';
import { DraftsStore } from '../../io/drafts-store.js';
import { createRecordWriter } from '../../io/record-writer.js';
import { openOutput } from '../output.js';
import type { CliIo } from '../io.js';

export interface ExportFlags {
  format: 'jsonl' | 'csv';
  out: string;
  all?: boolean;
}

const EXPORTED: ReadonlySet<DraftStatus> = new Set(['approved', 'edited']);

export async function runExportCommand(file: string | undefined, flags: ExportFlags, io: CliIo): Promise<void> {
  const draftsPath = await locateDraftsFile(file, io.cwd);
  const store = await DraftsStore.open(draftsPath, { lock: false, create: false });
  try {
    const states = store.rows().filter((s) => flags.all || EXPORTED.has(s.status));
    const first = states.length > 0 ? store.readDraft(states[0]!.row) : undefined;
    const headers = first ? Object.keys(first.recipient) : [];
    const out = await openOutput(flags.out, io);
    const writer = createRecordWriter(flags.format, out.stream, { headers });
    let written = 0;
    try {
      for (const s of states) {
        const record = store.readDraft(s.row);
        if (!record) continue;
        await writer.write(toExportRecord(record, { status: s.status }));
        written++;
      }
    } finally {
      await writer.end();
      await out.close();
    }
    if (written === 0 && !flags.all) {
      const undecided = store.rows().filter((s) => !DECIDED.has(s.status)).length;
      io.stderr.write(
        `draftsmith: no approved drafts yet (${undecided} waiting for review).\n  hint: review them with \`draftsmith review\`, or export everything with --all.\n`,
      );
    } else if (flags.out !== '-') {
      io.stderr.write(`draftsmith: wrote ${written} record(s) to ${out.name}\n`);
    }
  } finally {
    await store.close();
  }
}
