// `draftsmith doctor`'s checks that are no engine's: Node, the profile, the configuration, the
// editor and the terminal. Each finding becomes one check line (ok / warn / fail, with the fix).
// Pure; the engines' own checks live in their folders (src/engines/<name>/doctor-checks.ts).

export type CheckLevel = 'ok' | 'warn' | 'fail';

export interface CheckResult {
  /** Short, stable label: node, profile, config, ollama, model, node-llama-cpp, gguf, editor, terminal. */
  name: string;
  level: CheckLevel;
  detail: string;
  /** The next step, when there is something to do. */
  fix?: string;
}

export type Source = 'flag' | 'profile' | 'default';

export const MIN_NODE = '20.17.0';

/** Absent when no --profile was given. */
export type ProfileFact = { state: 'valid'; file: string; name?: string } | { state: 'invalid'; file: string; problems: string[]; hint?: string };

export type EditorFact =
  | { source: 'VISUAL' | 'EDITOR'; command: string; found: boolean; fallback: string }
  | { source: 'fallback'; command: string };

export interface TerminalFact {
  stdoutTTY: boolean;
  stderrTTY: boolean;
  /** Colour level used for the report (0 = none). */
  colorLevel: number;
  noColor: boolean;
  forceColor: boolean;
  termDumb: boolean;
  /** CI is set: Node then offers colour only to the CI services it knows. */
  ci: boolean;
  columns?: number;
}

/** Which engine and model, and where each came from. */
export interface ConfigFact {
  engine: string;
  engineSource: Source;
  model: string;
  modelSource: Source;
}

export function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.replace(/^v/, '').split(/[.-]/).slice(0, 3).map((p) => Number.parseInt(p, 10) || 0);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

export function nodeCheck(version: string): CheckResult {
  const v = `v${version.replace(/^v/, '')}`;
  if (compareVersions(version, MIN_NODE) >= 0) return { name: 'node', level: 'ok', detail: `${v} (>= ${MIN_NODE} needed)` };
  return {
    name: 'node',
    level: 'fail',
    detail: `${v} is too old; draftsmith needs Node.js ${MIN_NODE} or later`,
    fix: `install Node.js 20.17+ (e.g. \`nvm install 20\`)`,
  };
}

export function profileCheck(p: ProfileFact): CheckResult {
  if (p.state === 'valid') return { name: 'profile', level: 'ok', detail: `${p.file} is valid${p.name ? ` (${p.name})` : ''}` };
  const [first = 'invalid', ...rest] = p.problems;
  const more = rest.length > 0 ? ` (and ${rest.length} more problem${rest.length > 1 ? 's' : ''})` : '';
  return { name: 'profile', level: 'fail', detail: `${first}${more}`, fix: p.hint ?? `run \`draftsmith profile check ${p.file}\`` };
}

export function configCheck(f: ConfigFact): CheckResult {
  const from = (s: Source) => (s === 'flag' ? 'flag' : s === 'profile' ? 'from the profile' : 'default');
  return { name: 'config', level: 'ok', detail: `engine ${f.engine} (${from(f.engineSource)}), model ${f.model} (${from(f.modelSource)})` };
}

export function editorCheck(e: EditorFact): CheckResult {
  if (e.source === 'fallback')
    return {
      name: 'editor',
      level: 'warn',
      detail: `$VISUAL and $EDITOR are not set; review's edit key will use ${e.command}`,
      fix: 'set EDITOR to the editor you like, e.g. `export EDITOR=nano`',
    };
  if (e.found) return { name: 'editor', level: 'ok', detail: `$${e.source}=${e.command}` };
  return {
    name: 'editor',
    level: 'warn',
    detail: `$${e.source}=${e.command} is not found on PATH; review's edit key would fail`,
    fix: `set ${e.source} to an installed editor (or unset it to use ${e.fallback})`,
  };
}

export function terminalCheck(t: TerminalFact): CheckResult {
  const tty = (b: boolean) => (b ? 'terminal' : 'not a terminal');
  let colour: string;
  if (t.colorLevel > 0) colour = `colour on (${t.colorLevel === 3 ? 'truecolor' : t.colorLevel === 2 ? '256 colours' : '16 colours'}${t.forceColor ? ', FORCE_COLOR' : ''})`;
  else if (t.forceColor) colour = 'colour off (FORCE_COLOR=0)';
  else if (t.noColor) colour = 'colour off (NO_COLOR is set)';
  else if (t.termDumb) colour = 'colour off (TERM=dumb)';
  else if (!t.stdoutTTY) colour = 'colour off (output is not a terminal)';
  else if (t.ci) colour = 'colour off (CI is set; FORCE_COLOR=1 turns it on)';
  else colour = 'colour off (the terminal reports no colours)';
  const width = t.columns && t.columns > 0 ? `${t.columns} columns` : 'width unknown (80 assumed)';
  return { name: 'terminal', level: 'ok', detail: `stdout ${tty(t.stdoutTTY)}, stderr ${tty(t.stderrTTY)}; ${colour}; ${width}` };
}
