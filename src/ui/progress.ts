// Run events -> what the person watching sees, on stderr. A terminal gets one live ora line
// (done/total, failures, retries, tokens/s, ETA); a pipe or a log file gets a plain line now and
// then, one line per failure, and one line the first time each kind of error is retried (later
// ones are only counted; the summary names them); --quiet gets nothing.
import type { Ora } from 'ora';
import { countRetry, type RetryCount } from '../core/drafting/retry-tally.js';
import type { RunEvent } from '../core/drafting/run-contract.js';
import { stripControlsInline } from '../core/text/sanitize.js';
import type { Ui } from './terminal.js';

export interface ProgressOptions {
  total: number;
  /** Rows already counted as done at the start; only for rows the runner will not report as 'cached'. */
  cached?: number;
  label?: string;
  /** Clock in ms (tests pass their own). */
  now?: () => number;
  /** Several hosts: the line adds each host's drafts per second. */
  perHost?: boolean;
}

export interface Progress {
  onEvent(e: RunEvent): void;
  stop(): void;
}

const SPINNER_EVERY_MS = 100;
const PLAIN_EVERY_MS = 2000;

/** Async only to load ora when a terminal will show it: pipes, logs and --quiet never pay its ~100 ms. */
export async function createProgress(ui: Ui, opts: ProgressOptions): Promise<Progress> {
  if (ui.quiet) return { onEvent() {}, stop() {} };
  const stats = new ProgressStats(opts.total, opts.cached ?? 0, opts.now ?? Date.now, opts.perHost);
  const label = opts.label ?? 'drafting';
  // ora moves the cursor: it needs a real tty.WriteStream, not merely something claiming isTTY,
  // with a known width (ora divides by `columns`: a pty reporting 0 makes it loop forever).
  const tty = ui.stderr as { cursorTo?: unknown; columns?: number };
  const canSpin = ui.interactive && typeof tty.cursorTo === 'function' && (tty.columns ?? 0) > 0;
  if (!canSpin) return plainProgress(ui, stats, label);
  const { default: ora } = await import('ora');
  return spinnerProgress(ora, ui, stats, label);
}

function spinnerProgress(ora: typeof import('ora').default, ui: Ui, stats: ProgressStats, label: string): Progress {
  const spinner: Ora = ora({
    stream: ui.stderr,
    isEnabled: true,
    // Never touch stdin: it may be the CSV being read, and raw mode would swallow Ctrl-C.
    discardStdin: false,
    text: `${label} 0/${stats.total}`,
  }).start();
  let lastUpdate = 0;
  let stopped = false;
  const update = (force: boolean) => {
    const now = stats.now();
    if (!force && now - lastUpdate < SPINNER_EVERY_MS) return;
    lastUpdate = now;
    spinner.text = stats.line(label, ui.chalk);
  };
  // A line printed above the spinner, which then redraws below it.
  const above = (text: string) => {
    spinner.clear();
    ui.stderr.write(`${text}\n`);
    spinner.render();
  };
  return {
    onEvent(e) {
      if (stopped) return;
      stats.apply(e);
      if (e.type === 'failed') {
        above(`${ui.chalk.red('✖')} row ${e.row} failed: ${stripControlsInline(e.error)}`);
        update(true);
      } else {
        update(e.type !== 'text');
      }
    },
    stop() {
      if (stopped) return;
      stopped = true;
      spinner.stop();
    },
  };
}

function plainProgress(ui: Ui, stats: ProgressStats, label: string): Progress {
  let lastPrint = stats.now();
  let lastDone = stats.done;
  let lastDecile = decile(stats.done, stats.total);
  const write = (text: string) => ui.stderr.write(`draftsmith: ${text}\n`);
  const retried: RetryCount[] = [];
  return {
    onEvent(e) {
      stats.apply(e);
      if (e.type === 'failed') write(`row ${e.row} failed: ${stripControlsInline(e.error)}`);
      if (e.type === 'retry' && countRetry(retried, e.error)) {
        const when = e.delayMs > 0 ? `retrying in ${formatDuration(e.delayMs)}` : 'retrying at once';
        write(`row ${e.row}: ${when} (attempt ${e.attempt + 1}): ${stripControlsInline(e.error)} (more retries for this are only counted)`);
      }
      if (stats.done === lastDone) return;
      const now = stats.now();
      const d = decile(stats.done, stats.total);
      // Every 10% or every ~2 s, whichever comes first; never more than one line per finished row.
      if (d > lastDecile || now - lastPrint >= PLAIN_EVERY_MS) {
        write(stats.line(label));
        lastPrint = now;
        lastDone = stats.done;
        lastDecile = d;
      }
    },
    stop() {},
  };
}

function decile(done: number, total: number): number {
  return total > 0 ? Math.floor((done * 10) / total) : 0;
}

/** Counters behind both displays. Exported for tests. */
export class ProgressStats {
  drafted = 0;
  cached: number;
  failed = 0;
  retries = 0;
  /** Generated tokens: exact (evalCount) for finished rows, streamed chunks for rows in flight. */
  tokens = 0;
  private readonly streamed = new Map<number, number>();
  private firstStart: number | undefined;
  /** Drafts per host (`host:port`, from the records), counted when the run has several hosts. */
  private readonly byHost: Map<string, number> | undefined;

  constructor(
    readonly total: number,
    cached: number,
    readonly now: () => number,
    perHost = false,
  ) {
    this.byHost = perHost ? new Map() : undefined;
    this.cached = cached;
  }

  get done(): number {
    return this.drafted + this.cached + this.failed;
  }

  apply(e: RunEvent): void {
    switch (e.type) {
      case 'cached':
      case 'stale':
        this.cached++;
        break;
      case 'started':
        this.firstStart ??= this.now();
        break;
      case 'text':
        // Ollama streams about one token per chunk: a live estimate until the real count arrives.
        this.tokens++;
        this.streamed.set(e.row, (this.streamed.get(e.row) ?? 0) + 1);
        break;
      case 'drafted': {
        this.drafted++;
        const exact = e.record.timing.evalCount;
        if (exact !== undefined) this.tokens += exact - (this.streamed.get(e.row) ?? 0);
        this.streamed.delete(e.row);
        if (this.byHost && e.record.host !== undefined) this.byHost.set(e.record.host, (this.byHost.get(e.record.host) ?? 0) + 1);
        break;
      }
      case 'failed':
        this.failed++;
        this.streamed.delete(e.row);
        break;
      case 'retry':
        this.retries++;
        break;
    }
  }

  /** Tokens per second over the time since the first model request (all workers together). */
  tokensPerSecond(): number | undefined {
    if (this.firstStart === undefined || this.tokens === 0) return undefined;
    const secs = (this.now() - this.firstStart) / 1000;
    return secs > 0 ? this.tokens / secs : undefined;
  }

  /** Remaining time from the pace of rows that needed the model (cached rows cost nothing). */
  etaMs(): number | undefined {
    const worked = this.drafted + this.failed;
    if (this.firstStart === undefined || worked === 0) return undefined;
    const remaining = Math.max(0, this.total - this.done);
    return ((this.now() - this.firstStart) / worked) * remaining;
  }

  line(label: string, color?: { red(s: string): string; dim(s: string): string }): string {
    const parts = [`${label} ${this.done}/${this.total}${this.total > 0 ? ` (${Math.floor((this.done * 100) / this.total)}%)` : ''}`];
    if (this.cached > 0) parts.push(`${this.cached} cached`);
    if (this.failed > 0) parts.push(color ? color.red(`${this.failed} failed`) : `${this.failed} failed`);
    if (this.retries > 0) parts.push(`${this.retries} ${this.retries === 1 ? 'retry' : 'retries'}`);
    const tps = this.tokensPerSecond();
    if (tps !== undefined) parts.push(`${tps.toFixed(tps < 10 ? 1 : 0)} tok/s`);
    const eta = this.etaMs();
    if (eta !== undefined && this.done < this.total) parts.push(`ETA ${formatDuration(eta)}`);
    const hosts = this.hostRates();
    if (hosts) parts.push(hosts);
    return parts.join(' · ');
  }

  /** "127.0.0.1:11434 3.1/s, 10.0.0.5:11434 1.2/s": drafts per second by host since the first request. */
  hostRates(): string | undefined {
    if (!this.byHost || this.byHost.size === 0 || this.firstStart === undefined) return undefined;
    const secs = Math.max((this.now() - this.firstStart) / 1000, 0.001);
    return [...this.byHost].map(([host, n]) => `${stripControlsInline(host)} ${(n / secs).toFixed(1)}/s`).join(', ');
  }
}

/** 850 ms, 12.3s, 4m 05s, 1h 02m. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}
