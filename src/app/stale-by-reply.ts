// Stale by a reply: a recipient who wrote to us after their latest draft was made. `draft` counts
// them (and redrafts them with --redraft-stale), `status` lists them, `review` can say so on the
// card. The memory says when they last wrote; the drafts file when the draft was made.
import { repliedAfter } from '../core/decisions/rules.js';
import type { DraftRecord } from '../core/decisions/records.js';
import type { Who } from '../core/memory/records.js';
import { whoOf } from '../core/memory/who.js';

/** What this needs of the memory (io/memory/memory-store.ts MemoryStore). */
export interface ReplyLookup {
  lastReceivedAt(who: Who): string | undefined;
}

/**
 * The time of the newest reply received after `key`'s latest draft, or undefined when there is
 * none (or no draft). An e-mail key is looked up before its draft is read, so a recipient who
 * never wrote costs one query and no read of the drafts file.
 */
export function replyAfterDraft(memory: ReplyLookup, drafts: { readDraft(key: string): DraftRecord | undefined }, key: string): string | undefined {
  let draft: DraftRecord | undefined;
  let who: Who;
  if (key.startsWith('email:')) {
    who = { key, email: key.slice('email:'.length) };
  } else {
    draft = drafts.readDraft(key);
    if (!draft) return undefined;
    who = whoOf(key, draft.recipient);
  }
  const last = memory.lastReceivedAt(who);
  if (last === undefined) return undefined;
  draft ??= drafts.readDraft(key);
  return draft && repliedAfter(draft.at, last) ? last : undefined;
}
