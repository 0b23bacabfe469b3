import { describe, expect, it } from 'vitest';
import { memoryCheck, memoryUsable, type MemoryFact } from '../../src/core/memory/memory-check.js';

const loads = { loads: true as const, binding: 'default', sqlite: '3.50.4' };
const fact = (over: Partial<MemoryFact>): MemoryFact => ({ path: '/m/memory.db', module: loads, schema: 1, ...over });

describe('memoryCheck', () => {
  it.each([
    ['none yet', fact({}), 'ok', /^none yet at \/m\/memory.db .*; SQLite 3.50.4$/, undefined, true],
    ['private', fact({ file: { mode: 0o600, dirMode: 0o700, schemaVersion: 1 } }), 'ok', /^\/m\/memory.db, schema 1 \(this draftsmith writes 1\), mode 0600; SQLite 3.50.4$/, undefined, true],
    ['the ABI folder binary', fact({ module: { ...loads, binding: '/x/node-v137-linux-x64/better_sqlite3.node' } }), 'ok', /from \/x\/node-v137-linux-x64\/better_sqlite3.node$/, undefined, true],
    ['a loose file', fact({ file: { mode: 0o644, dirMode: 0o700, schemaVersion: 1 } }), 'warn', /the file is 0644, readable by others$/, "chmod 600 '/m/memory.db'", true],
    ['a loose folder', fact({ file: { mode: 0o600, dirMode: 0o755, schemaVersion: 1 } }), 'warn', /its folder is 0755/, 'chmod 700 its folder', true],
    ['not a memory', fact({ file: { mode: 0o600, dirMode: 0o700, error: '/m/memory.db is not a draftsmith memory', hint: 'point --memory elsewhere' } }), 'fail', /^\/m\/memory.db is not a draftsmith memory$/, 'point --memory elsewhere', false],
    ['no module', fact({ module: { loads: false, error: 'NODE_MODULE_VERSION 115', hint: 'run `npm rebuild better-sqlite3`' } }), 'fail', /does not load: NODE_MODULE_VERSION 115/, 'run `npm rebuild better-sqlite3`', false],
  ] as const)('%s', (_name, f, level, detail, fix, usable) => {
    const check = memoryCheck(f);
    expect(check.name).toBe('memory');
    expect(check.level).toBe(level);
    expect(check.detail).toMatch(detail);
    expect(check.fix).toBe(fix);
    expect(memoryUsable(f)).toBe(usable);
  });
});
