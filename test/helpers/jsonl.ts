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
