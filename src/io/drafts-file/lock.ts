// One writer per drafts file: `<drafts>.lock`, created exclusively (0600), holding who owns it.
// A lock left by a process that died (kill -9, power loss) is detected and replaced. A pid alone
// does not say "died": the number may since belong to another program, so the lock also records
// the process's identity where /proc gives one (boot id + start time), else the check falls back to
// what the pid's command line is. A lock from another host is never taken over: its pid means
// nothing here. The random token lets release() remove only the lock this process wrote.
import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { LockedError } from '../../core/errors.js';
import { PRIVATE_FILE_MODE } from '../private-files.js';
import { isPidAlive, processCommandLine, processIdentity } from './process-info.js';

interface LockInfo {
  pid: number;
  host: string;
  started: string;
  /** Unique per acquisition: whose lock this is, for release. */
  token?: string;
  /** processIdentity(pid) when the lock was taken; absent off Linux and in older locks. */
  process?: string;
}

/** Releases the lock; safe to call twice. `sync` is for exit handlers, where nothing async runs. */
export type ReleaseLock = (() => Promise<void>) & { sync: () => void };

export function lockPathFor(draftsPath: string): string {
  return `${draftsPath}.lock`;
}

export async function acquireLock(draftsPath: string): Promise<ReleaseLock> {
  const file = lockPathFor(draftsPath);
  const name = path.basename(draftsPath);
  const identity = processIdentity(process.pid);
  const mine: LockInfo = {
    pid: process.pid,
    host: hostname(),
    started: new Date().toISOString(),
    token: randomBytes(8).toString('hex'),
    ...(identity ? { process: identity } : {}),
  };
  // A few rounds: another process may take over the same stale lock between our unlink and create.
  for (let round = 0; round < 5; round++) {
    if (createLockFile(file, mine)) return releaser(file, mine);
    const holder = await readHolder(file);
    if (holder === 'gone') continue;
    if (holder && holder.host && holder.host !== mine.host) {
      throw new LockedError(`${name} is locked by draftsmith on host ${holder.host} (pid ${holder.pid})`, {
        hint: `wait for it to finish there; if ${holder.host} is not running draftsmith on this file, delete ${name}.lock`,
      });
    }
    if (holder && holderRuns(holder)) {
      throw new LockedError(`another draftsmith (pid ${holder.pid}) is using ${name}`, {
        hint: `wait for it to finish, or stop it; if no draftsmith is running, delete ${name}.lock`,
      });
    }
    // Stale (its process is gone or the pid is now another program's) or unreadable: take it over.
    try {
      unlinkSync(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  throw new LockedError(`could not lock ${name}: other processes keep taking it`, {
    hint: 'make sure only one draftsmith uses this drafts file, then try again',
  });
}

/** Creates the lock file holding `info`; false when one exists already. */
function createLockFile(file: string, info: LockInfo): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', PRIVATE_FILE_MODE);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    fchmodSync(fd, PRIVATE_FILE_MODE); // exactly 0600, whatever the umask
    writeSync(fd, `${JSON.stringify(info)}\n`);
  } catch (err) {
    closeSync(fd);
    unlinkSync(file);
    throw err;
  }
  closeSync(fd);
  return true;
}

function releaser(file: string, mine: LockInfo): ReleaseLock {
  let released = false;
  const sync = (): void => {
    if (released) return;
    released = true;
    try {
      // Only remove our own lock: a stale-lock takeover (or a user) may have replaced it.
      const info = parseInfo(readFileSync(file, 'utf8'));
      if (info?.token === mine.token) unlinkSync(file);
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
      return {
        pid: v.pid,
        host: String(v.host ?? ''),
        started: String(v.started ?? ''),
        ...(typeof v.token === 'string' ? { token: v.token } : {}),
        ...(typeof v.process === 'string' ? { process: v.process } : {}),
      };
    }
  } catch {
    // fall through
  }
  return undefined;
}

/** Whether the lock's process (on this host) still runs: same pid, and still the same program. */
function holderRuns(info: LockInfo): boolean {
  if (!isPidAlive(info.pid)) return false;
  const now = processIdentity(info.pid);
  if (info.process && now) return now === info.process;
  // No identity recorded (an older lock, or written off Linux): a pid now running something that
  // is not Node is not a draftsmith. Where /proc says nothing, a live pid counts as the holder.
  const command = processCommandLine(info.pid);
  return command === undefined || /node|draftsmith/i.test(command);
}
