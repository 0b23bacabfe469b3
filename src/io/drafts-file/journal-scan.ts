// Reading a drafts file from its first line, for the store's state: each record with its byte
// position, most of them without parsing the whole line, which keeps a 100k-row file cheap to
// open. A line that is no record may only be the last (a write cut short by a crash); anywhere
// else the file is damaged.
import { InputError } from '../../core/errors.js';
import { parseDraftHead, parseJournalLine } from '../../core/decisions/journal.js';
import type { JournalRecord } from '../../core/decisions/records.js';
import type { At } from '../../core/decisions/recipient-index.js';
import { isBlank, scanLines, type Line } from './lines.js';

const DRAFT_PREFIX = Buffer.from('{"type":"draft","key":');
const ROSTER_PREFIX = Buffer.from('{"type":"roster",');
/** Enough for a draft record's head with a key of ~150 characters; a longer one is parsed whole. */
const HEAD_BYTES = 320;

type Take = (rec: JournalRecord, at: At) => void;
type TakeRoster = (at: At) => void;

/**
 * Hands every record to `take` (a roster line's position to `roster` when it is not parsed);
 * returns the bad last line, if any, and the last good one.
 */
export async function scanJournal(file: string, take: Take, roster: TakeRoster): Promise<{ bad: Line | undefined; last: Line | undefined }> {
  let bad: Line | undefined;
  let last: Line | undefined;
  for await (const line of scanLines(file)) {
    if (isBlank(line.buf)) continue;
    // A bad line with a record after it is damage, not a torn write.
    if (bad) throw corruptLine(file, bad);
    const at = { offset: line.offset, length: line.buf.length };
    if (!takeFast(line, at, take, roster)) {
      const rec = parseJournalLine(line.buf.toString('utf8'));
      if (!rec) {
        bad = line;
        continue;
      }
      take(rec, at);
    }
    last = line;
  }
  return { bad, last };
}

/**
 * Draft and roster lines of a whole (newline-ended, `}`-closed) record are taken without parsing
 * them whole: a draft by its head, a roster by position (only the last one is read, at the end).
 */
function takeFast(line: Line, at: At, take: Take, roster: TakeRoster): boolean {
  const buf = line.buf;
  if (!line.terminated || buf[buf.length - 1] !== 0x7d) return false;
  if (buf.subarray(0, ROSTER_PREFIX.length).equals(ROSTER_PREFIX)) {
    roster(at);
    return true;
  }
  if (!buf.subarray(0, DRAFT_PREFIX.length).equals(DRAFT_PREFIX)) return false;
  const rec = parseDraftHead(buf.toString('utf8', 0, Math.min(buf.length, HEAD_BYTES)));
  if (!rec) return false;
  take(rec, at);
  return true;
}

function corruptLine(file: string, line: Line): InputError {
  return new InputError(`line ${line.number} is not a draftsmith record; the drafts file is damaged`, {
    location: { file, line: line.number },
    hint: `fix or delete line ${line.number} in a text editor (earlier and later drafts are kept), or pass another --drafts file`,
  });
}
