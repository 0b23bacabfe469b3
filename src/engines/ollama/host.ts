// Where the Ollama server is, following Ollama's own reading of OLLAMA_HOST (envconfig.Host):
// no scheme -> http with port 11434; an explicit http:// or https:// without a port -> 80 / 443;
// quotes and spaces around the value are ignored. A wildcard listen address (0.0.0.0, ::, or an
// empty host as in ":1234") means "this machine", so we connect to loopback instead.
// Ollama's own reading, so it lives in the Ollama engine's folder; whether a host is this machine
// is engine-neutral (core/host-address.ts, io/resolve-host.ts).
import { UsageError } from '../../core/errors.js';
import { connectableHost } from '../../core/host-address.js';

export const DEFAULT_HOST = 'http://127.0.0.1:11434';
const DEFAULT_PORT = 11434;

const HOST_HINT =
  'Use a form like 127.0.0.1:11434, localhost, example.com:11434 or http://host:port (the same forms OLLAMA_HOST accepts).';

/** The base URL to talk to: the flag wins, then $OLLAMA_HOST, then the default. No trailing slash. */
export function resolveHost(flag: string | undefined, env: string | undefined): string {
  if (flag !== undefined) return parseHost(flag, '--host');
  const fromEnv = env === undefined ? '' : trimHostValue(env);
  if (fromEnv === '') return DEFAULT_HOST;
  return parseHost(env!, 'OLLAMA_HOST');
}

function trimHostValue(s: string): string {
  // Ollama strips spaces and one layer of quotes: ` " 1.2.3.4 " ` -> `1.2.3.4`.
  return s.trim().replace(/^["']|["']$/g, '').trim();
}

function invalid(value: string, source: string, why: string): UsageError {
  return new UsageError(`${source} ${JSON.stringify(value)} is not a usable Ollama address: ${why}`, { hint: HOST_HINT });
}

function parseHost(raw: string, source: string): string {
  const value = trimHostValue(raw);
  if (value === '') throw invalid(raw, source, 'it is empty');
  if (/\s/.test(value)) throw invalid(raw, source, 'it contains spaces');

  let scheme = 'http';
  let rest = value;
  let defaultPort = DEFAULT_PORT;
  const sep = value.indexOf('://');
  if (sep >= 0) {
    scheme = value.slice(0, sep).toLowerCase();
    rest = value.slice(sep + 3);
    if (scheme === 'http') defaultPort = 80;
    else if (scheme === 'https') defaultPort = 443;
    else throw invalid(raw, source, `the scheme must be http or https, not "${scheme}"`);
  }

  const slash = rest.indexOf('/');
  const hostPort = slash >= 0 ? rest.slice(0, slash) : rest;
  const pathPart = slash >= 0 ? rest.slice(slash).replace(/\/+$/, '') : '';
  if (hostPort.includes('@')) throw invalid(raw, source, 'credentials in the address are not supported');

  const { host, port } = splitHostPort(hostPort, defaultPort, raw, source);
  const url = `${scheme}://${formatHostname(host)}:${port}${pathPart}`;
  try {
    new URL(url);
  } catch {
    throw invalid(raw, source, 'it is not a valid URL');
  }
  return url;
}

function splitHostPort(hp: string, defaultPort: number, raw: string, source: string): { host: string; port: number } {
  let host = hp;
  let portText: string | undefined;
  if (hp.startsWith('[')) {
    const end = hp.indexOf(']');
    if (end < 0) throw invalid(raw, source, 'an IPv6 address is missing its closing "]"');
    host = hp.slice(1, end);
    const after = hp.slice(end + 1);
    if (after.startsWith(':')) portText = after.slice(1);
    else if (after !== '') throw invalid(raw, source, `unexpected "${after}" after the IPv6 address`);
  } else if ((hp.match(/:/g) ?? []).length > 1) {
    host = hp; // bare IPv6 such as ::1
  } else if (hp.includes(':')) {
    const i = hp.lastIndexOf(':');
    host = hp.slice(0, i);
    portText = hp.slice(i + 1);
  }

  let port = defaultPort;
  if (portText !== undefined) {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535)
      throw invalid(raw, source, `"${portText}" is not a port number (0-65535)`);
    port = Number(portText);
  }
  return { host: connectableHost(host), port };
}

function formatHostname(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

