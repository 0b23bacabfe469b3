// `draftsmith doctor`'s decision, pure: what was found (DoctorFacts, gathered by ./doctor.ts)
// becomes the check lines, a verdict and an exit code. Each engine's lines and its phrases in the
// verdict come from its descriptor (src/engines/<name>/doctor-checks.ts); which engine a draft
// would take is the registry's one `auto` rule (engines/index.ts autoRule). A problem on a path the user can do without is a
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
import { memoryCheck, memoryUsable, type MemoryFact } from '../core/memory/memory-check.js';
import type { EngineDoctor } from '../engines/descriptor.js';
import { ENGINES, autoRule, engineNamed } from '../engines/index.js';
import type { LlamaCppDoctorFacts } from '../engines/llama-cpp/doctor-checks.js';
import type { OllamaDoctorFacts } from '../engines/ollama/doctor-checks.js';
import type { OpenAIDoctorFacts } from '../engines/openai/doctor-checks.js';

export interface DoctorFacts extends OllamaDoctorFacts, OpenAIDoctorFacts, LlamaCppDoctorFacts {
  nodeVersion: string;
  engine: EngineChoice;
  engineSource: Source;
  model: string;
  modelSource: Source;
  /** Absent when no --profile was given. */
  profile?: ProfileFact;
  editor: EditorFact;
  terminal: TerminalFact;
  /** The memory (absent in reports built without it). */
  memory?: MemoryFact;
}

export interface DoctorReport {
  checks: CheckResult[];
  /** Whether each engine could draft. */
  usable: Record<EngineName, boolean>;
  /** 0 when a draft could run with the configured engine choice, else 1. */
  exitCode: 0 | 1;
  verdict: string;
}

export type EnginePath = EngineName;

/** Each engine's part of doctor, from its descriptor (src/engines/<name>/doctor-checks.ts). */
function doctorOf(name: EnginePath): EngineDoctor<DoctorFacts> {
  return engineNamed(name).doctor;
}

/**
 * Whether each engine path could draft, which one a draft would take, and whether it can run.
 * `auto` is decided by the rule `draft` uses (autoRule): a GGUF reference runs in-process;
 * otherwise the first engine that answers (Ollama with a model it lacks is then an error, not a
 * fallback); when none does, the last one (the embedded engine), whose problems are then shown.
 */
export function decideDoctor(facts: DoctorFacts): { usable: DoctorReport['usable']; uses: EnginePath; canDraft: boolean; claimed: boolean } {
  const names = ENGINES.map((e) => e.name);
  const usable = Object.fromEntries(names.map((n) => [n, doctorOf(n).usable(facts)])) as Record<EngineName, boolean>;
  let uses: EnginePath;
  let claimed = false;
  if (facts.engine !== 'auto') uses = facts.engine;
  else {
    const rule = autoRule(names, (n) => doctorOf(n).claims(facts));
    claimed = 'claimant' in rule;
    uses = 'claimant' in rule ? rule.claimant : (rule.tryInOrder.find((n) => doctorOf(n).answers(facts)) ?? names[names.length - 1]!);
  }
  const nodeOk = compareVersions(facts.nodeVersion, MIN_NODE) >= 0;
  const profileOk = facts.profile === undefined || facts.profile.state === 'valid';
  const pathOk = doctorOf(uses).usable(facts);
  const memoryOk = facts.memory === undefined || memoryUsable(facts.memory);
  return { usable, uses, canDraft: pathOk && nodeOk && profileOk && memoryOk, claimed };
}

export function buildDoctorReport(facts: DoctorFacts): DoctorReport {
  const { usable, uses, canDraft, claimed } = decideDoctor(facts);
  const works = doctorOf(uses).usable(facts);
  // A problem is a failure on a path whose fix would let the draft run: the chosen engine's; for
  // auto, the claimant's (the embedded one for a GGUF model), the one that answers without the
  // model (Ollama), and every one's when none answers (starting Ollama, or a GGUF that loads, would each do).
  const pathLevel = (p: EnginePath): CheckLevel => {
    if (works) return 'warn';
    if (facts.engine !== 'auto' || claimed || doctorOf(uses).answers(facts)) return p === uses ? 'fail' : 'warn';
    return 'fail';
  };
  const unused = (p: EnginePath) => (facts.engine === 'auto' || facts.engine === p ? '' : ` (not used: engine ${facts.engine})`);

  const checks: CheckResult[] = [
    nodeCheck(facts.nodeVersion),
    ...(facts.profile ? [profileCheck(facts.profile)] : []),
    configCheck(facts),
    ...ENGINES.flatMap((e) => doctorOf(e.name).checks(facts, pathLevel(e.name), unused(e.name))),
    ...(facts.memory ? [memoryCheck(facts.memory)] : []),
    editorCheck(facts.editor),
    terminalCheck(facts.terminal),
  ];
  return { checks, usable, exitCode: canDraft ? 0 : 1, verdict: verdict(facts, uses, canDraft, claimed) };
}

function verdict(f: DoctorFacts, uses: EnginePath, canDraft: boolean, claimed: boolean): string {
  const used = doctorOf(uses);
  if (canDraft) return `ready: a draft can run with ${used.label(f)}`;
  const why: string[] = [];
  if (compareVersions(f.nodeVersion, MIN_NODE) < 0) why.push(`Node.js ${MIN_NODE}+ is needed`);
  if (f.profile?.state === 'invalid') why.push('the profile is invalid');
  if (f.memory && !memoryUsable(f.memory)) why.push(f.memory.module.loads ? 'the memory cannot be read' : 'the memory\'s database module does not load');
  if (!used.usable(f)) {
    if (f.engine !== 'auto') why.push(used.chosenNeeds(f));
    else if (claimed || used.answers(f)) why.push(used.pickedButCannot(f));
    else why.push(`no engine can run: ${ENGINES.map((e) => doctorOf(e.name).wayOut(f)).join(', or ')}`);
    for (const e of ENGINES) {
      const other = doctorOf(e.name);
      const instead = e.name !== uses && other.usable(f) ? other.alternative(f) : undefined;
      if (instead !== undefined) why.push(instead);
    }
  }
  return `not ready: ${why.join('; ')}`;
}
