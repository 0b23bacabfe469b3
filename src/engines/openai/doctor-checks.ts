// The OpenAI-compatible engine's line in `draftsmith doctor`: the server at --host (or the default
// address) and whether it serves the model. Most machines run no such server: unless it answers,
// is chosen with --engine openai, or no engine at all can draft, the line is left out. Pure; the
// facts are gathered by ./doctor-facts.ts.
import type { EngineChoice } from '../../core/engine.js';
import type { CheckLevel, CheckResult } from '../../core/doctor-checks.js';
import { resolvedNote } from '../../core/host-address.js';
import type { EngineDoctor } from '../descriptor.js';

export type OpenAIServerFact =
  | { state: 'ok'; models: string[] }
  /** It answered 401/403: the key is missing or wrong; `reason` names the variable, never the key. */
  | { state: 'refused'; reason: string; hint?: string }
  | { state: 'remote'; addresses?: string[] }
  | { state: 'unreachable'; reason: string }
  | { state: 'invalid-host'; reason: string };

export interface OpenAIDoctorFacts {
  engine: EngineChoice;
  /** The server's base URL. */
  openaiUrl: string;
  /** The model looked for there (the configured one, else the server's only one, else the default). */
  openaiModel: string;
  openai: OpenAIServerFact;
}

/** Whether the listed ids include the model (Ollama's /v1 lists "llama3.2:latest" and answers to "llama3.2"). */
export function serves(ids: readonly string[], model: string): boolean {
  return ids.includes(model) || (!/:[^/]+$/.test(model) && ids.includes(`${model}:latest`));
}

const usable = (f: OpenAIDoctorFacts) => f.openai.state === 'ok' && serves(f.openai.models, f.openaiModel);
const answers = (f: OpenAIDoctorFacts) => f.openai.state === 'ok' || f.openai.state === 'refused';

export function openaiChecks(f: OpenAIDoctorFacts, bad: CheckLevel, unused: string): CheckResult[] {
  const o = f.openai;
  if (!answers(f) && f.engine !== 'openai' && bad !== 'fail') return [];
  const at = f.openaiUrl;
  let line: Omit<CheckResult, 'name'>;
  if (o.state === 'ok' && usable(f)) line = { level: 'ok', detail: `${f.openaiModel} is served at ${at}` };
  else if (o.state === 'ok') {
    const served = o.models.length > 0 ? `it serves: ${o.models.slice(0, 5).join(', ')}${o.models.length > 5 ? ', ...' : ''}` : 'it serves no models';
    line = { level: bad, detail: `the server at ${at} answers but does not serve ${f.openaiModel} (${served})${unused}`, fix: 'pick a served model with --model' };
  } else if (o.state === 'refused') line = { level: bad, detail: `the server at ${at} refused: ${o.reason}${unused}`, fix: o.hint ?? 'set DRAFTSMITH_API_KEY to the server\'s key' };
  else if (o.state === 'remote')
    line = {
      level: bad,
      detail: `not contacted: ${at} is not this machine${o.addresses ? resolvedNote(at, o.addresses) : ''}${unused}`,
      fix: 'add --allow-remote to check it (drafting there sends recipient data to that host)',
    };
  else if (o.state === 'invalid-host') line = { level: bad, detail: `${o.reason}${unused}`, fix: 'pass the server\'s base URL with --host' };
  else
    line = {
      level: bad,
      detail: `no OpenAI-compatible server answers at ${at}: ${o.reason}${unused}`,
      fix: 'start one (`vllm serve MODEL`, `llama-server -m MODEL.gguf --port 8000`, LM Studio), or pass its base URL with --host',
    };
  return [{ name: 'openai', ...line }];
}

export const openaiDoctor: EngineDoctor<OpenAIDoctorFacts> = {
  claims: () => false,
  answers,
  usable,
  checks: openaiChecks,
  label: (f) => `the OpenAI-compatible server (${f.openaiModel} at ${f.openaiUrl})`,
  chosenNeeds: (f) => `--engine openai needs an OpenAI-compatible server at ${f.openaiUrl} serving ${f.openaiModel}`,
  pickedButCannot: (f) =>
    f.openai.state === 'refused'
      ? `the server at ${f.openaiUrl} answers but refuses the key, and auto uses it when Ollama does not answer: set DRAFTSMITH_API_KEY`
      : `the server at ${f.openaiUrl} answers but does not serve ${f.openaiModel}, and auto uses it when Ollama does not answer: pass --model with one it serves`,
  wayOut: () => 'start an OpenAI-compatible server with the model (--host URL)',
  alternative: (f) => (f.engine !== 'auto' && f.engine !== 'openai' ? `the OpenAI-compatible server at ${f.openaiUrl} would work: --engine openai` : undefined),
};
