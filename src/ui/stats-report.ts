// `stats` as text: one line per campaign (drafts, approved as they were, edited, skipped, the median
// share of words a reviewer changed, lint findings per draft), then a bar per campaign of that edit
// share and a one-line verdict, so a user sees at a glance whether drafts need fewer edits over
// time. Bars are block characters on a colour terminal, `#` otherwise (NO_COLOR, a pipe). Pure
// strings; the paths are the caller's to shorten, and are stripped of terminal controls here.
import type { ChalkInstance } from 'chalk';
import { stripControlsInline } from '../core/text/sanitize.js';
import { renderVariantRate, type VariantRate } from '../core/decisions/variant-rates.js';

/** What one campaign's line needs (app/learning-stats.ts CampaignStats). */
export interface CampaignLine {
  name: string;
  startedAt?: string;
  drafts: number;
  approvedUnedited: number;
  approvedEdited: number;
  skipped: number;
  medianEditShare: number | null;
  lintPerDraft: number | null;
  /** Per variant name of the campaign's drafts made in variants: offered and approved. */
  variants?: VariantRate[];
}

export interface StatsView {
  campaigns: CampaignLine[];
  missing: string[];
  unlinted: { name: string; reason: string }[];
  chalk: ChalkInstance;
  /** Block characters and colour (a colour terminal); `#` bars otherwise. */
  fancy: boolean;
  width: number;
}

const pct = (x: number | null): string => (x === null ? '-' : `${Math.round(x * 100)}%`);

export function renderStats(v: StatsView): string[] {
  if (v.campaigns.length === 0) return ['no campaigns to show yet: approve (or edit and approve) drafts with the memory on, then run `draftsmith stats` again.'];
  const names = v.campaigns.map((c) => stripControlsInline(c.name));
  const nameWidth = Math.min(40, Math.max(8, ...names.map((n) => n.length)));
  const header = `${'campaign'.padEnd(nameWidth)}  ${'started'.padEnd(10)}  drafts  approved  edited  skipped  median edit  lint/draft`;
  const lines = [v.chalk.bold(header)];
  v.campaigns.forEach((c, i) => {
    const cells = [
      cut(names[i]!, nameWidth).padEnd(nameWidth),
      (c.startedAt ?? '').slice(0, 10).padEnd(10),
      String(c.drafts).padStart(6),
      String(c.approvedUnedited).padStart(8),
      String(c.approvedEdited).padStart(6),
      String(c.skipped).padStart(7),
      pct(c.medianEditShare).padStart(11),
      (c.lintPerDraft === null ? '-' : c.lintPerDraft.toFixed(2)).padStart(10),
    ];
    lines.push(cells.join('  '));
  });
  return [...lines, ...renderVariantRates(v.campaigns, names), '', ...renderEditChart(v, names, nameWidth)];
}

/** Which angle works: each campaign's approval rate per variant, for campaigns drafted in variants. */
function renderVariantRates(campaigns: readonly CampaignLine[], names: readonly string[]): string[] {
  const lines: string[] = [];
  campaigns.forEach((c, i) => {
    if (c.variants?.length) lines.push(`  ${names[i]} variants: ${c.variants.map((r) => stripControlsInline(renderVariantRate(r))).join(', ')}`);
  });
  return lines.length ? ['', 'approval rate per variant (approved with it / recipients offered it):', ...lines] : [];
}

/** A bar per campaign of its median edit share, and whether it falls over time. */
export function renderEditChart(v: Pick<StatsView, 'campaigns' | 'chalk' | 'fancy' | 'width'>, names: string[], nameWidth: number): string[] {
  const barWidth = Math.max(10, Math.min(40, v.width - nameWidth - 8));
  const lines = ['median share of words changed by the reviewer, per campaign (shorter is better):'];
  v.campaigns.forEach((c, i) => {
    const share = c.medianEditShare;
    const bar = share === null ? (v.fancy ? v.chalk.dim('no edited approvals') : 'no edited approvals') : renderBar(share, barWidth, v);
    lines.push(`  ${cut(names[i]!, nameWidth).padEnd(nameWidth)}  ${bar}${share === null ? '' : ` ${pct(share)}`}`);
  });
  lines.push(`  ${trend(v.campaigns.map((c) => c.medianEditShare))}`);
  return lines;
}

function renderBar(share: number, width: number, v: Pick<StatsView, 'chalk' | 'fancy'>): string {
  const cells = share * width;
  if (!v.fancy) return '#'.repeat(Math.round(cells)).padEnd(width, '.');
  // Eighths of a cell, so small differences still show.
  const full = Math.floor(cells);
  const part = Math.round((cells - full) * 8);
  const bar = '█'.repeat(full) + (part > 0 ? '▏▎▍▌▋▊▉'[part - 1] ?? '█' : '');
  return v.chalk.cyan(bar) + ' '.repeat(Math.max(0, width - [...bar].length));
}

/** The verdict: the last campaign with edited approvals against the first. */
export function trend(shares: readonly (number | null)[]): string {
  const known = shares.filter((s): s is number => s !== null);
  if (known.length < 2) return 'trend: needs two campaigns with edited approvals';
  const [first, last] = [known[0]!, known[known.length - 1]!];
  const points = Math.round((last - first) * 100);
  if (Math.abs(points) < 2) return `trend: about the same edits (${pct(first)} then ${pct(last)})`;
  return points < 0 ? `trend: fewer edits over time (${pct(first)} -> ${pct(last)}): drafts are closer to what the reviewer sends` : `trend: more edits over time (${pct(first)} -> ${pct(last)}): \`draftsmith learn\` shows what the reviewer keeps changing`;
}

/** For stderr: campaigns left out or not linted, and why. */
export function renderStatsNotes(v: Pick<StatsView, 'missing' | 'unlinted'>): string[] {
  const lines: string[] = [];
  for (const m of v.missing) lines.push(`draftsmith: note: ${stripControlsInline(m)} is gone (the memory still lists it); its campaign is left out`);
  for (const u of v.unlinted) lines.push(`draftsmith: note: ${stripControlsInline(u.name)}: not linted, ${stripControlsInline(u.reason)}`);
  return lines;
}

function cut(s: string, width: number): string {
  return s.length <= width ? s : `…${s.slice(s.length - width + 1)}`;
}
