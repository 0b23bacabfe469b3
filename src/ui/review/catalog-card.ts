// The review card's line about a draft's catalog picks (issue 13 §3): what the prompt offered this
// recipient, each pick's title (read back from the recorded prompt, core/drafting/catalog-block.ts)
// or its id, and its score, with how they were ranked. Catalog text is the user's own file but ends
// up next to model output: stripped of terminal controls and cut to the width like the rest. Pure.
import type { ChalkInstance } from 'chalk';
import type { DraftRecord } from '../../core/decisions/records.js';
import { catalogIn } from '../../core/drafting/catalog-block.js';
import { excerpt } from '../../core/drafting/history-block.js';

/** Empty when the draft was made without a catalog. */
export function renderPicks(draft: Pick<DraftRecord, 'catalog' | 'messages'>, width: number, chalk: ChalkInstance): string {
  const catalog = draft.catalog;
  if (!catalog) return '';
  const how = catalog.method === 'embeddings' ? `embeddings${catalog.model !== undefined ? ` ${catalog.model}` : ''}` : 'BM25';
  const head = `catalog picks (${how}): `;
  if (catalog.picks.length === 0) return chalk.dim(`${head}none matched: the prompt said to offer and link nothing`);
  const entries = catalogIn(draft.messages);
  const shown = catalog.picks.map((p, i) => `${entries[i]?.title ?? p.id} (${p.score})`).join(' · ');
  return `${chalk.dim(head)}${excerpt(shown, Math.max(20, width - head.length))}`;
}
