import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DecisionRecord, DraftRecord, JournalRecord } from '../../src/core/decisions/records.js';
import { InputError, LockedError } from '../../src/core/errors.js';
import { DraftsStore } from '../../src/io/drafts-file/store.js';
import { readDrafts } from '../helpers/jsonl.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'draftsmith-store-'));
  file = path.join(dir, 'leads.drafts.jsonl');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function draft(row: number, over: Partial<DraftRecord> = {}): DraftRecord {
  return {
    type: 'draft',
    key: `k${row}`,
    row,
    fingerprint: `fp-${row}`,
    status: 'drafted',
    recipient: { Name: `Person ${row}`, Notes: 'multi\nline' },
    subject: `Hello ${row}`,
    body: `Dear ${row},\nthanks.`,
    engine: 'fake',
    model: 'fake-model',
    messages: [{ role: 'user', content: `row:${row}` }],
    version: 1,
    timing: { ms: 12, evalCount: 30, tokensPerSecond: 50 },
    at: '2025-03-01T10:00:00.000Z',
    ...over,
  };
}

const line = (rec: JournalRecord) => `${JSON.stringify(rec)}\n`;

/** Every draft, edit and decision in the file, shared prompts filled in (what a reader sees). */
async function collect(store: DraftsStore): Promise<JournalRecord[]> {
  return readDrafts(store.path) as JournalRecord[];
}

describe('DraftsStore', () => {
  it("recordedProfile: the source record's profile; else the first draft in row order that names one", async () => {
    writeFileSync(file, [draft(3, { profile: '/p/three.yaml' }), draft(1), draft(2, { profile: '/p/two.yaml' })].map(line).join(''));
    const store = await DraftsStore.open(file);
    // Row 1 was regenerated without one (as review once wrote): the file's profile is not lost.
    expect(store.recordedProfile()).toBe('/p/two.yaml');
    store.append({ type: 'source', csv: '/d/leads.csv', header: ['Name'], profile: '/p/one.yaml', at: 'x' });
    expect(store.recordedProfile()).toBe('/p/one.yaml');
    await store.close();
    const again = await DraftsStore.open(file);
    expect(again.recordedProfile()).toBe('/p/one.yaml');
    expect(again.source()).toMatchObject({ csv: '/d/leads.csv', header: ['Name'] });
    await again.close();
    writeFileSync(file, '');
    const empty = await DraftsStore.open(file);
    expect(empty.recordedProfile()).toBeUndefined();
    await empty.close();
  });

  it('round-trips records, multibyte text included, by exact byte offsets', async () => {
    const records = [
      draft(1, { body: 'Grüße aus Köln — 日本語のテキスト 🎉', recipient: { Name: 'Zoë Ørsted' } }),
      draft(2, { body: 'plain' }),
      draft(3, { body: '😀'.repeat(500), subject: 'Ünïcödé' }),
      draft(2, { body: 'second version — ñ', version: 2, fingerprint: 'fp-2b' }),
    ];
    const store = await DraftsStore.open(file, { create: true, lock: true });
    for (const r of records) store.append(r);
    // Readable at once, in the same session.
    expect(store.readDraft('k1')).toEqual(records[0]);
    expect(store.readDraft('k2')).toEqual(records[3]);
    await store.close();

    const again = await DraftsStore.open(file);
    expect(again.warnings).toEqual([]);
    expect(again.recipients().map((s) => [s.row, s.version, s.fingerprint])).toEqual([
      [1, 1, 'fp-1'],
      [2, 2, 'fp-2b'],
      [3, 1, 'fp-3'],
    ]);
    expect(again.readDraft('k1')).toEqual(records[0]);
    expect(again.readDraft('k2')).toEqual(records[3]);
    expect(again.readDraft('k3')).toEqual(records[2]);
    expect(again.readDraft('k4')).toBeUndefined();
    expect(await collect(again)).toEqual(records);
    await again.close();
    expect(readFileSync(file, 'utf8').split('\n')).toHaveLength(records.length + 1);
  });

  it('an edit is a new version: it withdraws the approval and its text is what read() gives', async () => {
    const store = await DraftsStore.open(file, { create: true });
    store.append(draft(1));
    store.append({ type: 'decision', key: 'k1', row: 1, status: 'approved', version: 1, at: 'a' });
    expect(store.get('k1')).toMatchObject({ status: 'approved', version: 1, edited: false });
    store.append({ type: 'edit', key: 'k1', row: 1, version: 2, subject: 'Mine', body: 'mine ✍️', at: 'b' });
    await store.close();
    const again = await DraftsStore.open(file);
    expect(again.get('k1')).toMatchObject({ status: 'drafted', version: 2, edited: true });
    expect(again.read('k1')?.text).toEqual({ subject: 'Mine', body: 'mine ✍️' });
    expect(again.readDraft('k1')).toEqual(draft(1));
    // An approval of the older version does not come back.
    again.append({ type: 'decision', key: 'k1', row: 1, status: 'approved', version: 1, at: 'c' });
    expect(again.get('k1')?.status).toBe('drafted');
    again.append({ type: 'decision', key: 'k1', row: 1, status: 'approved', version: 2, at: 'd' });
    expect(again.get('k1')).toMatchObject({ status: 'approved', version: 2, edited: true });
    await again.close();
  });

  it('a roster marks recipients no longer in the CSV as orphaned and gives the others their row now', async () => {
    const store = await DraftsStore.open(file, { create: true });
    for (const r of [1, 2, 3]) store.append(draft(r));
    store.append({ type: 'roster', keys: ['k1', 'k3', 'k9'], at: 'x' });
    const rows = () => store.recipients().map((s) => [s.key, s.row, s.orphaned]);
    expect(rows()).toEqual([['k1', 1, false], ['k3', 2, false], ['k2', 2, true]]);
    expect(store.roster()?.size).toBe(3);
    // A draft for a recipient of that roster, written after it: in the list at its row.
    store.append(draft(3, { key: 'k9', fingerprint: 'fp-9' }));
    expect(store.get('k9')).toMatchObject({ row: 3, orphaned: false });
    await store.close();
    const again = await DraftsStore.open(file);
    expect(again.recipients().map((s) => [s.key, s.row, s.orphaned])).toEqual([['k1', 1, false], ['k3', 2, false], ['k9', 3, false], ['k2', 2, true]]);
    await again.close();
  });

  it('tolerates a torn last line: warns, and the next append starts on a clean line', async () => {
    writeFileSync(file, line(draft(1)) + line(draft(2)) + JSON.stringify(draft(3)).slice(0, 57));
    const store = await DraftsStore.open(file, { create: true, lock: true });
    expect(store.warnings).toHaveLength(1);
    expect(store.warnings[0]).toContain(':3:');
    expect(store.recipients().map((s) => s.row)).toEqual([1, 2]);
    store.append(draft(4, { body: 'après' }));
    expect(store.readDraft('k4')?.body).toBe('après');
    await store.close();

    const again = await DraftsStore.open(file);
    expect(again.warnings).toEqual([]);
    expect((await collect(again)).map((r) => r.row)).toEqual([1, 2, 4]);
    expect(again.readDraft('k4')).toEqual(draft(4, { body: 'après' }));
    await again.close();
  });

  it('keeps a torn line out of the file even when the first append comes from a lock-free open', async () => {
    writeFileSync(file, line(draft(1)) + '{"type":"draft","row":2,"fi');
    const store = await DraftsStore.open(file);
    expect(store.warnings).toHaveLength(1);
    store.append(draft(5));
    await store.close();
    const again = await DraftsStore.open(file);
    expect(again.recipients().map((s) => s.row)).toEqual([1, 5]);
    expect(again.readDraft('k5')).toEqual(draft(5));
    await again.close();
  });

  it('keeps a complete last record that lost only its newline, and appends after it', async () => {
    writeFileSync(file, line(draft(1)) + JSON.stringify(draft(2)));
    const store = await DraftsStore.open(file, { create: true });
    expect(store.warnings).toEqual([]);
    store.append(draft(3));
    await store.close();
    const again = await DraftsStore.open(file);
    expect((await collect(again)).map((r) => r.row)).toEqual([1, 2, 3]);
    expect(again.readDraft('k3')).toEqual(draft(3));
    await again.close();
  });

  it('skips blank lines and CRLF endings', async () => {
    writeFileSync(file, `${JSON.stringify(draft(1))}\r\n\n${JSON.stringify(draft(2, { body: 'ö' }))}\r\n`);
    const store = await DraftsStore.open(file);
    expect(store.readDraft('k2')).toEqual(draft(2, { body: 'ö' }));
    store.append(draft(3));
    await store.close();
    const again = await DraftsStore.open(file);
    expect(again.readDraft('k3')).toEqual(draft(3));
    await again.close();
  });

  it('refuses a corrupt line in the middle, naming file and line', async () => {
    writeFileSync(file, line(draft(1)) + line(draft(2)) + 'garbage {\n' + line(draft(3)));
    const err = await DraftsStore.open(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    const e = err as InputError;
    expect(e.location).toEqual({ file, line: 3 });
    expect(e.message).toContain('line 3');
    expect(e.hint).toMatch(/line 3/);
  });

  it('refuses a valid JSON line that is not a record, in the middle', async () => {
    writeFileSync(file, line(draft(1)) + '{"hello":1}\n' + line(draft(3)));
    const err = await DraftsStore.open(file, { lock: true, create: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).location?.line).toBe(2);
    // A failed open releases its lock.
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('says to run draft first when the file is missing', async () => {
    const err = await DraftsStore.open(file, { create: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).hint).toContain('draftsmith draft');
    expect(existsSync(file)).toBe(false);
  });

  it('creates the file when asked', async () => {
    const store = await DraftsStore.open(file, { create: true });
    expect(store.recipients()).toEqual([]);
    await store.close();
    expect(readFileSync(file, 'utf8')).toBe('');
  });

  it('stores a long system prompt once, in a prompt record before its first draft, and reads drafts back whole', async () => {
    const system = `You write short, warm emails.\n${'Rules and examples. '.repeat(60)}`;
    const other = `${system} A second profile.`;
    const withSystem = (row: number, content = system): DraftRecord =>
      draft(row, { messages: [{ role: 'system', content }, { role: 'user', content: `row:${row}` }] });
    const store = await DraftsStore.open(file, { create: true });
    for (const row of [1, 2, 3]) store.append(withSystem(row));
    store.append(withSystem(4, other));
    store.append(draft(5, { messages: [{ role: 'system', content: 'Short system.' }, { role: 'user', content: 'row:5' }] }));

    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.type)).toEqual(['prompt', 'draft', 'draft', 'draft', 'prompt', 'draft', 'draft']);
    expect(lines[0].content).toBe(system);
    expect(lines[4].content).toBe(other);
    expect(lines[1].messages[0]).toEqual({ role: 'system', prompt: lines[0].id });
    expect(lines[5].messages[0]).toEqual({ role: 'system', prompt: lines[4].id });
    expect(lines[6].messages[0]).toEqual({ role: 'system', content: 'Short system.' }); // short ones stay inline
    // Each of the three drafts is far smaller than the prompt it names.
    for (const l of lines.slice(1, 4)) expect(JSON.stringify(l).length).toBeLessThan(system.length / 2);

    expect(store.readDraft('k2')?.messages).toEqual(withSystem(2).messages);
    await store.close();

    // A later run (a fresh open) finds the prompt by its position, and reuses it for new drafts.
    const again = await DraftsStore.open(file, { create: true });
    expect(again.readDraft('k3')?.messages).toEqual(withSystem(3).messages);
    expect(again.readDraft('k4')?.messages).toEqual(withSystem(4, other).messages);
    again.append(withSystem(6));
    await again.close();
    const after = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(after.filter((l) => l.type === 'prompt')).toHaveLength(2);
    expect(after.at(-1).messages[0]).toEqual({ role: 'system', prompt: lines[0].id });

    const all = await collect(await DraftsStore.open(file));
    expect(all.map((r) => r.row)).toEqual([1, 2, 3, 4, 5, 6]);
    expect((all[5] as DraftRecord).messages).toEqual(withSystem(6).messages);
  });

  it('a draft naming a prompt the file lacks (hand-edited) reads back with a note, not an error', async () => {
    const rec = { ...draft(1), messages: [{ role: 'system', prompt: '0123456789abcdef' }, { role: 'user', content: 'row:1' }] };
    writeFileSync(file, line(rec as unknown as JournalRecord));
    const store = await DraftsStore.open(file);
    expect(store.readDraft('k1')?.messages?.[0]).toEqual({ role: 'system', content: '[prompt 0123456789abcdef is missing from the drafts file]' });
    expect(store.get('k1')?.status).toBe('drafted');
    await store.close();
  });

  it('loads many records (row state only) and reads any of them back', async () => {
    const text: string[] = [];
    for (let row = 1; row <= 20_000; row++) text.push(line(draft(row, { body: `körper ${row} ✓` })));
    writeFileSync(file, text.join(''));
    const store = await DraftsStore.open(file);
    expect(store.recipients()).toHaveLength(20_000);
    for (const row of [1, 777, 12_345, 20_000]) expect(store.readDraft(`k${row}`)?.body).toBe(`körper ${row} ✓`);
    await store.close();
  });
});

describe('drafts file lock', () => {
  function spawnSleeper(ms: number) {
    return spawn(process.execPath, ['-e', `setTimeout(() => {}, ${ms})`], { stdio: 'ignore' });
  }

  it('refuses while a live process holds the lock', async () => {
    const child = spawnSleeper(10_000);
    try {
      const lock = { pid: child.pid, host: (await import('node:os')).hostname(), started: new Date().toISOString() };
      writeFileSync(`${file}.lock`, JSON.stringify(lock));
      const err = await DraftsStore.open(file, { create: true, lock: true }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LockedError);
      expect((err as LockedError).message).toContain(`pid ${child.pid}`);
      expect((err as LockedError).message).toContain('leads.drafts.jsonl');
      expect((err as LockedError).hint).toContain('leads.drafts.jsonl.lock');
      // The other process's lock is left alone.
      expect(JSON.parse(readFileSync(`${file}.lock`, 'utf8')).pid).toBe(child.pid);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('takes over a stale lock left by a dead process, and releases it on close', async () => {
    const child = spawnSleeper(0);
    const deadPid = child.pid;
    await new Promise((resolve) => child.on('exit', resolve));
    writeFileSync(`${file}.lock`, JSON.stringify({ pid: deadPid, host: (await import('node:os')).hostname(), started: 'x' }));
    const store = await DraftsStore.open(file, { create: true, lock: true });
    expect(JSON.parse(readFileSync(`${file}.lock`, 'utf8')).pid).toBe(process.pid);
    await store.close();
    expect(existsSync(`${file}.lock`)).toBe(false);
    await store.close(); // twice is fine
  });

  it('lets only one store in a process hold the lock; readers need none', async () => {
    const first = await DraftsStore.open(file, { create: true, lock: true });
    await expect(DraftsStore.open(file, { create: true, lock: true })).rejects.toBeInstanceOf(LockedError);
    const reader = await DraftsStore.open(file);
    await reader.close();
    expect(existsSync(`${file}.lock`)).toBe(true);
    await first.close();
    const second = await DraftsStore.open(file, { create: true, lock: true });
    await second.close();
  });

  it('recovers after a writer is killed with SIGKILL mid-stream', async () => {
    // The child writes like the store does (one write per full line, lock file with its pid), but
    // splits every third line in two writes so the kill can also land inside a line.
    const script = path.join(dir, 'writer.mjs');
    writeFileSync(
      script,
      `import { openSync, writeSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
const [file] = process.argv.slice(2);
writeFileSync(file + '.lock', JSON.stringify({ pid: process.pid, host: hostname(), started: 'now' }), { flag: 'wx' });
const fd = openSync(file, 'a');
for (let row = 1; ; row++) {
  const rec = { type: 'draft', key: 'k' + row, row, fingerprint: 'fp' + row, status: 'drafted', recipient: { Name: 'Zoë' },
    body: 'ü'.repeat(3000) + row, engine: 'fake', model: 'm', version: 1, timing: { ms: 1 }, at: 'now' };
  const buf = Buffer.from(JSON.stringify(rec) + '\\n');
  if (row === 5) process.stdout.write('ready\\n');
  if (row % 3 === 0) { writeSync(fd, buf.subarray(0, 100)); writeSync(fd, buf.subarray(100)); }
  else writeSync(fd, buf);
}
`,
    );
    const child = spawn(process.execPath, [script, file], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    await new Promise((resolve) => setTimeout(resolve, 30));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('exit', resolve));

    const store = await DraftsStore.open(file, { create: true, lock: true });
    const rows = store.recipients();
    expect(rows.length).toBeGreaterThanOrEqual(5);
    // Every complete record is there, contiguous from row 1, and reads back exactly.
    expect(rows.map((s) => s.row)).toEqual(Array.from({ length: rows.length }, (_, i) => i + 1));
    const lastRow = rows.length;
    expect(store.readDraft(`k${lastRow}`)?.body).toBe('ü'.repeat(3000) + lastRow);
    store.append(draft(lastRow + 1));
    await store.close();
    const again = await DraftsStore.open(file);
    expect(again.warnings).toEqual([]);
    expect(again.readDraft(`k${lastRow + 1}`)).toEqual(draft(lastRow + 1));
    await again.close();
  });
});

