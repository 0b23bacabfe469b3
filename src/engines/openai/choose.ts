// How the engine choice creates and probes the OpenAI-compatible engine. The server is --host (its
// base URL), else vLLM's default address; a host that is not this machine is refused unless
// --allow-remote, before any request goes to it. The model is --model or the profile's; with
// neither, the one model a server serves (llama-server and LM Studio often serve one), else the
// default name. The API key (api-key.ts) is read here, and a warning said once when it would
// cross the network in the clear.
import { DEFAULT_MODEL, type Engine } from '../../core/engine.js';
import { DraftsmithError } from '../../core/errors.js';
import { assertHostAllowed, hostLocality } from '../../io/resolve-host.js';
import type { EngineChooser, EngineContext, Probe } from '../descriptor.js';
import { plainHttpWarning, readApiKey, type ApiKey } from './api-key.js';
import { resolveBaseUrl } from './host.js';
import { HttpError } from './transport.js';

/** How long `auto` waits for the server's /models before looking at the next engine. */
export const OPENAI_PROBE_MS = 1500;
/** The remote-host refusal's way to stay local. */
export const RUN_LOCALLY = 'Run the server on this machine (e.g. `vllm serve MODEL`, `llama-server -m MODEL.gguf`)';

interface Server {
  baseUrl: string;
  key: ApiKey | undefined;
  /** What the loopback check resolved (connect there only); undefined under --allow-remote. */
  addresses: readonly string[] | undefined;
}

export const openaiChooser: EngineChooser = {
  claims: () => false,
  async create(ctx) {
    return openaiEngine(ctx, await allowedServer(ctx));
  },
  async probe(ctx): Promise<Probe> {
    let server: Server;
    try {
      server = await allowedServer(ctx);
    } catch (err) {
      // Ollama's probe, first, has refused a remote host already; an address only Ollama reads (":1234") is no server here.
      if (!(err instanceof DraftsmithError) || err.exitCode !== 2) throw err;
      return notReady(ctx.flags.host ?? '--host');
    }
    const found = await servedModels(server);
    if (found === undefined) return notReady(server.baseUrl);
    const name = modelName(ctx, found.ids);
    return {
      ready: true,
      note: `drafting with the OpenAI-compatible server at ${server.baseUrl} (${name})`,
      create: () => openaiEngine(ctx, server, found.ids),
    };
  },
};

function notReady(where: string): Probe {
  return {
    ready: false,
    why: `no OpenAI-compatible server answers at ${where}`,
    ways: ['start an OpenAI-compatible server (vLLM, llama-server, LM Studio) and pass its base URL: --engine openai --host http://127.0.0.1:8000/v1'],
  };
}

async function allowedServer(ctx: EngineContext): Promise<Server> {
  const baseUrl = resolveBaseUrl(ctx.flags.host);
  const addresses = await assertHostAllowed(baseUrl, Boolean(ctx.flags.allowRemote), ctx.lookup, RUN_LOCALLY);
  return { baseUrl, key: readApiKey(baseUrl, ctx.env, ctx.flags.apiKeyEnv), addresses };
}

/** --model, the profile's, the server's only model, else the default name. */
export function modelName(ctx: Pick<EngineContext, 'configured'>, served: readonly string[] | undefined): string {
  return ctx.configured ?? (served?.length === 1 ? served[0]! : DEFAULT_MODEL);
}

async function openaiEngine(ctx: EngineContext, server: Server, known?: string[]): Promise<Engine> {
  const { baseUrl, key, addresses } = server;
  if (key && baseUrl.startsWith('http:')) {
    // Addresses mean the loopback check passed; under --allow-remote nothing was checked yet.
    const local = addresses !== undefined || (await hostLocality(baseUrl, ctx.lookup)).local;
    const warning = plainHttpWarning(baseUrl, key, local);
    if (warning) ctx.hooks.note(`warning: ${warning}`);
  }
  const { createOpenAIEngine } = await import('./engine.js');
  // No model named: ask the server which it serves (one round trip, before drafting).
  let ids = known;
  if (ctx.configured === undefined && ids === undefined) ids = (await servedModels(server))?.ids;
  return createOpenAIEngine({
    baseUrl,
    model: modelName(ctx, ids),
    requestTimeoutMs: ctx.flags.timeout * 1000,
    note: (message) => ctx.hooks.note(message),
    ...(key ? { key } : {}),
    ...(ids ? { knownModels: ids } : {}),
    ...(addresses ? { addresses } : {}),
    ...(ctx.profile.model?.embed !== undefined ? { embedModel: ctx.profile.model.embed } : {}),
  });
}

/**
 * The served model ids if the server answers within the probe time; `ids` undefined when it
 * answered but refused the key (prepare() then says so clearly). Undefined when it does not answer.
 */
async function servedModels(server: Server): Promise<{ ids: string[] | undefined } | undefined> {
  const { listOpenAIModels } = await import('./engine.js');
  try {
    return { ids: (await listOpenAIModels(server.baseUrl, server.key, undefined, OPENAI_PROBE_MS, server.addresses)).map((m) => m.id) };
  } catch (err) {
    const status = ((err as { cause?: unknown }).cause as HttpError | undefined)?.status;
    return status === 401 || status === 403 ? { ids: undefined } : undefined;
  }
}
