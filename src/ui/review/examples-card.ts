// The `v` view's list of the memory's examples a draft's prompt carried (issue 12): each one's
// memory id, its recipient's role and company, and its subject, read back from the recorded prompt
// (core/drafting/examples-block.ts examplesIn) and paired with the draft record's memoryExamples.
// Memory contents are untrusted: every piece is stripped of terminal controls and cut to one line. Pure.
import type { ChalkInstance } from 'chalk';
import { excerpt } from '../../core/drafting/history-block.js';
import { examplesIn } from '../../core/drafting/examples-block.js';
import type { ChatMessage } from '../../core/engine.js';

const ROLE = /^(?:role|title|job|job_?title|position)$/i;
const COMPANY = /^(?:company|organi[sz]ation|org|employer|firm)$/i;

function fieldOf(recipient: Record<string, string>, header: RegExp): string | undefined {
  const key = Object.keys(recipient).find((k) => header.test(k.trim().replace(/[\s-]+/g, '_')));
  return key === undefined ? undefined : recipient[key];
}

/** Empty when the prompt carried no examples from the memory. */
export function renderExamples(memoryExamples: readonly number[] | undefined, messages: readonly ChatMessage[] | undefined, width: number, chalk: ChalkInstance): string {
  const entries = examplesIn(messages);
  const ids = memoryExamples ?? [];
  const count = Math.max(ids.length, entries.length);
  if (count === 0) return '';
  const lines = [chalk.bold(`Examples from the memory (${count} approved message(s) to other people)`)];
  for (let i = 0; i < count; i++) {
    const e = entries[i];
    const id = ids[i] === undefined ? '#?' : `#${ids[i]}`;
    const who = e ? [fieldOf(e.recipient, ROLE), fieldOf(e.recipient, COMPANY)].filter((x): x is string => Boolean(x?.trim())).join(' · ') : '';
    const subject = e?.subject !== undefined ? `“${e.subject}”` : e ? excerpt(e.body, 60) : '(not in the recorded prompt)';
    const head = `  ${id.padEnd(8)}`;
    lines.push(`${chalk.dim(head)}${excerpt(`${who || '(no role or company)'} — ${subject}`, Math.max(20, width - head.length))}`);
  }
  return lines.join('\n');
}
