// How Ollama names models: "llama3.2" is "llama3.2:latest", and `ollama:NAME:TAG` (the embedded
// engine's way to point at a model Ollama pulled) is NAME:TAG to Ollama itself. Pure.
import { UsageError } from '../../core/errors.js';

/** Ollama answers to "llama3.2" for "llama3.2:latest". */
export function hasOllamaModel(installed: readonly string[], model: string): boolean {
  const tagged = (n: string) => (/:[^/]+$/.test(n) ? n : `${n}:latest`);
  return installed.some((n) => tagged(n) === tagged(model));
}

/** `ollama:NAME:TAG` means NAME:TAG to the Ollama engine; files and hf: models are not for it. */
export function ollamaName(model: string): string {
  if (/^ollama:/i.test(model)) return model.slice('ollama:'.length).replace(/:latest$/, '');
  if (/^hf:/i.test(model) || /\.gguf$/i.test(model)) {
    throw new UsageError(`--engine ollama cannot run ${model}: it takes a model name as \`ollama list\` shows it`, {
      hint: 'use --engine llama-cpp (or auto) for GGUF files and hf: models',
    });
  }
  return model;
}
