// Drives a real terminal: a private tmux server (its own socket, so a developer's tmux is never
// touched) running a command in a 120x40 pane. Tests poll the screen for a prompt before each
// key they send, since keys sent before the prompt is listening are racy.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const hasTmux = spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;

/** Printed by the pane's shell after the command: `__EXIT__:<code>`. */
const EXIT_MARK = '__EXIT__:';

export interface TmuxOptions {
  /** argv of the command; quoted for the shell here. */
  command: string[];
  cwd: string;
  env: Record<string, string | undefined>;
  width?: number;
  height?: number;
}

export class TmuxPane {
  private readonly socketDir: string;
  private readonly socket: string;
  private readonly env: Record<string, string | undefined>;

  constructor(private readonly opts: TmuxOptions) {
    this.socketDir = mkdtempSync(path.join(os.tmpdir(), 'draftsmith-tmux-'));
    this.socket = path.join(this.socketDir, 'sock');
    this.env = opts.env;
  }

  start(): void {
    // The shell keeps the pane open after the command so its exit code stays readable.
    const line = `${this.opts.command.map(shellQuote).join(' ')}; echo "${EXIT_MARK}$?"; sleep 600`;
    // set-clipboard on lets applications set tmux buffers via OSC 52, so a clipboard write that
    // slipped through would show up in buffers().
    const conf = path.join(this.socketDir, 'tmux.conf');
    writeFileSync(conf, 'set -s set-clipboard on\nset -g status off\n');
    this.tmux(['-f', conf, 'new-session', '-d', '-x', String(this.opts.width ?? 120), '-y', String(this.opts.height ?? 40), '-c', this.opts.cwd, line]);
  }

  /** The visible screen, as text (with SGR attributes when `escapes`). */
  capture(escapes = false): string {
    return this.tmux(['capture-pane', '-p', '-J', ...(escapes ? ['-e'] : []), '-t', '0']);
  }

  /** Everything the pane printed, scrollback included. */
  history(): string {
    return this.tmux(['capture-pane', '-p', '-J', '-S', '-', '-t', '0']);
  }

  /** Polls the screen until `test` matches; returns that screen. */
  async waitFor(test: RegExp | ((screen: string) => boolean), timeoutMs = 20_000): Promise<string> {
    const ok = typeof test === 'function' ? test : (s: string) => test.test(s);
    const until = Date.now() + timeoutMs;
    let screen = '';
    while (Date.now() < until) {
      screen = this.capture();
      if (ok(screen)) return screen;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${String(test)}; screen was:\n${screen}`);
  }

  /** Types literal text. */
  type(text: string): void {
    this.tmux(['send-keys', '-t', '0', '-l', text]);
  }

  /** Sends key names (Enter, C-c, ...). */
  keys(...names: string[]): void {
    this.tmux(['send-keys', '-t', '0', ...names]);
  }

  /** Waits for the command to end; its exit code. */
  async exitCode(timeoutMs = 20_000): Promise<number> {
    const screen = await this.waitFor(new RegExp(`${EXIT_MARK}\\d+`), timeoutMs);
    return Number(new RegExp(`${EXIT_MARK}(\\d+)`).exec(screen)![1]);
  }

  /** Pid of the pane's shell; the command runs as its child. */
  shellPid(): number {
    return Number(this.tmux(['display-message', '-p', '-t', '0', '#{pane_pid}']).trim());
  }

  /** Pids of the command (the shell's children). */
  commandPids(): number[] {
    const out = spawnSync('pgrep', ['-P', String(this.shellPid())], { encoding: 'utf8' }).stdout;
    return out
      .split('\n')
      .map((s) => Number(s.trim()))
      .filter((n) => n > 0);
  }

  title(): string {
    return this.tmux(['display-message', '-p', '-t', '0', '#{pane_title}']).trim();
  }

  buffers(): string {
    return this.tmux(['list-buffers']).trim();
  }

  close(): void {
    spawnSync('tmux', ['-S', this.socket, 'kill-server'], { stdio: 'ignore' });
    rmSync(this.socketDir, { recursive: true, force: true });
  }

  private tmux(args: string[]): string {
    const env = { ...this.env, TMUX: undefined } as NodeJS.ProcessEnv;
    const r = spawnSync('tmux', ['-S', this.socket, ...args], { encoding: 'utf8', env });
    if (r.status !== 0 && args[0] !== 'list-buffers') {
      throw new Error(`tmux ${args.join(' ')} failed: ${r.stderr}`);
    }
    return r.stdout ?? '';
  }
}

function shellQuote(s: string): string {
  return /^[\w./:@=,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
