// Which memory a command opens, and how: --memory wins over $DRAFTSMITH_MEMORY over the data folder;
// the first write creates it with a notice; --no-memory never creates one and only reads.
import { existsSync } from 'node:fs';
import path from 'node:path';
import envPaths from 'env-paths';
import { describe, expect, it } from 'vitest';
import { memoryPath, openMemory } from '../../../src/app/open-memory.js';
import { useTempDir } from '../../helpers/temp-dir.js';

const tmp = useTempDir('open-memory-');

describe('memoryPath', () => {
  it.each([
    ['--memory wins', 'given.db', { DRAFTSMITH_MEMORY: '/env/m.db', XDG_DATA_HOME: '/xdg' }, '/cwd/given.db'],
    ['then $DRAFTSMITH_MEMORY, against cwd', undefined, { DRAFTSMITH_MEMORY: 'rel/m.db', XDG_DATA_HOME: '/xdg' }, '/cwd/rel/m.db'],
    ['--no-memory still names the file it reads', false, { DRAFTSMITH_MEMORY: '/env/m.db' }, '/env/m.db'],
    ['an empty variable is no setting', undefined, { DRAFTSMITH_MEMORY: ' ', XDG_DATA_HOME: '/xdg' }, process.platform === 'linux' ? '/xdg/draftsmith/memory.db' : undefined],
  ] as const)('%s', (_name, flag, env, expected) => {
    if (expected === undefined) return;
    expect(memoryPath(flag, env, '/cwd')).toBe(expected);
  });

  it("defaults to env-paths' data folder", () => {
    const env = { ...process.env, DRAFTSMITH_MEMORY: undefined };
    expect(memoryPath(undefined, env, '/cwd')).toBe(path.join(envPaths('draftsmith', { suffix: '' }).data, 'memory.db'));
  });
});

describe('openMemory', () => {
  it("'write' creates the memory once, with a notice saying where it is and how to turn it off or erase it", async () => {
    const file = path.join(tmp.path, 'w', 'memory.db');
    const notices: string[] = [];
    const deps = { env: { DRAFTSMITH_MEMORY: file }, cwd: tmp.path, notice: (m: string) => notices.push(m) };
    const first = (await openMemory(undefined, deps, 'write'))!;
    expect(first.full).toBe(true);
    first.store.close();
    (await openMemory(undefined, deps, 'write'))!.store.close();
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain(file);
    expect(notices[0]).toContain('--no-memory');
    expect(notices[0]).toContain('draftsmith history forget');
    expect(notices[0]).toContain('deleting the file');
  });

  it("'read' and --no-memory never create one; --no-memory opens an existing one read-only", async () => {
    const file = path.join(tmp.path, 'r', 'memory.db');
    const deps = { env: {}, cwd: tmp.path, notice: () => expect.fail('no notice') };
    expect(await openMemory(file, deps, 'read')).toBeUndefined();
    expect(await openMemory(false, { ...deps, env: { DRAFTSMITH_MEMORY: file } }, 'write')).toBeUndefined();
    expect(existsSync(path.dirname(file))).toBe(false);
    const made = (await openMemory(file, { ...deps, notice: () => {} }, 'write'))!;
    made.store.optOut('ana@example.org', 'history optout');
    made.store.close();
    const off = (await openMemory(false, { ...deps, env: { DRAFTSMITH_MEMORY: file } }, 'write'))!;
    expect(off.full).toBe(false);
    expect(off.store.suppression({ key: 'email:ana@example.org', email: 'ana@example.org' })?.kind).toBe('opted-out');
    expect(() => off.store.noteFile('/x', 'drafts')).toThrow(/readonly/i);
    off.store.close();
  });
});
