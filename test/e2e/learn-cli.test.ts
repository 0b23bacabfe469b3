// `draftsmith learn` as a user runs it (the built binary): its help, and --apply where there is no
// terminal to ask on. The learning itself is test/integration/learn.test.ts (in-process, a real
// memory) and test/e2e/learning.test.ts (two campaigns end to end).
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('draftsmith learn (binary)', () => {
  it('is listed in --help after approve, with its own help and examples; --apply without a terminal needs --yes (exit 2, nothing read)', async () => {
    const [top, help, apply] = await Promise.all([runCli(['--help']), runCli(['learn', '--help']), runCli(['learn', '--apply'])]);
    expect(top.stdout).toMatch(/^\s+approve .*\n(?:.*\n)*?\s+learn \[options\]\s+propose tone-profile changes/m);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Examples:\n  \$ draftsmith learn\n  \$ draftsmith learn --profile profile.yaml\n/);
    for (const flag of ['-p, --profile <file>', '-f, --format <format>', '--apply', '-y, --yes', '--all', '--memory <file>']) expect(help.stdout).toContain(flag);
    expect(apply.code).toBe(2);
    expect(apply.stdout).toBe('');
    expect(apply.stderr).toMatch(/learn --apply asks about each proposal on a terminal/);
    expect(apply.stderr).toMatch(/--yes to accept every proposal shown/);
  });
});
