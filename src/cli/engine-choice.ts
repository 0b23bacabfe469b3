// The commands' door to the engine choice (src/app/choose-engine.ts): it adds what only the cli
// has, Ctrl-C handling for a model download.
import type { Engine } from '../core/engine.js';
import type { ToneProfile } from '../core/profile.js';
import { chooseEngine } from '../app/choose-engine.js';
import type { EngineFlags } from '../engines/descriptor.js';
import { onInterrupt } from './interrupt.js';
import type { CliIo } from './streams.js';

export type { EngineFlags };

export function createEngineFromFlags(flags: EngineFlags, profile: ToneProfile, io: CliIo): Promise<Engine> {
  return chooseEngine(flags, profile, io, (stop) => onInterrupt(io, stop));
}
