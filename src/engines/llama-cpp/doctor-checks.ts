// The embedded engine's lines in `draftsmith doctor`: node-llama-cpp (installed or not) and the
// GGUF model (configured, downloaded, found, loads). Pure; the facts are gathered by ./doctor-facts.ts.
import type { CheckLevel, CheckResult } from '../../core/doctor-checks.js';
import { formatBytes } from '../../core/text/bytes.js';
import type { EngineDoctor } from '../descriptor.js';

export type NodeLlamaCppFact = { installed: true; version?: string } | { installed: false; installCommand: string };

export type GgufFact =
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

/** What the embedded engine's lines are built from. */
export interface LlamaCppDoctorFacts {
  model: string;
  /** The model is a GGUF reference (a file, hf: or ollama:): `auto` then runs it in-process, never on Ollama. */
  modelIsGguf: boolean;
  ollamaModel?: string;
  /** For an Ollama model name: the GGUF the embedded path would run instead (what `draft` picks), if any. */
  embeddedModel?: string;
  nodeLlamaCpp: NodeLlamaCppFact;
  gguf: GgufFact;
}

/** Whether a draft could run in-process: node-llama-cpp is installed and the GGUF loads. */
export function embeddedUsable(f: LlamaCppDoctorFacts): boolean {
  return f.nodeLlamaCpp.installed && f.gguf.state === 'loaded';
}

export function embeddedChecks(f: LlamaCppDoctorFacts, bad: CheckLevel, unused: string): CheckResult[] {
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

export const llamaCppDoctor: EngineDoctor<LlamaCppDoctorFacts> = {
  claims: (f) => f.modelIsGguf,
  answers: embeddedUsable,
  usable: embeddedUsable,
  checks: embeddedChecks,
  label: (f) => `the embedded engine (${f.gguf.state === 'loaded' ? f.gguf.path : f.model})`,
  chosenNeeds: () => '--engine llama-cpp needs node-llama-cpp and a GGUF model that loads',
  pickedButCannot: (f) => `${f.model} is a GGUF model: the embedded engine runs it, and ${f.nodeLlamaCpp.installed ? 'it does not load' : 'node-llama-cpp is not installed'}`,
  wayOut: (f) => `${f.nodeLlamaCpp.installed ? '' : 'install node-llama-cpp and '}pass --model with a GGUF model that loads`,
  alternative: () => 'the embedded engine would work: use --engine llama-cpp',
};
