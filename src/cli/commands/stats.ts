// `draftsmith stats`: is drafting learning from the reviewer? Per campaign, in time order, what was
// approved as drafted or edited, the median edit share and the lint findings per draft
// (app/learning-stats.ts), as a table and a chart (ui/stats-report.ts), or JSON for scripts.
import path from 'node:path';
import { learningStats } from '../../app/learning-stats.js';
import type { MemoryFlag } from '../../app/open-memory.js';
import { stripControlsInline } from '../../core/text/sanitize.js';
import { renderStats, renderStatsNotes } from '../../ui/stats-report.js';
import { createUi } from '../../ui/terminal.js';
import type { CliIo } from '../streams.js';

export interface StatsFlags {
  profile?: string;
  format?: 'text' | 'json';
  /** --memory FILE (only read: stats writes nothing). */
  memory?: MemoryFlag;
}

export async function runStatsCommand(flags: StatsFlags, io: CliIo): Promise<void> {
  const warn = (w: string) => io.stderr.write(`draftsmith: warning: ${stripControlsInline(w)}\n`);
  const stats = await learningStats({ cwd: io.cwd, env: io.env, ...(flags.profile !== undefined ? { profile: flags.profile } : {}), memory: flags.memory }, warn);
  if (flags.format === 'json') {
    io.stdout.write(`${JSON.stringify(stats, null, 2)}\n`);
    return;
  }
  const ui = createUi({ env: io.env, stdout: io.stdout, stderr: io.stderr, quiet: false });
  const name = (file: string) => path.relative(io.cwd, file) || file;
  const view = {
    campaigns: stats.campaigns.map((c) => ({ ...c, name: name(c.file) })),
    missing: stats.missing.map(name),
    unlinted: stats.unlinted.map((u) => ({ name: name(u.file), reason: u.reason })),
    chalk: ui.chalk,
    fancy: ui.color && Boolean(io.stdout.isTTY),
    width: io.stdout.columns && io.stdout.columns > 0 ? io.stdout.columns : 80,
  };
  for (const line of renderStatsNotes(view)) io.stderr.write(`${line}\n`);
  if (!stats.memory) io.stderr.write('draftsmith: note: there is no memory yet: campaigns are counted from the approvals it records (`draftsmith approve`, `draftsmith review`).\n');
  io.stdout.write(`${renderStats(view).join('\n')}\n`);
}

