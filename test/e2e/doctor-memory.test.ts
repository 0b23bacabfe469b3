// doctor's memory line through the built binary: the module loads, the path, the schema, the mode.
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/io/memory/memory-store.js';
import { SCHEMA_VERSION } from '../../src/io/memory/schema.js';
import { cliLoadsMemory, runCli } from '../helpers/cli.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tmp = useTempDir('doctor-memory-');
const memoryLine = (stdout: string) => stdout.split('\n').find((l) => /^(ok|warn|fail)\s+memory\s/.test(l)) ?? '';
// Nothing answers there, fast: doctor's engine checks do not slow these tests down.
const offline = ['--engine', 'ollama', '--host', 'http://127.0.0.1:9'];

describe.skipIf(!cliLoadsMemory())('doctor checks the memory', () => {
  it('none yet: ok, names the path and that --no-memory turns it off; creates nothing', async () => {
    const file = path.join(tmp.path, 'none', 'memory.db');
    const r = await runCli(['doctor', ...offline, '--memory', file]);
    expect(memoryLine(r.stdout)).toMatch(new RegExp(`^ok\\s+memory\\s+none yet at ${file} .*--no-memory.*; SQLite 3\\.`));
    expect(existsSync(path.dirname(file))).toBe(false);
  });

  it('an existing memory: schema and mode; a mode others can read is a warning with the chmod', async () => {
    const file = path.join(tmp.path, 'there', 'memory.db');
    (await MemoryStore.open(file, { create: true }))!.close();
    const ok = await runCli(['doctor', ...offline], { env: { DRAFTSMITH_MEMORY: file } });
    expect(memoryLine(ok.stdout)).toMatch(new RegExp(`^ok\\s+memory\\s+${file}, schema ${SCHEMA_VERSION} \\(this draftsmith writes ${SCHEMA_VERSION}\\), mode 0600; SQLite`));
    chmodSync(file, 0o644);
    const loose = await runCli(['doctor', ...offline, '--memory', file]);
    expect(memoryLine(loose.stdout)).toMatch(/^warn\s+memory\s+.*mode 0644.*the file is 0644, readable by others; fix: chmod 600 '/);
  });

  it('a file that is not a memory: fail, and doctor is not ready because of it', async () => {
    const file = path.join(tmp.dir('junk'), 'memory.db');
    writeFileSync(file, 'hello '.repeat(200));
    const r = await runCli(['doctor', ...offline, '--memory', file]);
    expect(memoryLine(r.stdout)).toMatch(/^fail\s+memory\s+.* is not a draftsmith memory; fix: point --memory/);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toMatch(/^not ready: the memory cannot be read; /);
    expect(r.code).toBe(1);
  });
});
