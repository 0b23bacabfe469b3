// How the engine choice creates and probes the Ollama engine. The host comes from --host, else
// OLLAMA_HOST, else the default; a host that is not this machine (by what its name resolves to) is
// refused unless --allow-remote, before any request goes to it, whether chosen or probed by `auto`.
import { DEFAULT_MODEL, type Engine } from '../../core/engine.js';
import { assertHostAllowed } from '../../io/resolve-host.js';
import type { EngineChooser, EngineContext, Probe } from '../descriptor.js';
import { resolveHost } from './host.js';
import { ollamaName } from './model-name.js';

/** How long `auto` waits for Ollama to answer before looking at the next engine. */
export const OLLAMA_PROBE_MS = 1500;

export const ollamaChooser: EngineChooser = {
  claims: () => false, // a plain name may be Ollama's or the embedded engine's copy of it: `auto` probes
  async create(ctx) {
    const at = await allowedHost(ctx);
    return ollamaEngine(ctx, at, ollamaName(ctx.configured ?? DEFAULT_MODEL));
  },
  async probe(ctx): Promise<Probe> {
    const at = await allowedHost(ctx);
    const { host } = at;
    const installed = await installedModels(at);
    const name = ctx.configured ?? DEFAULT_MODEL;
    if (installed) return { ready: true, note: `drafting with Ollama at ${host} (${name})`, create: () => ollamaEngine(ctx, at, name, installed) };
    return {
      ready: false,
      why: `Ollama is not answering at ${host}`,
      ways: [`start Ollama (\`ollama serve\`) and pull the model: \`ollama pull ${name}\``],
    };
  },
};

/** The host, and the addresses its check found local (undefined with --allow-remote): every request connects to those. */
interface AllowedHost {
  host: string;
  addresses: string[] | undefined;
}

async function allowedHost(ctx: EngineContext): Promise<AllowedHost> {
  const host = resolveHost(ctx.flags.host, ctx.env.OLLAMA_HOST);
  return { host, addresses: await assertHostAllowed(host, Boolean(ctx.flags.allowRemote), ctx.lookup) };
}

async function ollamaEngine(ctx: EngineContext, { host, addresses }: AllowedHost, model: string, installedModels?: readonly { name: string; digest?: string }[]): Promise<Engine> {
  const { createOllamaEngine } = await import('./engine.js');
  const embed = ctx.profile.model?.embed;
  return createOllamaEngine({
    host,
    model,
    requestTimeoutMs: ctx.flags.timeout * 1000,
    ...(installedModels ? { installedModels } : {}),
    ...(addresses ? { addresses } : {}),
    ...(embed !== undefined ? { embedModel: ollamaName(embed) } : {}),
  });
}

/** The installed models (names and digests) if Ollama answers within the probe time, else undefined. */
async function installedModels({ host, addresses }: AllowedHost): Promise<{ name: string; digest?: string }[] | undefined> {
  const { listOllamaModels } = await import('./engine.js');
  try {
    return (await listOllamaModels(host, AbortSignal.timeout(OLLAMA_PROBE_MS), addresses)).map((m) => ({ name: m.name, ...(m.digest ? { digest: m.digest } : {}) }));
  } catch {
    return undefined;
  }
}
