// The embedded engine as the registry sees it: llama.cpp in this process (node-llama-cpp).
import type { EngineDescriptor, EngineModels } from '../descriptor.js';
import { llamaCppDoctor } from './doctor-checks.js';

export const llamaCpp: EngineDescriptor = {
  name: 'llama-cpp',
  autoHelp: 'embedded',
  chooser: async () => (await import('./choose.js')).llamaCppChooser,
  models: async () => (await import('./models.js')).cachedModels as EngineModels,
  doctor: llamaCppDoctor,
  doctorFacts: async () => (await import('./doctor-facts.js')).embeddedFacts,
};
