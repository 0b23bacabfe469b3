// The OpenAI-compatible server's part of `draftsmith models`: the models it serves (GET /models),
// when one answers at --host (or the default address). Most machines run none, so a server that
// does not answer adds nothing, not even a note; a non-local host is not contacted without --allow-remote.
import { plural, table } from '../../core/text/table.js';
import { hostLocality } from '../../io/resolve-host.js';
import type { EngineModels, ModelsContext } from '../descriptor.js';
import { readApiKey } from './api-key.js';
import type { OpenAIModelInfo } from './engine.js';
import { CHECK_TIMEOUT_MS, networkReason } from './errors.js';
import { resolveBaseUrl } from './host.js';

export interface OpenAIListing {
  url: string;
  reachable: boolean;
  error?: string;
  models: OpenAIModelInfo[];
}

export const openaiModels: EngineModels<OpenAIListing> = {
  key: 'openai',
  what: "an OpenAI-compatible server's models",
  async list(ctx: ModelsContext) {
    let url: string;
    try {
      url = resolveBaseUrl(ctx.host);
    } catch (err) {
      return { listing: { url: ctx.host ?? '', reachable: false, error: (err as Error).message, models: [] } };
    }
    return { listing: await listServer(url, ctx) };
  },
  render(s) {
    if (!s.reachable) return [];
    if (s.models.length === 0) return [`OpenAI-compatible server at ${s.url}: no models served`, ''];
    const rows = s.models.map((m) => [m.id, m.ownedBy ?? '-', m.maxModelLen !== undefined ? String(m.maxModelLen) : '-']);
    return [`OpenAI-compatible server at ${s.url} (${plural(s.models.length, 'model')}):`, ...table(['ID', 'OWNED BY', 'CONTEXT'], rows), ''];
  },
};

async function listServer(url: string, ctx: ModelsContext): Promise<OpenAIListing> {
  const { listOpenAIModels } = await import('./engine.js');
  const key = readApiKey(url, ctx.env);
  try {
    const checked = ctx.allowRemote ? undefined : await hostLocality(url, ctx.lookup);
    if (checked && !checked.local) return { url, reachable: false, error: 'not contacted: not this machine', models: [] };
    return { url, reachable: true, models: await listOpenAIModels(url, key, undefined, CHECK_TIMEOUT_MS, checked?.addresses) };
  } catch (err) {
    return { url, reachable: false, error: networkReason(err, { baseUrl: url, ...(key ? { key } : {}) }), models: [] };
  }
}
