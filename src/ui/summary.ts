// The few lines printed (to stderr) when a draft run ends: what happened, where the drafts are,
// and the one thing to do next.
import type { ChalkInstance } from 'chalk';
import type { RetryCount } from '../core/drafting/retry-tally.js';
import type { RunSummary } from '../core/drafting/run-contract.js';
import type { HostTally } from '../core/drafting/host-pool.js';
import { stripControlsInline } from '../core/text/sanitize.js';
import { shellWord } from '../core/text/shell-word.js';
import { formatDuration } from './progress.js';

export interface SummaryOptions {
  /** The drafts file as the user should type it (relative when possible). */
  draftsFile: string;
  color: ChalkInstance;
  /** The command that re-runs (resumes) this draft; shown on failure or interruption. */
  resumeCommand?: string;
  /** How failed rows are retried, when not by re-running the same command (--batch-in: a new batch). */
  retryHow?: string;
  /** Lines about the list (repeats, orphans, stale decisions) and lint findings, shown before the drafts file. */
  lint?: string[];
  /** Suggest `draftsmith review` as the next step (else export). */
  review?: boolean;
  /** Failed rows listed by name before "... and N more". */
  maxFailures?: number;
  /** Recipients not drafted because the memory says not to contact them, or a rule (`rule`) skips them, with why. */
  excluded?: readonly { row: number; reason: string; rule?: string }[];
  /** How many of this run's planned rows each of the profile's rules applied to. */
  rules?: ReadonlyMap<string, number>;
}

export function renderSummary(summary: RunSummary, opts: SummaryOptions): string {
  const c = opts.color;
  const file = shellWord(opts.draftsFile);
  const counts = [
    `${c.green(String(summary.drafted))} drafted`,
    `${summary.cached} cached`,
    ...(summary.stale > 0 ? [c.yellow(`${summary.stale} stale`)] : []),
    ...(opts.excluded && opts.excluded.length > 0 ? [c.yellow(`${opts.excluded.length} excluded`)] : []),
    summary.failed > 0 ? c.red(`${summary.failed} failed`) : '0 failed',
    `in ${formatDuration(summary.wallMs)}`,
  ];
  if (summary.evalCount > 0 && summary.evalMs > 0) {
    counts.push(`${Math.round((summary.evalCount * 1000) / summary.evalMs)} tok/s`);
  }
  const title = summary.interrupted ? c.yellow('interrupted:') : summary.engineDown ? c.yellow('stopped:') : c.bold('done:');
  const lines = [`${title} ${counts.join(' · ')}`];
  if (summary.retries.length > 0) lines.push(c.yellow(renderRetries(summary.retries)));
  // Several hosts, and some model work done (a re-run with everything cached lists none).
  if (summary.hosts && summary.hosts.length > 1 && summary.hosts.some((h) => h.drafts + h.failures > 0)) lines.push(...renderHosts(summary.hosts));

  if (summary.failures.length > 0) {
    const max = opts.maxFailures ?? 10;
    lines.push(c.red('failed rows:'));
    for (const f of summary.failures.slice(0, max)) lines.push(`  row ${f.row}: ${stripControlsInline(f.error)}`);
    if (summary.failures.length > max) lines.push(`  ... and ${summary.failures.length - max} more (\`draftsmith status ${file}\`)`);
  }

  if (summary.cutRows.length > 0) {
    const rows = [...summary.cutRows].sort((a, b) => a - b);
    const shown = rows.slice(0, 10).join(', ') + (rows.length > 10 ? `, ... (+${rows.length - 10})` : '');
    lines.push(
      c.yellow(`${rows.length} draft(s) stopped at the token limit and may end mid-sentence: rows ${shown}`),
      '  raise model.num_predict in the profile, then re-run with --rows and --force to redraft them',
    );
  }
  if (opts.rules && opts.rules.size > 0) lines.push(`rules: ${[...opts.rules].map(([name, n]) => `${stripControlsInline(name)} ${n}`).join(' · ')} (rows planned this run)`);
  const byMemory = opts.excluded?.filter((e) => e.rule === undefined) ?? [];
  const byRule = opts.excluded?.filter((e) => e.rule !== undefined) ?? [];
  if (byMemory.length > 0) lines.push(...renderExcluded(byMemory, c));
  if (byRule.length > 0) lines.push(...renderSkipped(byRule, c));
  if (opts.lint) lines.push(...opts.lint);
  lines.push(`drafts: ${stripControlsInline(opts.draftsFile)}`);
  const rerun = opts.resumeCommand ? `: ${stripControlsInline(opts.resumeCommand)}` : '';
  if (summary.engineDown) {
    lines.push(`next: once the engine answers again, re-run the same command to finish; finished drafts are kept${rerun}`);
  } else if (summary.interrupted) {
    lines.push(`next: re-run the same command to finish; finished drafts are kept${rerun}`);
  } else if (summary.failed > 0) {
    lines.push(`next: ${opts.retryHow ?? 're-run the same command to retry only the failed rows'}${rerun}`);
  } else if (opts.review) {
    lines.push(`next: draftsmith review ${file}`);
  } else {
    lines.push(`next: draftsmith export ${file} --all --format csv --out drafts.csv`);
  }
  return `${lines.join('\n')}\n`;
}

/** The excluded recipients, each with why (the memory's reason is text from mail: stripped). */
function renderExcluded(excluded: readonly { row: number; reason: string }[], c: ChalkInstance, max = 10): string[] {
  const lines = [c.yellow(`${excluded.length} recipient(s) not drafted: the memory says not to contact them (recorded as excluded):`)];
  for (const e of excluded.slice(0, max)) lines.push(`  row ${e.row}: ${stripControlsInline(e.reason)}`);
  if (excluded.length > max) lines.push(`  ... and ${excluded.length - max} more`);
  lines.push('  `draftsmith history optin ADDR` makes a person contactable again; the next draft run drafts them');
  return lines;
}

/** The recipients a rule skipped: no request; `draft` evaluates the rules again every run. */
function renderSkipped(skipped: readonly { row: number; reason: string }[], c: ChalkInstance, max = 10): string[] {
  const lines = [c.yellow(`${skipped.length} recipient(s) skipped by a rule (recorded as excluded; the rules are checked again every run):`)];
  for (const e of skipped.slice(0, max)) lines.push(`  row ${e.row}: ${stripControlsInline(e.reason)}`);
  if (skipped.length > max) lines.push(`  ... and ${skipped.length - max} more`);
  return lines;
}

/** "12 retries (Cannot reach http://127.0.0.1:11434)"; several reasons: "(9 × A, 3 × B, ...)". */
function renderRetries(tally: RetryCount[]): string {
  const total = tally.reduce((n, t) => n + t.count, 0);
  const reasons =
    tally.length === 1
      ? stripControlsInline(tally[0]!.reason)
      : tally.slice(0, 3).map((t) => `${t.count} × ${stripControlsInline(t.reason)}`).join(', ') + (tally.length > 3 ? ', ...' : '');
  return `${total} ${total === 1 ? 'retry' : 'retries'} (${reasons})`;
}

/** One line per host: "  127.0.0.1:11434  40 drafts · 2 failures · avg 1.2s (set aside once)", aligned. */
function renderHosts(hosts: readonly HostTally[]): string[] {
  const labels = hosts.map((h) => stripControlsInline(h.label));
  const width = Math.max(...labels.map((l) => l.length));
  return [
    'hosts:',
    ...hosts.map((h, i) => {
      const parts = [`${h.drafts} draft${h.drafts === 1 ? '' : 's'}`, `${h.failures} failure${h.failures === 1 ? '' : 's'}`];
      if (h.drafts > 0) parts.push(`avg ${formatDuration(h.avgMs)}`);
      const aside = h.setAside > 0 ? ` (set aside ${h.setAside === 1 ? 'once' : `${h.setAside} times`})` : '';
      return `  ${labels[i]!.padEnd(width)}  ${parts.join(' · ')}${aside}`;
    }),
  ];
}
