// `draftsmith history import` through the built binary, into a real memory (SQLite) in a
// temporary folder: what it reads, what the memory then knows, idempotence, bad input.
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_HISTORY_BUDGET } from '../../src/core/memory/records.js';
import { MemoryStore } from '../../src/io/memory/memory-store.js';
import { makeMbox } from '../../bench/import.js';
import { hasShared, repoRoot, runCli, sharedDir } from '../helpers/cli.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tmp = useTempDir('draftsmith-import-');
const MAIL = path.join(repoRoot, 'test/fixtures/mail');
const BOUNCE = path.join(sharedDir, 'realdata/mail-mailparser/delivery-status.eml');
let n = 0;

function memoryFile(): string {
  return path.join(tmp.path, `memory-${++n}.db`);
}

function importInto(memory: string, args: string[]) {
  return runCli(['history', 'import', ...args], { cwd: MAIL, env: { DRAFTSMITH_MEMORY: memory } });
}

async function withMemory<T>(file: string, fn: (store: MemoryStore) => T): Promise<T> {
  const store = await MemoryStore.open(file);
  expect(store, `memory at ${file}`).toBeDefined();
  try {
    return fn(store!);
  } finally {
    store!.close();
  }
}

const who = (email: string) => ({ key: `email:${email}`, email });
const figure = (stderr: string, label: string) => Number(new RegExp(`^  ${label}\\s+(\\d+)`, 'm').exec(stderr)?.[1]);

describe('history import (built binary)', () => {
  let memory = '';
  const files = ['takeout.mbox', 'thunderbird.mbox', 'eml', 'history.csv', ...(hasShared ? [BOUNCE] : [])];
  let first: Awaited<ReturnType<typeof runCli>>;

  beforeAll(async () => {
    memory = path.join(tmp.path, 'shared.db');
    first = await importInto(memory, [...files, '--me', 'sam@example.com']);
  });

  it('imports every source and says what it did', () => {
    expect(first.stderr).toContain('created the memory at');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe('');
    expect(figure(first.stderr, 'messages read')).toBe(hasShared ? 16 : 15);
    expect(figure(first.stderr, 'new messages')).toBe(15);
    expect(figure(first.stderr, 'duplicates')).toBe(0);
    expect(first.stderr).toMatch(/people\s+\d+ \(\d+ new, 0 already known\)/);
    expect(figure(first.stderr, 'opted out')).toBe(3);
    if (hasShared) expect(figure(first.stderr, 'undeliverable')).toBe(1);
    expect(first.stderr).toContain('thunderbird.mbox#5: no Date header: dated by its mbox From_ line');
  });

  it('the memory knows the people, their replies, opt-outs and the bounce', async () => {
    await withMemory(memory, (store) => {
      const ana = store.history(who('ana@example.org'), { ...DEFAULT_HISTORY_BUDGET, items: 10, sinceDays: 100_000 });
      expect(ana.map((h) => h.state).sort()).toEqual(['received', 'received', 'sent', 'sent']);
      expect(ana.map((h) => h.text)).toContain('Sounds good — Thursday works. The launch went well!');
      expect(store.suppression(who('lena@example.de'))).toMatchObject({ kind: 'opted-out' });
      expect(store.suppression(who('carl@example.com'))).toMatchObject({ kind: 'opted-out' });
      expect(store.suppression(who('ana@example.org'))).toMatchObject({ kind: 'opted-out' }); // the CSV's reply
      expect(store.suppression(who('bob@example.net'))).toBeUndefined(); // "not now"
      expect(store.suppression(who('dana@example.com'))).toBeUndefined(); // "unsubscribe" only in the quote
      if (hasShared) expect(store.suppression(who('xxxx@xxxx.com'))).toMatchObject({ kind: 'undeliverable' });
    });
  });

  it('importing the same files again adds nothing', async () => {
    const again = await importInto(memory, [...files, '--me', 'sam@example.com']);
    expect(again.code, again.stderr).toBe(0);
    expect(figure(again.stderr, 'new messages')).toBe(0);
    expect(figure(again.stderr, 'duplicates')).toBe(hasShared ? 16 : 15);
    expect(again.stderr).toMatch(/people\s+(\d+) \(0 new, \1 already known\)/);
    expect(again.stderr).not.toContain('created the memory');
  });
});

describe('history import: bad input', () => {
  it('a file that is not mail: exit 2 naming file and line, no memory created', async () => {
    const memory = memoryFile();
    const r = await importInto(memory, ['takeout.mbox', 'not-mail.txt', '--me', 'sam@example.com']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not-mail.txt:1: this is not a mail file');
    expect(r.stderr).toContain('hint:');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(memory)).toBe(false);
  });

  it('a file named .mbox that is not one: exit 2 with its line', async () => {
    const file = path.join(tmp.path, 'fake.mbox');
    writeFileSync(file, '\nname,email\nAna,ana@example.org\n');
    const r = await importInto(memoryFile(), [file, '--direction', 'received']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('fake.mbox:2:');
  });

  it('a history CSV with bad cells: every one named by line and field, nothing written', async () => {
    const memory = memoryFile();
    const r = await importInto(memory, ['history-bad.csv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('history-bad.csv:2: email: not an e-mail address');
    expect(r.stderr).toContain('line 3: date: not a date');
    expect(r.stderr).toContain('line 3: direction: expected sent or received');
    expect(existsSync(memory)).toBe(false);
  });

  it('a truncated mbox: what is there is imported, with a warning', async () => {
    const whole = readFileSync(path.join(MAIL, 'thunderbird.mbox'));
    const cut = path.join(tmp.path, 'cut.mbox');
    writeFileSync(cut, whole.subarray(0, whole.indexOf('This message has no Date header.') + 12));
    const r = await importInto(memoryFile(), [cut, '--me', 'sam@example.com']);
    expect(r.code, r.stderr).toBe(0);
    expect(figure(r.stderr, 'messages read')).toBe(5);
    expect(r.stderr).toContain('cut.mbox#5: the file ends in the middle of this message');
  });

  it('--no-memory is a usage error', async () => {
    const r = await importInto(memoryFile(), ['takeout.mbox', '--no-memory']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--no-memory makes no sense');
  });

  it('--direction auto without an own address: exit 2 with a hint', async () => {
    const r = await importInto(memoryFile(), ['takeout.mbox']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/needs your own address[\s\S]*--me/);
  });

  it('the profile sender.email counts as my address', async () => {
    const profile = path.join(tmp.path, 'p.yaml');
    writeFileSync(profile, 'goal: say hello\nsender:\n  name: Sam\n  email: Sam@Example.com\ntone: warm\n');
    const memory = memoryFile();
    const r = await importInto(memory, ['eml', '--profile', profile]);
    expect(r.code, r.stderr).toBe(0);
    await withMemory(memory, (store) => {
      const gus = store.history(who('gus@example.org'), { ...DEFAULT_HISTORY_BUDGET, sinceDays: 100_000 });
      expect(gus.map((h) => h.state)).toEqual(['sent', 'received']);
    });
  });
});

/** The plain progress line appears after a second: the import is under way. */
function underWay(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    const onData = (d: Buffer) => {
      if (d.toString().includes('importing:')) {
        child.stderr!.off('data', onData);
        resolve();
      }
    };
    child.stderr!.on('data', onData);
  });
}

describe('history import: Ctrl-C', () => {
  it('stops, exits 130, keeps the committed batches, and the next run imports the rest', async () => {
    const mbox = path.join(tmp.path, 'many.mbox');
    makeMbox(mbox, 8_000);
    const memory = memoryFile();
    const run = importInto(memory, [mbox, '--me', 'sam@example.com']);
    await underWay(run.child);
    run.child.kill('SIGINT');
    const r = await run;
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain('interrupted: every committed batch is kept');
    const kept = await withMemory(memory, (store) => store.stats().messages);
    const total = kept.sent + kept.received;
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThan(8_000);
    const rest = await importInto(memory, [mbox, '--me', 'sam@example.com', '--quiet']);
    expect(rest.code, rest.stderr).toBe(0);
    expect(figure(rest.stderr, 'duplicates')).toBe(total);
    expect(figure(rest.stderr, 'new messages')).toBe(8_000 - total);
  }, 120_000);
});

describe('history import: kill -9', () => {
  it('leaves a sound memory holding whole batches, and the next run imports exactly the rest', async () => {
    const mbox = path.join(tmp.path, 'killed.mbox');
    makeMbox(mbox, 8_000);
    const memory = memoryFile();
    const run = importInto(memory, [mbox, '--me', 'sam@example.com']);
    await underWay(run.child);
    run.child.kill('SIGKILL');
    const r = await run;
    expect(r.signal ?? r.code).toBe('SIGKILL');
    const db = new Database(memory, { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
    const kept = await withMemory(memory, (store) => store.stats().messages);
    const total = kept.sent + kept.received;
    const rest = await importInto(memory, [mbox, '--me', 'sam@example.com', '--quiet']);
    expect(rest.code, rest.stderr).toBe(0);
    expect(figure(rest.stderr, 'duplicates')).toBe(total);
    expect(figure(rest.stderr, 'new messages')).toBe(8_000 - total);
  }, 120_000);
});
