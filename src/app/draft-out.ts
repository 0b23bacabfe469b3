// `draft --out`: every finished job's record (what a person decided shows, not the model's first
// text), in CSV row order, as the run goes; a reader that leaves (`--out - | head`) stops the run.
import { isBrokenPipe } from '../core/errors.js';
import type { DraftJob } from '../core/drafting/run-contract.js';
import { toExportRecord } from '../core/export/export-record.js';
import type { Columns } from '../core/recipients/recipients.js';
import type { Channel } from '../core/profile.js';
import type { DraftsStore } from '../io/drafts-file/store.js';
import { createRecordWriter, type OutputFormat } from '../io/export/record-writer.js';
import type { OutputTarget } from '../io/output-target.js';

/** What the records are written with: the format, the CSV's columns, the channel, and the run to stop. */
export interface OutRecordsContext {
  format: OutputFormat;
  rawCells?: boolean;
  columns: Columns;
  channel: Channel;
  /** The profile's answer fields (output.fields): CSV columns after `body`. */
  fields?: readonly string[];
  store: Pick<DraftsStore, 'read'>;
  controller: AbortController;
}

/** `--out`: every finished job's record, in row order; a reader that leaves stops the run. */
export function outRecords(out: OutputTarget, r: OutRecordsContext) {
  const writer = createRecordWriter(r.format, out.stream, { headers: r.columns.headers, channel: r.channel, rawCells: r.rawCells, ...(r.fields ? { fields: r.fields } : {}) });
  let pending: Promise<void> = Promise.resolve();
  let gone = false;
  return {
    readerGone: () => gone,
    emit: (job: DraftJob) => {
      // What a person decided shows, not the model's first text: the same version everywhere.
      const shown = r.store.read(job.key);
      if (!shown || gone) return;
      pending = pending
        .then(() => writer.write(toExportRecord(shown)))
        .catch((err: unknown) => {
          if (!isBrokenPipe(err)) throw err;
          // `draft --out - | head`: nobody reads the rest, so stop paying for drafts.
          gone = true;
          r.controller.abort();
        });
    },
    end: async () => {
      await pending;
      await writer.end().catch((err: unknown) => {
        if (!isBrokenPipe(err)) throw err;
      });
    },
  };
}
