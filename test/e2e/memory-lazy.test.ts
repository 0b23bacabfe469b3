// better-sqlite3 is a native module: `--help` and commands that never touch the memory must not
// load it (start-up time), and a command that does loads it only then.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliLoadsMemory, repoRoot, runCli } from '../helpers/cli.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tmp = useTempDir('memory-lazy-');
const preload = path.join(repoRoot, 'test/helpers/trace-sqlite.cjs');

async function loads(args: string[], name: string): Promise<{ code: number | null; loaded: boolean }> {
  const trace = path.join(tmp.path, `${name}.trace`);
  const r = await runCli(args, { env: { NODE_OPTIONS: `--require ${preload}`, TRACE_SQLITE_FILE: trace } });
  return { code: r.code, loaded: existsSync(trace) && readFileSync(trace, 'utf8').includes('better-sqlite3') };
}

describe.skipIf(!cliLoadsMemory())('loading the memory lazily', () => {
  it('--help, draft --help, history forget --help and profile init do not load better-sqlite3; history optout does', async () => {
    expect(await loads(['--help'], 'help')).toEqual({ code: 0, loaded: false });
    expect(await loads(['draft', '--help'], 'draft-help')).toEqual({ code: 0, loaded: false });
    expect(await loads(['history', 'forget', '--help'], 'history-help')).toEqual({ code: 0, loaded: false });
    expect(await loads(['profile', 'init', '-'], 'profile')).toEqual({ code: 0, loaded: false });
    const memory = path.join(tmp.path, 'm', 'memory.db');
    expect(await loads(['history', 'optout', 'ana@example.org', '--memory', memory], 'optout')).toEqual({ code: 0, loaded: true });
  });
});
