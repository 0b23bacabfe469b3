// The review screen as plain strings: position line, recipient card, the draft wrapped to the
// terminal width, lint findings. Every CSV value and model text goes through stripControls here,
// so nothing a contact list or a model wrote can move the cursor, retitle the window or write the
// clipboard. Pure apart from chalk (a colour level chosen by the caller).
import type { ChalkInstance } from 'chalk';
import type { ChatMessage } from '../../core/engine.js';
import type { HistoryItem, Suppression } from '../../core/memory/records.js';
import { stripControls, stripControlsInline } from '../../core/text/sanitize.js';
import { renderExamples } from './examples-card.js';
import { renderHistory, renderSuppression } from './history-card.js';
import type { ReviewCounts, ReviewPosition } from './session.js';

export interface Finding {
  level: 'error' | 'warning';
  code: string;
  message: string;
}

export interface ShownDraft {
  subject?: string;
  body: string;
  /** The profile's own answer fields (output.fields), by name: shown under the body. */
  fields?: Record<string, string>;
}

export interface DraftScreen {
  row: number;
  position: ReviewPosition;
  counts: ReviewCounts;
  recipient: Record<string, string>;
  isPrivate: (header: string) => boolean;
  /** Undefined for a failed row (nothing was drafted). */
  draft: ShownDraft | undefined;
  /** Why drafting failed, for a failed row. */
  error?: string;
  findings: readonly Finding[];
  version: number;
  /** The recipient's status as stored (drafted, approved, ...). */
  status: string;
  /** This version was written by a person. */
  edited?: boolean;
  /** Decided or edited, and the inputs changed since (profile, row, model...). */
  stale?: boolean;
  /** The last interactions with this person in other campaigns (the memory), newest first. */
  history?: readonly HistoryItem[];
  /** The person replied (this ISO time) after this draft was made: stale by a reply. */
  repliedAt?: string;
  /** On the do-not-contact list. */
  suppression?: Suppression;
  /** The profile's rules that applied to this draft (record.rules), in order. */
  rules?: readonly string[];
  /** The catalog picks the draft's prompt offered (ui/review/catalog-card.ts), '' or absent without a catalog. */
  picks?: string;
  /** The sentiment the rules read, per source (`reply` or a column), as the draft recorded it. */
  sentiment?: Readonly<Record<string, { label: string; confidence?: number }>>;
  /** One line about what just happened (regenerated, edit cancelled...). */
  notice?: string;
  /** A draft made in variants: their names, and which one (1-based) is on screen. */
  variants?: { names: readonly string[]; shown: number };
  width: number;
  chalk: ChalkInstance;
}

const KEYS = 'a approve · e edit · r regenerate · s skip · b back · v view row and prompt · q save and quit (letter, then Enter)';

const CARD_FIRST = ['name', 'full_name', 'first_name', 'last_name', 'company', 'organization', 'role', 'title', 'email'];

export function renderPosition(pos: ReviewPosition, counts: ReviewCounts, row: number, chalk: ChalkInstance): string {
  const head = chalk.bold(`Draft ${pos.index} of ${pos.total}`);
  const tally = `approved ${counts.approved} · skipped ${counts.skipped} · left ${counts.left}`;
  return `${head}  ${chalk.dim(`(row ${row})`)}  ${tally}`;
}

/** Name, company and role first, then the other columns; private ones marked. */
export function renderRecipientCard(
  recipient: Record<string, string>,
  isPrivate: (header: string) => boolean,
  width: number,
  chalk: ChalkInstance,
  opts: { all?: boolean } = {},
): string {
  const headers = Object.keys(recipient);
  const rank = (h: string) => {
    const i = CARD_FIRST.indexOf(snake(h));
    return i < 0 ? CARD_FIRST.length : i;
  };
  const ordered = headers
    .map((h, i) => ({ h, i }))
    .sort((a, b) => rank(a.h) - rank(b.h) || a.i - b.i)
    .map((x) => x.h)
    .filter((h) => opts.all || recipient[h]!.trim() !== '');
  const labels = ordered.map((h) => stripControlsInline(h));
  const labelWidth = Math.min(24, Math.max(0, ...labels.map((l) => l.length)));
  const lines = ordered.map((h, i) => {
    const label = labels[i]!.padEnd(labelWidth);
    const mark = isPrivate(h) ? chalk.yellow(' (private, never sent)') : '';
    const valueWidth = Math.max(20, width - labelWidth - 4);
    const value = stripControlsInline(recipient[h]!);
    const shown = opts.all ? value : truncate(value, valueWidth - (mark ? 22 : 0));
    return `  ${chalk.cyan(label)}  ${shown}${mark}`;
  });
  return lines.join('\n');
}

/** Subject and body, wrapped to the width; the body keeps its own line breaks. */
export function renderDraftText(draft: ShownDraft, width: number, chalk: ChalkInstance): string {
  const out: string[] = [];
  if (draft.subject !== undefined) {
    out.push(...wrapText(`Subject: ${stripControlsInline(draft.subject)}`, width).map((l) => chalk.bold(l)));
    out.push('');
  }
  out.push(...wrapText(stripControls(draft.body), width));
  const fields = Object.entries(draft.fields ?? {});
  if (fields.length > 0) out.push('');
  // Model output, like the body: no control sequence reaches the terminal, nor a newline that fakes a line of the card.
  for (const [name, value] of fields) out.push(...wrapText(`${chalk.cyan(`${stripControlsInline(name)}:`)} ${stripControlsInline(value)}`, width));
  return out.join('\n');
}

/** Errors first, then warnings; each on its own line. */
export function renderFindings(findings: readonly Finding[], chalk: ChalkInstance): string {
  if (findings.length === 0) return chalk.green('lint: no findings');
  const sorted = [...findings].sort((a, b) => levelRank(a.level) - levelRank(b.level));
  return sorted
    .map((f) => {
      const tag = f.level === 'error' ? chalk.red('error  ') : chalk.yellow('warning');
      return `  ${tag} ${stripControlsInline(f.message)} ${chalk.dim(`[${stripControlsInline(f.code)}]`)}`;
    })
    .join('\n');
}

/** `reply negative (0.91), notes mixed`: what the model read in the texts the rules look at. */
export function renderSentiment(sentiment: DraftScreen['sentiment']): string | undefined {
  const entries = Object.entries(sentiment ?? {});
  if (entries.length === 0) return undefined;
  const one = ([source, s]: [string, { label: string; confidence?: number }]) => `${source} ${s.label}${s.confidence === undefined ? '' : ` (${s.confidence.toFixed(2)})`}`;
  return stripControlsInline(entries.map(one).join(', '));
}

export function renderScreen(s: DraftScreen): string {
  const { chalk, width } = s;
  const rule = chalk.dim('─'.repeat(Math.max(10, Math.min(width, 100))));
  const parts = [renderPosition(s.position, s.counts, s.row, chalk)];
  if (s.notice) parts.push(chalk.magenta(stripControlsInline(s.notice)));
  parts.push(rule, renderRecipientCard(s.recipient, s.isPrivate, width, chalk));
  if (s.suppression) parts.push(renderSuppression(s.suppression, chalk));
  if (s.rules?.length) parts.push(`${chalk.dim('rules:')} ${stripControlsInline(s.rules.join(', '))}`);
  const sentiment = renderSentiment(s.sentiment);
  if (sentiment) parts.push(`${chalk.dim('sentiment:')} ${sentiment}`);
  const earlier = renderHistory(s.history ?? [], width, chalk);
  if (earlier) parts.push(earlier);
  parts.push(rule);
  const marks = [
    s.edited ? 'edited by you' : '',
    s.stale ? chalk.yellow('stale: its inputs changed since it was drafted') : '',
    s.repliedAt ? chalk.yellow(`stale: they replied on ${stripControlsInline(s.repliedAt.slice(0, 10))}, after this draft`) : '',
  ].filter(Boolean);
  const meta = chalk.dim([`version ${s.version}`, s.status, ...marks].join(' · '));
  if (s.variants) parts.push(renderVariantBar(s.variants, chalk), '');
  if (s.draft) parts.push(renderDraftText(s.draft, width, chalk), '', meta);
  if (s.picks) parts.push(s.picks);
  else parts.push(chalk.red(`drafting failed: ${stripControlsInline(s.error ?? 'unknown error')}`), chalk.dim('regenerate (r) or skip (s)'));
  parts.push(rule, renderFindings(s.findings, chalk), '', chalk.dim(KEYS));
  return `${parts.join('\n')}\n`;
}

/** `variant 2 of 3: story    1 short · [2 story] · 3 data  (a number shows that one; a approves the one shown)` */
export function renderVariantBar(v: { names: readonly string[]; shown: number }, chalk: ChalkInstance): string {
  const name = (i: number) => stripControlsInline(v.names[i] ?? '');
  const all = v.names.map((_, i) => (i + 1 === v.shown ? chalk.bold(`[${i + 1} ${name(i)}]`) : `${i + 1} ${name(i)}`)).join(' · ');
  return `${chalk.bold(`variant ${v.shown} of ${v.names.length}: ${name(v.shown - 1)}`)}    ${all}  ${chalk.dim(`(1-${v.names.length} shows that one; a approves the one shown)`)}`;
}

/** `v`: every column of the row and the exact messages sent to the model. */
export function renderFullView(
  recipient: Record<string, string>,
  isPrivate: (header: string) => boolean,
  messages: readonly ChatMessage[] | undefined,
  width: number,
  chalk: ChalkInstance,
  memoryExamples?: readonly number[],
): string {
  const parts = [chalk.bold('Recipient row'), renderRecipientCard(recipient, isPrivate, width, chalk, { all: true }), ''];
  const examples = renderExamples(memoryExamples, messages, width, chalk);
  if (examples) parts.push(examples, '');
  parts.push(chalk.bold('Prompt sent to the model'));
  if (!messages || messages.length === 0) parts.push('  (not recorded)');
  for (const m of messages ?? []) {
    parts.push(chalk.cyan(`[${m.role}]`), ...wrapText(stripControls(m.content), width), '');
  }
  return `${parts.join('\n')}\n`;
}

/**
 * Greedy word wrap to `width` columns. Existing newlines are kept; words longer than a line are
 * cut. Counts UTF-16 units, which is close enough for the mostly-Latin text of a draft.
 */
export function wrapText(text: string, width: number): string[] {
  const w = Math.max(10, width);
  const out: string[] = [];
  for (const para of text.split('\n')) {
    const words = para.split(/ +/).filter((x, i) => x !== '' || i === 0);
    let line = '';
    for (let word of words) {
      while (word.length > w) {
        if (line) {
          out.push(line);
          line = '';
        }
        out.push(word.slice(0, w));
        word = word.slice(w);
      }
      if (!line) line = word;
      else if (line.length + 1 + word.length <= w) line += ` ${word}`;
      else {
        out.push(line);
        line = word;
      }
    }
    out.push(line);
  }
  return out;
}

function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, Math.max(1, max - 1))}…`;
}

function levelRank(level: string): number {
  return level === 'error' ? 0 : 1;
}

function snake(h: string): string {
  return h
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
}
