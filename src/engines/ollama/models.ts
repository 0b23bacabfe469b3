// Ollama's part of `draftsmith models`: the pulled models, when it answers (a non-local host is not
// contacted without --allow-remote). That it does not answer is a note, not a failure.
import { resolvedNote } from '../../core/host-address.js';
import { formatBytes } from '../../core/text/bytes.js';
import { plural, table } from '../../core/text/table.js';
import { hostLocality } from '../../io/resolve-host.js';
import type { EngineModels, ModelsContext } from '../descriptor.js';
import type { OllamaModelInfo } from './engine.js';
import { CHECK_TIMEOUT_MS, networkReason } from './errors.js';
import { resolveHost } from './host.js';

export interface OllamaListing {
  host: string;
  reachable: boolean;
  error?: string;
  models: OllamaModelInfo[];
}

export const ollamaModels: EngineModels<OllamaListing> = {
  key: 'ollama',
  what: "Ollama's pulled models",
  async list(ctx: ModelsContext) {
    const host = resolveHost(ctx.host, ctx.env.OLLAMA_HOST); // a bad --host is a usage error
    const listing = await listOllama(host, ctx);
    if (listing.reachable) return { listing };
    const fix = listing.error?.startsWith('not contacted') ? 'pass --allow-remote to list its models' : 'start it with `ollama serve`, or pass --host URL';
    return { listing, note: `${listing.error ?? ''}; ${fix}` };
  },
  render(ollama) {
    if (!ollama.reachable) return [];
    if (ollama.models.length === 0) return [`Ollama at ${ollama.host}: no models pulled (e.g. \`ollama pull llama3.2\`)`, ''];
    const rows = ollama.models.map((m) => [m.name, formatBytes(m.size), m.parameterSize || '-', m.quantization || '-']);
    return [`Ollama at ${ollama.host} (${plural(ollama.models.length, 'model')}):`, ...table(['NAME', 'SIZE', 'PARAMETERS', 'QUANTISATION'], rows), ''];
  },
};

async function listOllama(host: string, ctx: ModelsContext): Promise<OllamaListing> {
  const { listOllamaModels } = await import('./engine.js');
  try {
    let checked: string[] | undefined;
    if (!ctx.allowRemote) {
      const { local, addresses } = await hostLocality(host, ctx.lookup);
      if (!local) {
        const error = `not contacted: Ollama at ${host} is not on this machine${resolvedNote(host, addresses)}`;
        return { host, reachable: false, error, models: [] };
      }
      checked = addresses;
    }
    const models = await listOllamaModels(host, AbortSignal.timeout(CHECK_TIMEOUT_MS), checked);
    return { host, reachable: true, models };
  } catch (err) {
    return { host, reachable: false, error: `no answer from Ollama at ${host} (${networkReason(err)})`, models: [] };
  }
}
