// What any polished CLI owes its users: --version, --help with examples for every command, usage
// errors with exit 2 and a pointer to help, and no crash when a pipe reader leaves early.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { binPath, repoRoot, runCli } from '../helpers/cli.js';

const STACK = /\n\s+at .+:\d+:\d+/;
const COMMANDS = ['draft', 'status', 'lint', 'export', 'review', 'approve', 'doctor', 'models'];

describe('draftsmith basics', () => {
  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(version);
  });

  it('--help lists every command with examples; each command has its own help with examples', async () => {
    const top = await runCli(['--help']);
    expect(top.code).toBe(0);
    for (const c of COMMANDS) expect(top.stdout).toMatch(new RegExp(`^\\s+${c} `, 'm'));
    expect(top.stdout).toMatch(/Examples:/);
    expect(top.stdout).toMatch(/Exit codes: 0 .* 1 .* 2 .* 130/);
    for (const c of COMMANDS) {
      const r = await runCli([c, '--help']);
      expect(r.code, c).toBe(0);
      expect(r.stdout, c).toMatch(/Example/);
    }
  });

  it('an unknown command or flag is a usage error (exit 2) that points at --help', async () => {
    const r = await runCli(['drafts']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--help/);
    const f = await runCli(['status', '--bogus']);
    expect(f.code).toBe(2);
    expect(f.stderr).toMatch(/unknown option '--bogus'/);
    expect(f.stderr).toMatch(/draftsmith status --help/);
    expect(r.stderr + f.stderr).not.toMatch(STACK);
  });

  it('does not crash when the reader of stdout leaves early (`--help | head -1`)', () => {
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${binPath}" --help | head -1; exit "\${PIPESTATUS:-0}"`], { encoding: 'utf8' });
    expect(r.stdout).toMatch(/^Usage: draftsmith/);
    expect(r.stderr).not.toMatch(/EPIPE|Unhandled|at /);
  });
});
