// Where a drafts file lives by default, and finding "the" drafts file in a folder.
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../../core/errors.js';

export const DRAFTS_SUFFIX = '.drafts.jsonl';

/** `leads.csv` -> `leads.drafts.jsonl` beside it; stdin -> `drafts.jsonl` in the working directory. */
export function defaultDraftsPath(csv: string | null, cwd: string): string {
  if (csv === null) return path.resolve(cwd, 'drafts.jsonl');
  const abs = path.resolve(cwd, csv);
  const base = path.basename(abs).replace(/\.(csv|tsv|txt)$/i, '');
  return path.join(path.dirname(abs), `${base}${DRAFTS_SUFFIX}`);
}

/** The drafts file named, or the only one in `cwd`. */
export async function locateDraftsFile(given: string | undefined, cwd: string): Promise<string> {
  if (given) return path.resolve(cwd, given);
  const names = (await readdir(cwd)).filter((n) => n.endsWith(DRAFTS_SUFFIX) || n === 'drafts.jsonl').sort();
  if (names.length === 1) return path.join(cwd, names[0]!);
  if (names.length === 0) {
    throw new UsageError('no drafts file in this folder.', {
      hint: 'name one (e.g. `draftsmith status leads.drafts.jsonl`), or run `draftsmith draft` first.',
    });
  }
  throw new UsageError(`${names.length} drafts files in this folder: ${names.join(', ')}.`, {
    hint: 'name the one you mean as the first argument.',
  });
}

/**
 * The tone profile for a command on a drafts file: the one given with --profile, else the one the
 * drafts were made with (recorded in each draft) when it still exists; undefined when neither.
 */
export function profileForDrafts(given: string | undefined, recorded: string | undefined, cwd: string): string | undefined {
  if (given) return path.resolve(cwd, given);
  return recorded && existsSync(recorded) ? recorded : undefined;
}
