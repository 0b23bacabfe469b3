// Two draftsmith processes share one memory (WAL and the busy timeout make the second wait, not
// fail), and a process killed in the middle of an import leaves a consistent database: every
// batch is in whole or not at all.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../src/io/memory/memory-store.js';
import { loadSqlite } from '../../../src/io/memory/load-sqlite.js';
import { repoRoot } from '../../helpers/cli.js';
import { useTempDir } from '../../helpers/temp-dir.js';

const tmp = useTempDir('memory-processes-');
const writer = path.join(repoRoot, 'test/helpers/memory-writer.ts');

function startWriter(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', writer, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done, output: () => stdout };
}

describe('processes sharing the memory', () => {
  it('two processes writing at once both succeed', async () => {
    const file = path.join(tmp.path, 'shared', 'memory.db');
    const runs = [startWriter([file, 'approvals', '300', 'one']), startWriter([file, 'import', '5', 'two']), startWriter([file, 'approvals', '300', 'three'])];
    const results = await Promise.all(runs.map((r) => r.done));
    for (const r of results) expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const store = (await MemoryStore.open(file))!;
    expect(store.stats().messages).toMatchObject({ approved: 600, received: 500 });
    store.close();
  }, 60_000);

  it('kill -9 in the middle of an import leaves whole batches and a sound file', async () => {
    const file = path.join(tmp.path, 'killed', 'memory.db');
    const run = startWriter([file, 'import', '0', 'k']);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no batches: ${run.output()}`)), 30_000);
      run.child.stdout.on('data', () => {
        if ((run.output().match(/batch/g) ?? []).length >= 3) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    run.child.kill('SIGKILL');
    const result = await run.done;
    expect(result.signal).toBe('SIGKILL');
    const db = (await loadSqlite()).open(file);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const count = (db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n;
    db.close();
    expect(count).toBeGreaterThanOrEqual(300);
    expect(count % 100).toBe(0);
    const store = (await MemoryStore.open(file))!;
    expect(store.importBatch([{ contentHash: 'after', direction: 'sent', address: 'z@example.org', at: '2026-01-01T00:00:00Z', subject: 's', text: 't', source: 'x' }]).added).toBe(1);
    store.close();
  }, 60_000);
});
