// `draftsmith doctor`'s decision, pure: what was found (DoctorFacts, gathered by ./doctor.ts)
// becomes the check lines, a verdict and an exit code. Each engine's lines come from its folder
// (src/engines/<name>/doctor-checks.ts); which engine a draft would take is the registry's one
// `auto` rule (engines/index.ts autoRule). A problem on a path the user can do without is a
// warning; it is a failure when no path the chosen --engine allows is usable.
import type { EngineChoice, EngineName } from '../core/engine.js';
import {
  MIN_NODE,
  compareVersions,
  configCheck,
  editorCheck,
  nodeCheck,
  profileCheck,
  terminalCheck,
  type CheckLevel,
  type CheckResult,
  type EditorFact,
  type ProfileFact,
  type Source,
  type TerminalFact,
} from '../core/doctor-checks.js';
import { ENGINES, autoRule } from '../engines/index.js';
import { embeddedChecks, embeddedUsable, type LlamaCppDoctorFacts } from '../engines/llama-cpp/doctor-checks.js';
import { ollamaChecks, ollamaUsable, type OllamaDoctorFacts } from '../engines/ollama/doctor-checks.js';

export interface DoctorFacts extends OllamaDoctorFacts, LlamaCppDoctorFacts {
  nodeVersion: string;
  engine: EngineChoice;
  engineSource: Source;
  model: string;
  modelSource: Source;
  /** The model is a GGUF reference (a file, hf: or ollama:): `auto` then runs it in-process, never on Ollama. */
  modelIsGguf: boolean;
  /** Absent when no --profile was given. */
  profile?: ProfileFact;
  editor: EditorFact;
  terminal: TerminalFact;
}

export interface DoctorReport {
  checks: CheckResult[];
  usable: { ollama: boolean; embedded: boolean };
  /** 0 when a draft could run with the configured engine choice, else 1. */
  exitCode: 0 | 1;
  verdict: string;
}

export type EnginePath = EngineName;

/** Each engine as doctor sees it: does it claim the model, does it answer, could it draft, its lines. */
const ENGINE_DOCTORS: Record<EngineName, {
  claims(f: DoctorFacts): boolean;
  answers(f: DoctorFacts): boolean;
  usable(f: DoctorFacts): boolean;
  checks(f: DoctorFacts, bad: CheckLevel, unused: string): CheckResult[];
}> = {
  ollama: { claims: () => false, answers: (f) => f.ollama.state === 'ok', usable: ollamaUsable, checks: ollamaChecks },
  'llama-cpp': { claims: (f) => f.modelIsGguf, answers: embeddedUsable, usable: embeddedUsable, checks: embeddedChecks },
};

/**
 * Whether each engine path could draft, which one a draft would take, and whether it can run.
 * `auto` is decided by the rule `draft` uses (autoRule): a GGUF reference runs in-process;
 * otherwise the first engine that answers (Ollama with a model it lacks is then an error, not a
 * fallback); when none does, the last one (the embedded engine), whose problems are then shown.
 */
export function decideDoctor(facts: DoctorFacts): { usable: DoctorReport['usable']; uses: EnginePath; canDraft: boolean; claimed: boolean } {
  const usable = { ollama: ollamaUsable(facts), embedded: embeddedUsable(facts) };
  const names = ENGINES.map((e) => e.name);
  let uses: EnginePath;
  let claimed = false;
  if (facts.engine !== 'auto') uses = facts.engine;
  else {
    const rule = autoRule(names, (n) => ENGINE_DOCTORS[n].claims(facts));
    claimed = 'claimant' in rule;
    uses = 'claimant' in rule ? rule.claimant : (rule.tryInOrder.find((n) => ENGINE_DOCTORS[n].answers(facts)) ?? names[names.length - 1]!);
  }
  const nodeOk = compareVersions(facts.nodeVersion, MIN_NODE) >= 0;
  const profileOk = facts.profile === undefined || facts.profile.state === 'valid';
  const pathOk = ENGINE_DOCTORS[uses].usable(facts);
  return { usable, uses, canDraft: pathOk && nodeOk && profileOk, claimed };
}

export function buildDoctorReport(facts: DoctorFacts): DoctorReport {
  const { usable, uses, canDraft, claimed } = decideDoctor(facts);
  const works = ENGINE_DOCTORS[uses].usable(facts);
  // A problem is a failure on a path whose fix would let the draft run: the chosen engine's; for
  // auto, the claimant's (the embedded one for a GGUF model), the one that answers without the
  // model (Ollama), and every one's when none answers (starting Ollama, or a GGUF that loads, would each do).
  const pathLevel = (p: EnginePath): CheckLevel => {
    if (works) return 'warn';
    if (facts.engine !== 'auto' || claimed || ENGINE_DOCTORS[uses].answers(facts)) return p === uses ? 'fail' : 'warn';
    return 'fail';
  };
  const unused = (p: EnginePath) => (facts.engine === 'auto' || facts.engine === p ? '' : ` (not used: engine ${facts.engine})`);

  const checks: CheckResult[] = [
    nodeCheck(facts.nodeVersion),
    ...(facts.profile ? [profileCheck(facts.profile)] : []),
    configCheck(facts),
    ...ENGINES.flatMap((e) => ENGINE_DOCTORS[e.name].checks(facts, pathLevel(e.name), unused(e.name))),
    editorCheck(facts.editor),
    terminalCheck(facts.terminal),
  ];
  return { checks, usable, exitCode: canDraft ? 0 : 1, verdict: verdict(facts, usable, uses, canDraft) };
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
