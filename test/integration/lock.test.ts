// The drafts file's lock, on its own: who may take a lock over (a dead holder, a pid reused by
// another program) and who may not (a live draftsmith, any holder on another host); release
// removes only our own lock; the file is 0600. Real processes stand in for holders.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LockedError } from '../../src/core/errors.js';
import { acquireLock } from '../../src/io/drafts-file/lock.js';
import { processIdentity } from '../../src/io/drafts-file/process-info.js';

let dir: string;
let drafts: string;
let lock: string;
const children: ChildProcess[] = [];
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'draftsmith-lock-'));
  drafts = path.join(dir, 'leads.drafts.jsonl');
  lock = `${drafts}.lock`;
});
afterEach(() => {
  vi.restoreAllMocks();
  for (const c of children.splice(0)) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** A live process: `node` sleeping (what a draftsmith looks like) or `sleep` (another program). */
async function live(kind: 'node' | 'sleep'): Promise<number> {
  const child = kind === 'node' ? spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' }) : spawn('sleep', ['30'], { stdio: 'ignore' });
  children.push(child);
  await new Promise((resolve) => child.once('spawn', resolve));
  // After spawn the pid may still show the forking parent's command line for a moment.
  for (let i = 0; i < 50 && !readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').includes(kind === 'node' ? '-e' : '30'); i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return child.pid!;
}

function plant(info: Record<string, unknown>): void {
  writeFileSync(lock, JSON.stringify({ host: os.hostname(), started: '2020-01-01T00:00:00.000Z', token: 'theirs', ...info }));
}

const holder = () => JSON.parse(readFileSync(lock, 'utf8')) as Record<string, unknown>;

async function refusal(): Promise<LockedError> {
  const err = await acquireLock(drafts).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(LockedError);
  return err as LockedError;
}

describe('acquireLock', () => {
  it('writes a 0600 lock naming this process, whatever the umask, and release removes it', async () => {
    const old = process.umask(0o022);
    try {
      const release = await acquireLock(drafts);
      expect(statSync(lock).mode & 0o777).toBe(0o600);
      expect(holder()).toMatchObject({ pid: process.pid, host: os.hostname() });
      expect(holder().token).toMatch(/^[0-9a-f]{16}$/);
      await release();
      expect(existsSync(lock)).toBe(false);
    } finally {
      process.umask(old);
    }
  });

  it('records this process’s identity (boot id and start time), so a later run can tell a reused pid', async () => {
    const release = await acquireLock(drafts);
    expect(holder().process).toBe(processIdentity(process.pid));
    await release();
  });

  it('refuses a lock its owner created but had not written yet when first read', async () => {
    writeFileSync(lock, '');
    // The owner (a live draftsmith: this process, under another token) writes it a moment later.
    setTimeout(() => plant({ pid: process.pid, process: processIdentity(process.pid) }), 10);
    await refusal();
    expect(holder().token).toBe('theirs');
  });

  it.each([
    ['no JSON at all', 'garbage'],
    ['no pid', JSON.stringify({ host: os.hostname() })],
    ['pid 0 (kill(0) would signal our own group)', JSON.stringify({ pid: 0, host: os.hostname() })],
    ['a negative pid', JSON.stringify({ pid: -1, host: os.hostname() })],
    ['a fractional pid', JSON.stringify({ pid: 1.5, host: os.hostname() })],
    ['a pid written as a string', JSON.stringify({ pid: String(process.pid), host: os.hostname() })],
  ])('takes over a lock that names no owner: %s', async (_label, text) => {
    writeFileSync(lock, text);
    const release = await acquireLock(drafts);
    expect(holder().pid).toBe(process.pid);
    await release();
  });

  it('reports a drafts file in a missing folder as such, not as a lock held by others', async () => {
    const err = await acquireLock(path.join(dir, 'no-such-folder', 'x.drafts.jsonl')).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ENOENT' });
  });

  it('takes over a lock whose pid now belongs to another program, even a Node one (its start time differs)', async () => {
    const pid = await live('node');
    plant({ pid, process: 'some-boot-id/12345' });
    const release = await acquireLock(drafts);
    expect(holder().pid).toBe(process.pid);
    await release();
  });

  it('takes over an older lock without a start time when its pid runs something that is not draftsmith', async () => {
    plant({ pid: await live('sleep') });
    const release = await acquireLock(drafts);
    expect(holder().pid).toBe(process.pid);
    await release();
  });

  it('refuses a lock held by a live draftsmith whose start time matches', async () => {
    const pid = await live('node');
    const identity = processIdentity(pid);
    expect(identity).toMatch(/^[0-9a-f-]+\/\d+$/);
    plant({ pid, process: identity });
    const err = await refusal();
    expect(err.message).toBe(`another draftsmith (pid ${pid}) is using leads.drafts.jsonl`);
    expect(err.hint).toContain('delete leads.drafts.jsonl.lock');
    expect(holder().pid).toBe(pid); // left alone
  });

  it('refuses a lock this very process holds under another token (a second store in one process)', async () => {
    plant({ pid: process.pid, process: processIdentity(process.pid) });
    await refusal();
    expect(holder().token).toBe('theirs');
  });

  it('never takes over a lock from another host, even when that pid is not alive here', async () => {
    plant({ pid: 99_999_999, host: 'build-box.example' });
    const err = await refusal();
    expect(err.message).toBe('leads.drafts.jsonl is locked by draftsmith on host build-box.example (pid 99999999)');
    expect(err.hint).toBe('wait for it to finish there; if build-box.example is not running draftsmith on this file, delete leads.drafts.jsonl.lock');
    expect(holder().host).toBe('build-box.example');
  });

  it('reads EPERM from kill(pid, 0) as "alive" (someone else\'s process), not as a dead holder', async () => {
    const pid = await live('node');
    plant({ pid, process: processIdentity(pid) });
    vi.spyOn(process, 'kill').mockImplementation(() => {
      throw Object.assign(new Error('kill EPERM'), { code: 'EPERM' });
    });
    await refusal();
    expect(holder().pid).toBe(pid);
  });
});

describe('release', () => {
  it('leaves a lock that is no longer ours, even one with our pid and start time', async () => {
    const release = await acquireLock(drafts);
    // Someone replaced it meanwhile (a takeover, or a user deleting it and another run taking it).
    const ours = holder();
    writeFileSync(lock, JSON.stringify({ ...ours, token: 'someone-else' }));
    await release();
    expect(existsSync(lock)).toBe(true);
    expect(holder().token).toBe('someone-else');
  });
});
