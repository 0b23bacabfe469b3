// The Ollama engine as the registry sees it: an Ollama server (local unless --allow-remote).
import type { EngineDescriptor, EngineModels } from '../descriptor.js';
import { ollamaDoctor } from './doctor-checks.js';

export const ollama: EngineDescriptor = {
  name: 'ollama',
  autoHelp: 'Ollama if it answers',
  chooser: async () => (await import('./choose.js')).ollamaChooser,
  models: async () => (await import('./models.js')).ollamaModels as EngineModels,
  doctor: ollamaDoctor,
  doctorFacts: async () => (await import('./doctor-facts.js')).checkOllama,
};
