// The Ollama engine's lines in `draftsmith doctor`: the server (reachable, not contacted because
// it is not this machine, or a bad OLLAMA_HOST) and the model (pulled or not). Pure; the facts are
// gathered by ./doctor-facts.ts.
import type { EngineChoice } from '../../core/engine.js';
import type { CheckLevel, CheckResult } from '../../core/doctor-checks.js';
import type { EngineDoctor } from '../descriptor.js';
import { resolvedNote } from '../../core/host-address.js';
import { hasOllamaModel } from './model-name.js';

export type OllamaServerFact =
  | { state: 'ok'; version: string; models: string[] }
  /** Not contacted: not a loopback host and no --allow-remote; `addresses`: what it resolved to. */
  | { state: 'remote'; addresses?: string[] }
  | { state: 'unreachable'; reason: string; hint?: string }
  /** $OLLAMA_HOST does not parse (a bad --host is a usage error instead). */
  | { state: 'invalid-host'; reason: string; hint?: string };

/** What the Ollama lines are built from. */
export interface OllamaDoctorFacts {
  engine: EngineChoice;
  model: string;
  /** The name to look for on the Ollama server: the model itself, or NAME of ollama:NAME; absent for a .gguf path or hf:. */
  ollamaModel?: string;
  host: string;
  ollama: OllamaServerFact;
}

/** Whether a draft could run on Ollama: it answers and has the model. */
export function ollamaUsable(f: OllamaDoctorFacts): boolean {
  return f.ollama.state === 'ok' && f.ollamaModel !== undefined && hasOllamaModel(f.ollama.models, f.ollamaModel);
}

export function ollamaChecks(f: OllamaDoctorFacts, bad: CheckLevel, unused: string): CheckResult[] {
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

export const ollamaDoctor: EngineDoctor<OllamaDoctorFacts> = {
  claims: () => false,
  answers: (f) => f.ollama.state === 'ok',
  usable: ollamaUsable,
  checks: ollamaChecks,
  label: (f) => `Ollama (${f.ollamaModel} at ${f.host})`,
  chosenNeeds: (f) => `--engine ollama needs Ollama running with ${f.ollamaModel ?? 'an Ollama model'}`,
  pickedButCannot: (f) => `Ollama answers but has no ${f.ollamaModel}, and auto uses Ollama whenever it answers: \`ollama pull ${f.ollamaModel}\``,
  wayOut: () => 'start Ollama with the model',
  alternative: (f) => (f.engine !== 'auto' ? `Ollama would work: drop --engine ${f.engine}` : undefined),
};
