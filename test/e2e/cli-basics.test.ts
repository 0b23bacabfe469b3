// What any polished CLI owes its users: --version, --help with examples for every command, usage
// errors in its own words with exit 2 and a pointer to help, and no crash when a pipe reader leaves
// early.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { binPath, cliNode, repoRoot, runCli } from '../helpers/cli.js';

const COMMANDS = ['draft', 'status', 'lint', 'export', 'review', 'approve', 'doctor', 'models'];

describe('draftsmith basics', () => {
  it('--version prints the package version on stdout, nothing on stderr, exit 0', async () => {
    const { version } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(version);
    expect(r.stderr).toBe('');
  });

  it('--help lists every command, examples and the exit codes; each command and profile subcommand has its own help with examples', async () => {
    const top = await runCli(['--help']);
    expect(top.code).toBe(0);
    expect(top.stderr).toBe('');
    for (const c of COMMANDS) expect(top.stdout).toMatch(new RegExp(`^\\s+${c} `, 'm'));
    expect(top.stdout).toMatch(/Examples:/);
    expect(top.stdout).toMatch(/Exit codes: 0 .* 1 .* 2 .* 130/);
    for (const c of [...COMMANDS, 'profile init', 'profile check']) {
      const r = await runCli([...c.split(' '), '--help']);
      expect(r.code, c).toBe(0);
      expect(r.stderr, c).toBe('');
      expect(r.stdout, c).toMatch(/Examples?:\n  \$ draftsmith /);
    }
  });

  it('approve --help describes --clean and, like review --help, says the profile defaults to the one the drafts were made with', async () => {
    const approve = (await runCli(['approve', '--help'])).stdout;
    expect(approve).not.toMatch(/needs --profile/);
    expect(flagLine(approve, '--clean')).toBe('--clean approve every undecided draft the lint has no finding about, warnings included');
    expect(flagLine(approve, '-p, --profile')).toMatch(/default: the one the drafts were made with/);
    const review = (await runCli(['review', '--help'])).stdout;
    expect(flagLine(review, '-p, --profile')).toBe('-p, --profile <file> tone profile to lint and regenerate with (default: the one the drafts were made with)');
  });

  it.each([
    [['draft', 'leads.csv'], "required option '-p, --profile <file>' not specified", 'see `draftsmith draft --help`.'],
    [['status', '--bogus'], "unknown option '--bogus'", 'see `draftsmith status --help`.'],
    [['draft', 'leads.csv', '-p', 'p.yaml', '--limt', '3'], "unknown option '--limt'", 'did you mean --limit? See `draftsmith draft --help`.'],
    [['drafts'], "unknown command 'drafts'", 'did you mean draft? See `draftsmith --help`.'],
    [['profile', 'check'], "missing required argument 'file'", 'see `draftsmith profile check --help`.'],
    [['draft', 'leads.csv', '-p', 'p.yaml', '--limit', '0'], "option '--limit <n>' argument '0' is invalid. expected 1 or more.", 'see `draftsmith draft --help`.'],
  ])('%j: a usage error in draftsmith\'s own words, with a hint, exit 2', async (args, message, hint) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`draftsmith: error: ${message}\n  hint: ${hint}\n`);
  });

  it('does not crash when the reader of stdout leaves early (`--help | head -1`): the first line, exit 0, nothing on stderr', () => {
    const r = spawnSync('bash', ['-c', `"${cliNode}" "${binPath}" --help | head -1; exit "\${PIPESTATUS[0]}"`], { encoding: 'utf8' });
    expect(r.stdout).toMatch(/^Usage: draftsmith/);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('exits 0, quietly, when stdout is closed before it writes (EPIPE)', async () => {
    const run = runCli(['--help']);
    run.child.stdout!.destroy(); // the reader is gone before the CLI has even started
    const r = await run;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});

/** The help of one flag, its description's wrapped lines joined, runs of spaces made one. */
function flagLine(help: string, flag: string): string {
  const lines = help.split('\n');
  const at = lines.findIndex((l) => l.trimStart().startsWith(flag));
  expect(at, flag).toBeGreaterThanOrEqual(0);
  const out = [lines[at]!.trim()];
  for (const l of lines.slice(at + 1)) {
    if (!/^ {20,}\S/.test(l)) break;
    out.push(l.trim());
  }
  return out.join(' ').replace(/\s+/g, ' ');
}
