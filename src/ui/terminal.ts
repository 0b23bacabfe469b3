// What the terminal can take, decided once per command: colour, spinner, width, quiet.
// stdout carries data only; every message here goes to stderr, stripped of control sequences.
import { Chalk, type ChalkInstance } from 'chalk';
import { stripControls } from '../core/text/sanitize.js';

type Stream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number; getColorDepth?: (env?: object) => number };

export interface Ui {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stderrIsTTY: boolean;
  /** Spinners and cursor movement allowed: stderr and stdout are terminals, not CI, not TERM=dumb, not quiet. */
  interactive: boolean;
  color: boolean;
  quiet: boolean;
  /** Columns of stderr (80 when unknown). */
  width: number;
  chalk: ChalkInstance;
  /** Progress-level news ("drafting 12 recipients"). Silenced by --quiet. */
  info(msg: string): void;
  /** Something the user should look at. --quiet silences it too: it means "only errors". */
  warn(msg: string): void;
  /** A notice about how input was read ("skipped a 3-line preamble"). Silenced by --quiet. */
  note(msg: string): void;
}

export interface UiOptions {
  env: NodeJS.ProcessEnv;
  stdout: Stream;
  stderr: Stream;
  quiet: boolean;
  /** --color / --no-color: beats every environment variable. */
  colorFlag?: boolean;
}

export function createUi(opts: UiOptions): Ui {
  const { env, stdout, stderr, quiet } = opts;
  const stderrIsTTY = Boolean(stderr.isTTY);
  const dumb = env.TERM === 'dumb';
  // The contract: when stdout is piped there are no spinners (nor colours): the output is for a
  // program, and so is, most likely, the log.
  const interactive = stderrIsTTY && Boolean(stdout.isTTY) && !dumb && !isCi(env) && !quiet;
  const level = colorLevel(opts, stderrIsTTY && Boolean(stdout.isTTY) && !dumb);
  const chalk = new Chalk({ level });
  const say = (prefix: string) => (msg: string) => {
    if (!quiet) stderr.write(`${prefix}${stripControls(msg)}\n`);
  };
  return {
    stdout,
    stderr,
    stderrIsTTY,
    interactive,
    color: level > 0,
    quiet,
    width: stderr.columns && stderr.columns > 0 ? stderr.columns : 80,
    chalk,
    info: say('draftsmith: '),
    warn: say(`draftsmith: ${chalk.yellow('warning:')} `),
    note: say(`draftsmith: ${chalk.dim('note:')} `),
  };
}

/**
 * Colour level for stderr. Precedence, strongest first: the --color/--no-color flag; FORCE_COLOR
 * (Node's own rule: it beats NO_COLOR); NO_COLOR when set and non-empty (no-color.org); then
 * only on a real terminal that is not TERM=dumb, at the depth the terminal reports.
 */
export function colorLevel(opts: Pick<UiOptions, 'env' | 'stderr' | 'colorFlag'>, terminal: boolean): 0 | 1 | 2 | 3 {
  const { env, colorFlag } = opts;
  if (colorFlag === false) return 0;
  const forced = forceColorLevel(env.FORCE_COLOR);
  if (forced !== undefined) return colorFlag && forced === 0 ? 1 : forced;
  if (colorFlag) return Math.max(1, depthLevel(opts.stderr, env)) as 1 | 2 | 3;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  if (!terminal) return 0;
  return depthLevel(opts.stderr, env);
}

function forceColorLevel(value: string | undefined): 0 | 1 | 2 | 3 | undefined {
  if (value === undefined) return undefined;
  if (value === '' || value === 'true' || value === '1') return 1;
  if (value === 'false' || value === '0') return 0;
  if (value === '2') return 2;
  if (value === '3') return 3;
  return undefined;
}

function depthLevel(stream: Stream, env: NodeJS.ProcessEnv): 0 | 1 | 2 | 3 {
  const depth = stream.getColorDepth?.(env) ?? 4;
  return depth >= 24 ? 3 : depth >= 8 ? 2 : depth >= 4 ? 1 : 0;
}

export function isCi(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.CI && env.CI !== 'false' && env.CI !== '0');
}
