// JSONL as the tests read it: a file or a string, blank lines ignored.
import { readFileSync } from 'node:fs';

export function parseJsonl(text: string): Record<string, any>[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l));
}

export function readJsonl(file: string): Record<string, any>[] {
  return parseJsonl(readFileSync(file, 'utf8'));
}

/**
 * A drafts file's draft, edit and decision records, as `review` and `export` see them: the shared
 * prompt lines ({"type":"prompt"}) are folded back into the messages that name them; the file's
 * bookkeeping (source, roster, inputs) is left out.
 */
export function readDrafts(file: string): Record<string, any>[] {
  const prompts = new Map<string, string>();
  const out: Record<string, any>[] = [];
  for (const rec of readJsonl(file)) {
    if (rec.type === 'prompt') {
      prompts.set(rec.id, rec.content);
      continue;
    }
    if (rec.type !== 'draft' && rec.type !== 'edit' && rec.type !== 'decision') continue;
    if (Array.isArray(rec.messages)) {
      rec.messages = rec.messages.map((m: Record<string, string>) => (m.prompt !== undefined ? { role: m.role, content: prompts.get(m.prompt) } : m));
    }
    out.push(rec);
  }
  return out;
}
