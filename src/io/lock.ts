// One writer per drafts file: `<drafts>.lock`, created exclusively, holding who owns it.
// A lock left by a process that died (kill -9, power loss) is detected by its pid and replaced.
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { LockedError } from '../core/errors.js';

interface LockInfo {
  pid: number;
  host: string;
  started: string;
}

/** Releases the lock; safe to call twice. `sync` is for exit handlers, where nothing async runs. */
export type ReleaseLock = (() => Promise<void>) & { sync: () => void };

export function lockPathFor(draftsPath: string): string {
  return `${draftsPath}.lock`;
}

export async function acquireLock(draftsPath: string): Promise<ReleaseLock> {
  const file = lockPathFor(draftsPath);
  const mine: LockInfo = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
  // A few rounds: another process may take over the same stale lock between our unlink and create.
  for (let round = 0; round < 5; round++) {
    try {
      writeFileSync(file, `${JSON.stringify(mine)}\n`, { flag: 'wx' });
      return releaser(file, mine);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = await readHolder(file);
    if (holder === 'gone') continue;
    if (holder && isAlive(holder)) {
      const name = path.basename(draftsPath);
      throw new LockedError(`another draftsmith (pid ${holder.pid}) is using ${name}`, {
        hint: `wait for it to finish, or stop it; if no draftsmith is running, delete ${name}.lock`,
      });
    }
    // Stale (its process is gone) or unreadable: take it over.
    try {
      unlinkSync(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  throw new LockedError(`could not lock ${path.basename(draftsPath)}: other processes keep taking it`, {
    hint: 'make sure only one draftsmith uses this drafts file, then try again',
  });
}

function releaser(file: string, mine: LockInfo): ReleaseLock {
  let released = false;
  const sync = (): void => {
    if (released) return;
    released = true;
    try {
      // Only remove our own lock: a stale-lock takeover may have replaced it.
      const text = readFileSync(file, 'utf8');
      const info = parseInfo(text);
      if (info && info.pid === mine.pid && info.started === mine.started) unlinkSync(file);
    } catch {
      // Already gone: nothing to release.
    }
  };
  return Object.assign(async () => sync(), { sync });
}

/** The holder, undefined when unreadable, 'gone' when the file vanished meanwhile. */
async function readHolder(file: string): Promise<LockInfo | undefined | 'gone'> {
  for (let tries = 0; tries < 2; tries++) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
      throw err;
    }
    const info = parseInfo(text);
    if (info) return info;
    // Created but not yet written by its owner: look once more before calling it broken.
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return undefined;
}

function parseInfo(text: string): LockInfo | undefined {
  try {
    const v = JSON.parse(text) as Partial<LockInfo>;
    if (typeof v.pid === 'number' && Number.isInteger(v.pid) && v.pid > 0) {
      return { pid: v.pid, host: String(v.host ?? ''), started: String(v.started ?? '') };
    }
  } catch {
    // fall through
  }
  return undefined;
}

function isAlive(info: LockInfo): boolean {
  // A pid from another machine (shared folder) cannot be checked: assume it is alive.
  if (info.host && info.host !== hostname()) return true;
  try {
    process.kill(info.pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
