// The API key an OpenAI-compatible server may want (vLLM's and llama-server's --api-key, LiteLLM
// keys): read from DRAFTSMITH_API_KEY and sent as `Authorization: Bearer`. OPENAI_API_KEY, a user's
// cloud key, goes to api.openai.com only, never to a self-hosted server. The key is held here and
// in the request headers, and nowhere else: errors, notes and records name the variable, never the value.
// A host in the profile's model.hosts may name its own variable (api_key_env), so each server of
// several can have its own key.
import { UsageError } from '../../core/errors.js';
import { isIpLiteral, isLoopbackAddress, hostnameOf } from '../../core/host-address.js';

export const API_KEY_VARIABLE = 'DRAFTSMITH_API_KEY';
const OPENAI_VARIABLE = 'OPENAI_API_KEY';

export interface ApiKey {
  value: string;
  /** The variable it came from, for messages. */
  variable: string;
}

/** The key to send to `baseUrl`, if any: from `variable` when a profile host names one, else DRAFTSMITH_API_KEY. */
export function readApiKey(baseUrl: string, env: NodeJS.ProcessEnv, variable?: string): ApiKey | undefined {
  if (variable !== undefined) return namedKey(baseUrl, env, variable);
  const own = env[API_KEY_VARIABLE]?.trim();
  if (own) return { value: own, variable: API_KEY_VARIABLE };
  const cloud = env[OPENAI_VARIABLE]?.trim();
  if (cloud && isOpenAI(baseUrl)) return { value: cloud, variable: OPENAI_VARIABLE };
  return undefined;
}

/** A host's own variable: it must be set, and a cloud key stays with its cloud even when named. */
function namedKey(baseUrl: string, env: NodeJS.ProcessEnv, variable: string): ApiKey {
  if (variable === OPENAI_VARIABLE && !isOpenAI(baseUrl)) {
    throw new UsageError(`the profile names ${OPENAI_VARIABLE} as the key for ${baseUrl}, which is not OpenAI's API: that key is only ever sent to https://api.openai.com.`, {
      hint: `give the server a key of its own (e.g. api_key_env: DRAFTSMITH_API_KEY)`,
    });
  }
  const value = env[variable]?.trim();
  if (!value) {
    throw new UsageError(`the profile's model.hosts entry for ${baseUrl} takes its API key from ${variable}, which is not set.`, {
      hint: `set it (export ${variable}=...) before drafting, or remove api_key_env to use ${API_KEY_VARIABLE}`,
    });
  }
  return { value, variable };
}

function isOpenAI(baseUrl: string): boolean {
  return hostnameOf(baseUrl) === 'api.openai.com' && baseUrl.startsWith('https:');
}

/** The headers a request carries: the key, when there is one. */
export function authHeaders(key: ApiKey | undefined): Record<string, string> {
  return key ? { authorization: `Bearer ${key.value}` } : {};
}

/**
 * The warning when a key would travel unencrypted to another machine (plain http, a host that is
 * not loopback by its addresses), or undefined. `local` is what io/resolve-host.ts found.
 */
export function plainHttpWarning(baseUrl: string, key: ApiKey | undefined, local: boolean): string | undefined {
  if (!key || !baseUrl.startsWith('http:') || local) return undefined;
  const host = hostnameOf(baseUrl);
  if (isIpLiteral(host) && isLoopbackAddress(host)) return undefined;
  return `${key.variable} is sent over plain http to ${baseUrl}, which is not this machine: anyone on the network path can read it (use https, or a private network)`;
}

/** `text` with every occurrence of the key replaced, for anything a server echoes back. */
export function redactKey(text: string, key: ApiKey | undefined): string {
  return key && key.value.length > 0 ? text.split(key.value).join('***') : text;
}
