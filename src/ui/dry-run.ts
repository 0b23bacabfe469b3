// What `draft --dry-run` prints: exactly the messages that would be sent, per recipient.
import type { ChatMessage, GenerationOptions, JsonSchema } from '../core/engine.js';
import { stripControls } from '../core/text/sanitize.js';

export interface DryRunEntry {
  row: number;
  messages: ChatMessage[];
  schema: JsonSchema;
  options: GenerationOptions;
}

export function renderDryRun(entry: DryRunEntry, format: 'jsonl' | 'csv' | 'text'): string {
  if (format !== 'text') return `${JSON.stringify(entry)}\n`;
  const lines = [`===== row ${entry.row} =====`];
  for (const m of entry.messages) {
    lines.push(`--- ${m.role} ---`, stripControls(m.content));
  }
  return `${lines.join('\n')}\n\n`;
}
