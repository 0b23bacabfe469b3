// The OpenAI-compatible engine as the registry sees it: a server speaking /v1/chat/completions
// (vLLM, llama.cpp's llama-server, LM Studio, LocalAI, Ollama's /v1), local unless --allow-remote.
import type { EngineDescriptor, EngineModels } from '../descriptor.js';
import { openaiDoctor } from './doctor-checks.js';

export const openai: EngineDescriptor = {
  name: 'openai',
  autoHelp: 'an OpenAI-compatible server if one answers',
  chooser: async () => (await import('./choose.js')).openaiChooser,
  models: async () => (await import('./models.js')).openaiModels as EngineModels,
  doctor: openaiDoctor,
  doctorFacts: async () => (await import('./doctor-facts.js')).checkOpenAI,
};
