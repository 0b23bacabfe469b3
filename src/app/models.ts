// `draftsmith models`, the workflow: every engine in the registry lists what it can run here (side
// by side), as one listing keyed by engine (`--json`) or text, plus a note per engine that had
// nothing to say (not a failure: the exit code is 0 either way, 2 only for a bad --host).
import { stripControlsInline } from '../core/text/sanitize.js';
import { ENGINES } from '../engines/index.js';
import type { ModelsContext } from '../engines/descriptor.js';

export interface ModelsResult {
  /** Each engine's section under its key (ollama, cache): the `--json` object. */
  listing: Record<string, unknown>;
  text: string;
  /** Lines for stderr ("draftsmith: note: ..."). */
  notes: string[];
}

export async function listModels(ctx: ModelsContext): Promise<ModelsResult> {
  const engines = await Promise.all(ENGINES.map((e) => e.models()));
  const found = await Promise.all(engines.map((m) => m.list(ctx)));
  const listing: Record<string, unknown> = {};
  const lines: string[] = [];
  const notes: string[] = [];
  const rendered = engines.map((m, i) => m.render(found[i]!.listing));
  engines.forEach((m, i) => {
    const { listing: section, note } = found[i]!;
    listing[m.key] = section;
    lines.push(...rendered[i]!);
    if (note !== undefined) {
      // Only the engines that have something listed (a server that does not answer lists nothing).
      const others = engines.filter((o, j) => o !== m && rendered[j]!.length > 0).map((o) => o.what);
      notes.push(`draftsmith: note: ${stripControlsInline(note)}.${others.length > 0 ? ` Listing ${others.join(' and ')} only.` : ''}\n`);
    }
  });
  return { listing, text: `${lines.map((l) => stripControlsInline(l).trimEnd()).join('\n')}\n`, notes };
}
