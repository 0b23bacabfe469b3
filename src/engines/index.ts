// The registry: every engine, by the names in core/engine.ts (ENGINE_NAMES, whose order is the
// order `auto` tries them). `draft`, `review`, `doctor`, `models`, the help text and the --engine
// choices all read this list. Adding an engine: its folder with a descriptor, its name in
// ENGINE_NAMES, and its line here (the compiler asks for it).
// Importing this module loads no engine: each descriptor imports its engine on demand.
import { ENGINE_CHOICES, ENGINE_NAMES, type EngineName } from '../core/engine.js';
import type { EngineDescriptor } from './descriptor.js';
import { llamaCpp } from './llama-cpp/descriptor.js';
import { ollama } from './ollama/descriptor.js';
import { openai } from './openai/descriptor.js';

const BY_NAME: Record<EngineName, EngineDescriptor> = {
  ollama,
  openai,
  'llama-cpp': llamaCpp,
};

/** Every engine, in the order `auto` tries them. */
export const ENGINES: readonly EngineDescriptor[] = ENGINE_NAMES.map((name) => BY_NAME[name]);

export { ENGINE_CHOICES };

/** Whether a recorded or typed name is one of the engines (a drafts file may name one this build lacks). */
export function isEngineName(name: string | undefined): name is EngineName {
  return (ENGINE_NAMES as readonly (string | undefined)[]).includes(name);
}

export function engineNamed(name: EngineName): EngineDescriptor {
  return BY_NAME[name];
}

/** --engine's help for the commands that draft: "model engine: auto (Ollama if it answers, else ..., else embedded), ollama, openai, llama-cpp". */
export function engineFlagHelp(): string {
  return `model engine: auto (${ENGINES.map((e) => e.autoHelp).join(', else ')}), ${ENGINE_NAMES.join(', ')}`;
}

/** --engine's help for `doctor`. */
export function doctorEngineFlagHelp(): string {
  return `engine a draft would use: auto (${ENGINES.length === 2 ? 'either' : 'any'} may work), ${ENGINE_NAMES.join(', ')}`;
}

/**
 * The `auto` rule, the one copy `draft`, `review` and `doctor` share: an engine that claims the
 * model (a GGUF reference is the embedded engine's) runs it, whatever its state; otherwise the
 * engines are tried in registry order and the first that is ready runs. Callers probe `tryInOrder`
 * one at a time, so a later engine is not probed when an earlier one answers.
 */
export function autoRule<E>(engines: readonly E[], claims: (engine: E) => boolean): { claimant: E } | { tryInOrder: readonly E[] } {
  const claimant = engines.find(claims);
  return claimant !== undefined ? { claimant } : { tryInOrder: engines };
}
