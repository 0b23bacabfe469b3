// The embedded engine as the registry sees it: llama.cpp in this process (node-llama-cpp).
import type { EngineDescriptor, EngineModels } from '../descriptor.js';

export const llamaCpp: EngineDescriptor = {
  name: 'llama-cpp',
  autoHelp: 'embedded',
  chooser: async () => (await import('./choose.js')).llamaCppChooser,
  models: async () => (await import('./models.js')).cachedModels as EngineModels,
};
