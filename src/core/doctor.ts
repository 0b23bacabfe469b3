// `draftsmith doctor`, the pure part: what was found (DoctorFacts, gathered by the command) becomes
// one check line each (ok / warn / fail, with the fix), a verdict and an exit code.
// Two engine paths can draft: Ollama (reachable, model pulled) and the embedded llama.cpp engine
// (node-llama-cpp installed, a GGUF reference that loads). A problem on a path the user can do
// without is a warning; it is a failure when no path the chosen --engine allows is usable.
import { stripControlsInline } from './text/sanitize.js';
import { formatBytes } from './text/bytes.js';
import { resolvedNote } from './host.js';

export type CheckLevel = 'ok' | 'warn' | 'fail';

export interface CheckResult {
  /** Short, stable label: node, profile, config, ollama, model, node-llama-cpp, gguf, editor, terminal. */
  name: string;
  level: CheckLevel;
  detail: string;
  /** The next step, when there is something to do. */
  fix?: string;
}

export type EngineChoice = 'auto' | 'ollama' | 'llama-cpp';
export type Source = 'flag' | 'profile' | 'default';

export const MIN_NODE = '20.17.0';
/** Bound on each network check: a healthy local Ollama answers in milliseconds. */
export const NETWORK_TIMEOUT_MS = 2000;

export interface DoctorFacts {
  nodeVersion: string;
  engine: EngineChoice;
  engineSource: Source;
  model: string;
  modelSource: Source;
  /** The name to look for on the Ollama server: the model itself, or NAME of ollama:NAME; absent for a .gguf path or hf:. */
  ollamaModel?: string;
  /** The model is a GGUF reference (a file, hf: or ollama:): `auto` then runs it in-process, never on Ollama. */
  modelIsGguf: boolean;
  /** For an Ollama model name: the GGUF the embedded path would run instead (what `draft` picks), if any. */
  embeddedModel?: string;
  host: string;
  ollama:
    | { state: 'ok'; version: string; models: string[] }
    /** Not contacted: not a loopback host and no --allow-remote; `addresses`: what it resolved to. */
    | { state: 'remote'; addresses?: string[] }
    | { state: 'unreachable'; reason: string; hint?: string }
    /** $OLLAMA_HOST does not parse (a bad --host is a usage error instead). */
    | { state: 'invalid-host'; reason: string; hint?: string };
  nodeLlamaCpp: { installed: true; version?: string } | { installed: false; installCommand: string };
  gguf:
    /** The configured model is not a GGUF reference. */
    | { state: 'none' }
    /** An hf: reference that is not downloaded yet (doctor never downloads). */
    | { state: 'not-downloaded' }
    /** The reference does not resolve to a file (missing file, ollama: blob not found...). */
    | { state: 'missing'; reason: string; hint?: string }
    /** Found, but not loaded because node-llama-cpp is missing. */
    | { state: 'found'; path: string; size?: number }
    | { state: 'loaded'; path: string; size?: number; ms?: number }
    | { state: 'load-failed'; path: string; reason: string; hint?: string };
  /** Absent when no --profile was given. */
  profile?: { state: 'valid'; file: string; name?: string } | { state: 'invalid'; file: string; problems: string[]; hint?: string };
  editor:
    | { source: 'VISUAL' | 'EDITOR'; command: string; found: boolean; fallback: string }
    | { source: 'fallback'; command: string };
  terminal: {
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
  };
}

export interface DoctorReport {
  checks: CheckResult[];
  usable: { ollama: boolean; embedded: boolean };
  /** 0 when a draft could run with the configured engine choice, else 1. */
  exitCode: 0 | 1;
  verdict: string;
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

/** Ollama answers to "llama3.2" for "llama3.2:latest". */
export function hasOllamaModel(installed: readonly string[], model: string): boolean {
  const tagged = (n: string) => (/:[^/]+$/.test(n) ? n : `${n}:latest`);
  return installed.some((n) => tagged(n) === tagged(model));
}

/**
 * Whether each engine path could draft, which one a draft would take, and whether it can run.
 * `auto` is decided as `draft` decides it: a GGUF reference runs in-process; otherwise Ollama
 * whenever it answers (a model it lacks is then an error, not a fallback), else the embedded engine.
 */
export function decideDoctor(facts: DoctorFacts): { usable: DoctorReport['usable']; uses: EnginePath; canDraft: boolean } {
  const o = facts.ollama;
  const ollama = o.state === 'ok' && facts.ollamaModel !== undefined && hasOllamaModel(o.models, facts.ollamaModel);
  const embedded = facts.nodeLlamaCpp.installed && facts.gguf.state === 'loaded';
  const uses: EnginePath = facts.engine !== 'auto' ? facts.engine : facts.modelIsGguf || o.state !== 'ok' ? 'llama-cpp' : 'ollama';
  const nodeOk = compareVersions(facts.nodeVersion, MIN_NODE) >= 0;
  const profileOk = facts.profile === undefined || facts.profile.state === 'valid';
  const pathOk = uses === 'ollama' ? ollama : embedded;
  return { usable: { ollama, embedded }, uses, canDraft: pathOk && nodeOk && profileOk };
}

export type EnginePath = 'ollama' | 'llama-cpp';

export function buildDoctorReport(facts: DoctorFacts): DoctorReport {
  const { usable, uses, canDraft } = decideDoctor(facts);
  const works = uses === 'ollama' ? usable.ollama : usable.embedded;
  // A problem is a failure on a path whose fix would let the draft run: the chosen engine's; for
  // auto, Ollama's when it answers without the model, the embedded one's for a GGUF model, and
  // both when Ollama is down (starting it, or a GGUF that loads, would each do).
  const pathLevel = (p: EnginePath): CheckLevel => {
    if (works) return 'warn';
    if (facts.engine !== 'auto') return p === facts.engine ? 'fail' : 'warn';
    if (facts.modelIsGguf) return p === 'llama-cpp' ? 'fail' : 'warn';
    if (uses === 'ollama') return p === 'ollama' ? 'fail' : 'warn';
    return 'fail';
  };
  const unused = (p: EnginePath) => (facts.engine === 'auto' || facts.engine === p ? '' : ` (not used: engine ${facts.engine})`);

  const checks: CheckResult[] = [
    nodeCheck(facts.nodeVersion),
    ...(facts.profile ? [profileCheck(facts.profile)] : []),
    configCheck(facts),
    ...ollamaChecks(facts, pathLevel('ollama'), unused('ollama')),
    ...embeddedChecks(facts, pathLevel('llama-cpp'), unused('llama-cpp')),
    editorCheck(facts.editor),
    terminalCheck(facts.terminal),
  ];
  return { checks, usable, exitCode: canDraft ? 0 : 1, verdict: verdict(facts, usable, uses, canDraft) };
}

function nodeCheck(version: string): CheckResult {
  const v = `v${version.replace(/^v/, '')}`;
  if (compareVersions(version, MIN_NODE) >= 0) return { name: 'node', level: 'ok', detail: `${v} (>= ${MIN_NODE} needed)` };
  return {
    name: 'node',
    level: 'fail',
    detail: `${v} is too old; draftsmith needs Node.js ${MIN_NODE} or later`,
    fix: `install Node.js 20.17+ (e.g. \`nvm install 20\`)`,
  };
}

function profileCheck(p: NonNullable<DoctorFacts['profile']>): CheckResult {
  if (p.state === 'valid') return { name: 'profile', level: 'ok', detail: `${p.file} is valid${p.name ? ` (${p.name})` : ''}` };
  const [first = 'invalid', ...rest] = p.problems;
  const more = rest.length > 0 ? ` (and ${rest.length} more problem${rest.length > 1 ? 's' : ''})` : '';
  return { name: 'profile', level: 'fail', detail: `${first}${more}`, fix: p.hint ?? `run \`draftsmith profile check ${p.file}\`` };
}

function configCheck(f: DoctorFacts): CheckResult {
  const from = (s: Source) => (s === 'flag' ? 'flag' : s === 'profile' ? 'from the profile' : 'default');
  return { name: 'config', level: 'ok', detail: `engine ${f.engine} (${from(f.engineSource)}), model ${f.model} (${from(f.modelSource)})` };
}

function ollamaChecks(f: DoctorFacts, bad: CheckLevel, unused: string): CheckResult[] {
  const o = f.ollama;
  const serve = 'start it with `ollama serve` (https://ollama.com/download), or pass --host URL';
  let server: CheckResult;
  if (o.state === 'ok') server = { name: 'ollama', level: 'ok', detail: `version ${o.version} at ${f.host}` };
  else if (o.state === 'remote')
    server = {
      name: 'ollama',
      level: bad,
      detail: `not contacted: ${f.host} is not this machine${o.addresses ? resolvedNote(f.host, o.addresses) : ''}${unused}`,
      fix: 'add --allow-remote to check it (drafting there sends recipient data to that host), or run Ollama locally',
    };
  else if (o.state === 'invalid-host')
    server = { name: 'ollama', level: bad, detail: `${o.reason}${unused}`, fix: `fix or unset OLLAMA_HOST${o.hint ? ` (${o.hint})` : ''}` };
  else server = { name: 'ollama', level: bad, detail: `no usable answer from ${f.host}: ${o.reason}${unused}`, fix: o.hint ?? serve };

  const name = f.ollamaModel;
  let model: CheckResult;
  if (name === undefined)
    model = {
      name: 'model',
      level: f.engine === 'llama-cpp' ? 'ok' : bad,
      detail: `${f.model} is a GGUF reference, not an Ollama model: only the embedded engine uses it`,
      ...(f.engine === 'llama-cpp' ? {} : { fix: 'for Ollama, pass --model with a pulled model name (see `draftsmith models`)' }),
    };
  else if (o.state !== 'ok')
    model = { name: 'model', level: bad, detail: `${name}: not checked, Ollama is not reachable${unused}`, fix: `once Ollama runs: \`ollama pull ${name}\`` };
  else if (hasOllamaModel(o.models, name)) model = { name: 'model', level: 'ok', detail: `${name} is pulled` };
  else {
    const installed = o.models.length > 0 ? `installed: ${o.models.slice(0, 5).join(', ')}${o.models.length > 5 ? ', ...' : ''}` : 'no models installed';
    model = { name: 'model', level: bad, detail: `${name} is not pulled (${installed})${unused}`, fix: `\`ollama pull ${name}\`, or pick an installed one with --model` };
  }
  return [server, model];
}

function embeddedChecks(f: DoctorFacts, bad: CheckLevel, unused: string): CheckResult[] {
  const n = f.nodeLlamaCpp;
  const label = f.embeddedModel ?? f.model;
  const lib: CheckResult = n.installed
    ? { name: 'node-llama-cpp', level: 'ok', detail: `installed${n.version ? ` (${n.version})` : ''}` }
    : { name: 'node-llama-cpp', level: bad, detail: `not installed: the embedded engine is unavailable${unused}`, fix: `\`${n.installCommand}\`` };

  const g = f.gguf;
  const size = (s?: number) => (s !== undefined ? `, ${formatBytes(s)}` : '');
  let model: CheckResult;
  switch (g.state) {
    case 'none':
      model = {
        name: 'gguf',
        level: bad,
        detail: `no GGUF model configured (${f.model} is an Ollama model name)${unused}`,
        fix: `for the embedded engine, pass --model with a .gguf file, hf:owner/repo:quant or ollama:${f.ollamaModel ?? 'NAME'}`,
      };
      break;
    case 'not-downloaded':
      model = {
        name: 'gguf',
        level: bad,
        detail: `${label} is not downloaded yet (doctor does not download)${unused}`,
        fix: `\`draftsmith draft FILE.csv -p PROFILE --engine llama-cpp --model ${label} --yes\` downloads it first`,
      };
      break;
    case 'missing':
      model = { name: 'gguf', level: bad, detail: `${label}: ${g.reason}${unused}`, fix: g.hint ?? 'check the --model path' };
      break;
    case 'found':
      model = {
        name: 'gguf',
        level: bad,
        detail: `${g.path} found${size(g.size)}; not loaded, node-llama-cpp is missing${unused}`,
        fix: n.installed ? undefined : `\`${n.installCommand}\``,
      };
      break;
    case 'loaded':
      model = { name: 'gguf', level: 'ok', detail: `${g.path} loads${size(g.size)}${g.ms !== undefined ? `, ${Math.round(g.ms)} ms` : ''}` };
      break;
    case 'load-failed':
      model = { name: 'gguf', level: bad, detail: `${g.path} does not load: ${g.reason}${unused}`, fix: g.hint ?? 'check that the file is a complete GGUF model (re-download it)' };
      break;
  }
  return [lib, model];
}

function editorCheck(e: DoctorFacts['editor']): CheckResult {
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

function terminalCheck(t: DoctorFacts['terminal']): CheckResult {
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

function verdict(f: DoctorFacts, usable: DoctorReport['usable'], uses: EnginePath, canDraft: boolean): string {
  const ollama = `Ollama (${f.ollamaModel} at ${f.host})`;
  const embedded = `the embedded engine (${f.gguf.state === 'loaded' ? f.gguf.path : f.model})`;
  if (canDraft) return `ready: a draft can run with ${uses === 'ollama' ? ollama : embedded}`;
  const why: string[] = [];
  if (compareVersions(f.nodeVersion, MIN_NODE) < 0) why.push(`Node.js ${MIN_NODE}+ is needed`);
  if (f.profile?.state === 'invalid') why.push('the profile is invalid');
  const works = uses === 'ollama' ? usable.ollama : usable.embedded;
  if (!works) {
    if (f.engine === 'ollama') why.push(`--engine ollama needs Ollama running with ${f.ollamaModel ?? 'an Ollama model'}`);
    else if (f.engine === 'llama-cpp') why.push('--engine llama-cpp needs node-llama-cpp and a GGUF model that loads');
    else if (uses === 'ollama') why.push(`Ollama answers but has no ${f.ollamaModel}, and auto uses Ollama whenever it answers: \`ollama pull ${f.ollamaModel}\``);
    else if (f.modelIsGguf) why.push(`${f.model} is a GGUF model: the embedded engine runs it, and ${f.nodeLlamaCpp.installed ? 'it does not load' : 'node-llama-cpp is not installed'}`);
    else
      why.push(
        `no engine can run: start Ollama with the model, or ${f.nodeLlamaCpp.installed ? '' : 'install node-llama-cpp and '}pass --model with a GGUF model that loads`,
      );
    if (uses === 'llama-cpp' && f.engine === 'llama-cpp' && usable.ollama) why.push('Ollama would work: drop --engine llama-cpp');
    if (uses === 'ollama' && usable.embedded) why.push('the embedded engine would work: use --engine llama-cpp');
  }
  return `not ready: ${why.join('; ')}`;
}

const REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset',
};

/** A short reason for a failed network check: the socket error, a timeout, else the message. */
export function networkReason(err: unknown, timeoutMs: number = NETWORK_TIMEOUT_MS): string {
  for (let e = err as { name?: unknown; code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 6; e = e.cause as typeof e, depth++) {
    if (e.name === 'AbortError' || e.name === 'TimeoutError') return `no answer within ${timeoutMs / 1000} s`;
    if (typeof e.code === 'string' && REASONS[e.code]) return REASONS[e.code]!;
  }
  // The Ollama adapter's messages start with "Ollama at <url>", which the check line already names;
  // "Cannot reach Ollama at <url>" says nothing more, so the innermost cause's message is used then.
  const own = String((err as Error)?.message ?? err).replace(/^(?:Cannot reach )?Ollama at \S+ ?/, '');
  if (own !== '') return own;
  let inner: unknown = err;
  for (let depth = 0; depth < 6 && (inner as { cause?: unknown })?.cause; depth++) inner = (inner as { cause?: unknown }).cause;
  return inner !== err ? String((inner as Error)?.message ?? inner) : 'not reachable';
}

export type Paint = (level: CheckLevel, text: string) => string;

/** One line per check, then the verdict. Every outside string is made safe for a terminal here. */
export function renderDoctorReport(report: DoctorReport, paint: Paint = (_l, t) => t): string {
  const nameWidth = Math.max(...report.checks.map((c) => c.name.length)) + 2;
  const lines = report.checks.map((c) => {
    const label = paint(c.level, c.level.padEnd(4));
    const fix = c.fix ? `; fix: ${stripControlsInline(c.fix)}` : '';
    return `${label}  ${c.name.padEnd(nameWidth)}${stripControlsInline(c.detail)}${fix}`;
  });
  lines.push('', paint(report.exitCode === 0 ? 'ok' : 'fail', stripControlsInline(report.verdict)));
  return `${lines.join('\n')}\n`;
}
