// The import use case on a real memory (SQLite in a temporary folder): batches, a stop between
// them keeping what was committed, and the run after it finishing the job.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importHistory, type ImportHistoryOptions } from '../../src/app/import-history.js';
import { repoRoot } from '../helpers/cli.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tmp = useTempDir('draftsmith-import-app-');
const MAIL = path.join(repoRoot, 'test/fixtures/mail');

function options(memory: string, extra: Partial<ImportHistoryOptions> = {}): ImportHistoryOptions {
  return { files: ['takeout.mbox', 'thunderbird.mbox'], cwd: MAIL, env: {}, memory, direction: 'auto', me: ['sam@example.com'], notice: () => {}, ...extra };
}

describe('importHistory', () => {
  it('stops between batches when asked, keeps the committed ones, and a second run imports the rest', async () => {
    const memory = path.join(tmp.path, 'stop.db');
    let progressCalls = 0;
    const first = await importHistory(options(memory, { batchSize: 2, stopRequested: () => progressCalls >= 3, onProgress: () => progressCalls++ }));
    expect(first.interrupted).toBe(true);
    expect(first.read).toBe(3);
    expect(first.added).toBe(3);
    const second = await importHistory(options(memory, { batchSize: 2 }));
    expect(second.interrupted).toBe(false);
    expect(second.read).toBe(10);
    expect(second.duplicates).toBe(3);
    expect(second.added).toBe(7);
  });

  it('counts people across batches once: new the first time, known after', async () => {
    const memory = path.join(tmp.path, 'people.db');
    const first = await importHistory(options(memory, { batchSize: 1 }));
    expect(first.newPeople).toBe(8);
    expect(first.knownPeople).toBe(0);
    const again = await importHistory(options(memory, { batchSize: 3 }));
    expect([again.newPeople, again.knownPeople, again.added]).toEqual([0, 8, 0]);
  });

  it('reports progress by bytes, ending at the total', async () => {
    const seen: { bytes: number; totalBytes: number }[] = [];
    await importHistory(options(path.join(tmp.path, 'progress.db'), { onProgress: (p) => seen.push(p) }));
    const last = seen.at(-1)!;
    expect(last.bytes).toBe(last.totalBytes);
    expect(seen.every((p, i) => i === 0 || p.bytes >= seen[i - 1]!.bytes)).toBe(true);
  });
});
