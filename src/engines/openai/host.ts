// Where an OpenAI-compatible server is: --host is its base URL, with or without the `/v1` the API
// lives under (`http://127.0.0.1:8000/v1`, `127.0.0.1:8000`, `https://llm.internal/v1`). A URL with
// no path gets `/v1`; one with another path is kept as given (a proxy may mount the API elsewhere).
// The default is vLLM's (`vllm serve` listens on 8000): llama-server (8080) and LM Studio (1234)
// need --host. A listen-everywhere address (0.0.0.0, ::) means this machine.
import { UsageError } from '../../core/errors.js';
import { connectableHost } from '../../core/host-address.js';

export const DEFAULT_BASE_URL = 'http://127.0.0.1:8000/v1';

const HOST_HINT = 'Use the server\'s base URL, e.g. http://127.0.0.1:8000/v1 (vLLM), http://127.0.0.1:8080/v1 (llama-server) or http://127.0.0.1:1234/v1 (LM Studio).';

/** The base URL requests go under (no trailing slash): the flag, else the default. */
export function resolveBaseUrl(flag: string | undefined): string {
  if (flag === undefined) return DEFAULT_BASE_URL;
  const value = flag.trim();
  const invalid = (why: string) => new UsageError(`--host ${JSON.stringify(flag)} is not a usable server address: ${why}`, { hint: HOST_HINT });
  if (value === '') throw invalid('it is empty');
  if (/\s/.test(value)) throw invalid('it contains spaces');
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`);
  } catch {
    throw invalid('it is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid(`the scheme must be http or https, not "${url.protocol.slice(0, -1)}"`);
  if (url.username !== '' || url.password !== '') throw invalid('credentials in the address are not supported (set DRAFTSMITH_API_KEY)');
  if (url.search !== '' || url.hash !== '') throw invalid('it has a query or a fragment');
  const bare = url.hostname.replace(/^\[|\]$/g, '');
  const host = connectableHost(bare);
  const hostPart = host.includes(':') ? `[${host}]` : host;
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.protocol}//${hostPart}${url.port ? `:${url.port}` : ''}${path === '' ? '/v1' : path}`;
}
