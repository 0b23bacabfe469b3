// What `draft --dry-run` prints: exactly the messages that would be sent, per recipient, and the
// memory's ids of the earlier approvals they carry as examples; before them, each sentiment
// classification a run would ask first (issue 13: a dry run asks nothing, so the rules on an
// unanswered sentiment are shown as not firing).
import type { ChatMessage, GenerationOptions, JsonSchema } from '../core/engine.js';
import { stripControls, stripControlsInline } from '../core/text/sanitize.js';

export interface DryRunEntry {
  row: number;
  /** With variants: which one these messages draft (each variant's request is shown). */
  variant?: string;
  messages: ChatMessage[];
  schema: JsonSchema;
  options: GenerationOptions;
  /** The memory's message ids of the examples the messages carry (absent when none). */
  memoryExamples?: number[];
  /** The profile's rules that applied to this row, in order (absent when none). */
  rules?: string[];
  /** The classification requests a run would send before drafting this row, by source (`reply`, a column). */
  analysis?: AnalysisRequest[];
}

export interface AnalysisRequest {
  kind: 'sentiment';
  source: string;
  messages: ChatMessage[];
  schema: JsonSchema;
  options: GenerationOptions;
}

export function renderDryRun(entry: DryRunEntry, format: 'jsonl' | 'csv' | 'text'): string {
  if (format !== 'text') return `${JSON.stringify(entry)}\n`;
  const lines = [`===== row ${entry.row}${entry.variant !== undefined ? ` · variant ${stripControls(entry.variant)}` : ''} =====`];
  if (entry.rules?.length) lines.push(`(rules: ${stripControls(entry.rules.join(', '))})`);
  if (entry.memoryExamples?.length) lines.push(`(examples from the memory: ${entry.memoryExamples.map((id) => `#${id}`).join(', ')})`);
  for (const a of entry.analysis ?? []) {
    lines.push(`--- ${a.kind} of ${stripControlsInline(a.source)}: asked of the model first (not sent by a dry run; the rules on it are shown as not firing) ---`);
    for (const m of a.messages) lines.push(`--- ${a.kind} ${m.role} ---`, stripControls(m.content));
  }
  for (const m of entry.messages) {
    lines.push(`--- ${m.role} ---`, stripControls(m.content));
  }
  return `${lines.join('\n')}\n\n`;
}
