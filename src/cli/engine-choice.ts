// Which engine and model a command uses. Precedence, highest first: flags, the profile's
// `model` block, the environment (OLLAMA_HOST), built-in defaults.
import { assertHostAllowed, resolveHost } from '../core/host.js';
import type { ToneProfile } from '../core/profile.js';
import type { Engine } from '../engines/engine.js';
import type { CliIo } from './io.js';

export const DEFAULT_MODEL = 'llama3.2';

export interface EngineFlags {
  model?: string;
  host?: string;
  allowRemote?: boolean;
  /** auto (default) | ollama | llama-cpp; the profile's model.engine applies when absent. */
  engine?: 'auto' | 'ollama' | 'llama-cpp';
  /** CPU threads for the embedded engine. */
  threads?: number;
  /** Download models without asking. */
  yes?: boolean;
  /** Per-request timeout in seconds. */
  timeout: number;
}

export async function createEngineFromFlags(flags: EngineFlags, profile: ToneProfile, io: CliIo): Promise<Engine> {
  const host = resolveHost(flags.host, io.env.OLLAMA_HOST);
  assertHostAllowed(host, Boolean(flags.allowRemote));
  const model = flags.model ?? profile.model?.name ?? DEFAULT_MODEL;
  const { createOllamaEngine } = await import('../engines/ollama.js');
  return createOllamaEngine({ host, model, requestTimeoutMs: flags.timeout * 1000 });
}
