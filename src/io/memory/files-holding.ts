// After `forget`: which of the drafts files and exports the memory noted still hold one of the
// erased addresses. Read as bytes in chunks (a large export is never loaded whole), compared
// without regard to ASCII case; an export folder (eml) is looked through file by file.
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { NotedFile } from '../../core/memory/reports.js';

export type { NotedFile };

/** The noted files (or folders) that exist and contain any of the needles. */
export async function filesHolding(files: readonly NotedFile[], needles: readonly string[]): Promise<NotedFile[]> {
  const wanted = needles.filter((n) => n !== '').map(folded);
  if (wanted.length === 0) return [];
  const out: NotedFile[] = [];
  for (const file of files) {
    if (await holds(file.path, wanted)) out.push(file);
  }
  return out;
}

async function holds(target: string, needles: readonly string[]): Promise<boolean> {
  const info = await stat(target).catch(() => undefined);
  if (!info) return false;
  if (info.isFile()) return fileHolds(target, needles);
  if (!info.isDirectory()) return false;
  for (const entry of await readdir(target, { withFileTypes: true })) {
    if (entry.isFile() && (await fileHolds(path.join(target, entry.name), needles))) return true;
  }
  return false;
}

async function fileHolds(file: string, needles: readonly string[]): Promise<boolean> {
  const overlap = Math.max(...needles.map((n) => n.length)) - 1;
  let tail = '';
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
      const text = tail + folded(chunk as Buffer);
      if (needles.some((n) => text.includes(n))) return true;
      tail = overlap > 0 ? text.slice(-overlap) : '';
    }
  } catch {
    return false; // unreadable: not ours to judge
  }
  return false;
}

/** Bytes as latin1 (one character per byte), ASCII letters lower-cased: the same on both sides. */
function folded(data: Buffer | string): string {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return bytes.toString('latin1').replace(/[A-Z]+/g, (s) => s.toLowerCase());
}
