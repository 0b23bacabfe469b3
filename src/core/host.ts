// Where the Ollama server is, following Ollama's own reading of OLLAMA_HOST (envconfig.Host):
// no scheme -> http with port 11434; an explicit http:// or https:// without a port -> 80 / 443;
// quotes and spaces around the value are ignored. A wildcard listen address (0.0.0.0, ::, or an
// empty host as in ":1234") means "this machine", so we connect to loopback instead.
// Whether a host is this machine is decided on addresses (isLoopbackAddress); resolving a name to
// its addresses is I/O and lives in io/resolve-host.ts.
import { UsageError } from './errors.js';

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

/** A listen-everywhere address is not somewhere to connect to; it means the local machine. */
function connectableHost(host: string): string {
  const h = host.toLowerCase();
  if (h === '' || h === '0.0.0.0') return '127.0.0.1';
  if (h === '::' || h === '0:0:0:0:0:0:0:0') return '::1';
  return h;
}

function formatHostname(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** The URL's host as a name or an address to look up: no brackets, a listen-everywhere address as loopback. */
export function hostnameOf(url: string): string {
  return connectableHost(new URL(url).hostname.toLowerCase().replace(/^\[|\]$/g, ''));
}

/** An IPv4 or IPv6 address written out (needs no lookup), as opposed to a name. */
export function isIpLiteral(host: string): boolean {
  return ipv4Octets(host) !== undefined || ipv6Groups(host) !== undefined;
}

/**
 * True for an address of this machine's loopback: 127.0.0.0/8, ::1, or 127.x mapped into IPv6
 * (::ffff:127.0.0.1, ::ffff:7f00:1). Addresses only: a name says nothing until it is resolved.
 */
export function isLoopbackAddress(address: string): boolean {
  const a = address.toLowerCase().replace(/^\[|\]$/g, '').replace(/%.*$/, ''); // a zone id (fe80::1%eth0) is not part of it
  const v4 = ipv4Octets(a);
  if (v4) return v4[0] === 127;
  const g = ipv6Groups(a);
  if (!g) return false;
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return true;
  return g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff && g[6]! >> 8 === 127;
}

function ipv4Octets(s: string): number[] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  const octets = m?.slice(1).map(Number);
  return octets?.every((o) => o <= 255) ? octets : undefined;
}

/** The eight 16-bit groups of an IPv6 address (`::` expanded, a trailing dotted IPv4 folded in). */
function ipv6Groups(s: string): number[] | undefined {
  if (!s.includes(':')) return undefined;
  let text = s;
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (dotted) {
    const v4 = ipv4Octets(dotted[2]!);
    if (!v4) return undefined;
    text = `${dotted[1]}${((v4[0]! << 8) | v4[1]!).toString(16)}:${((v4[2]! << 8) | v4[3]!).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const part = (h: string | undefined) => (h ? h.split(':') : []);
  const head = part(halves[0]);
  const tail = part(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 1 ? 0 : missing).fill('0'), ...tail];
  if (!groups.every((x) => /^[0-9a-f]{1,4}$/.test(x))) return undefined;
  return groups.map((x) => parseInt(x, 16));
}

/** ` (it resolves to 10.0.0.5)` when the host is a name, so the user sees why it is not local. */
export function resolvedNote(url: string, addresses: readonly string[]): string {
  return isIpLiteral(hostnameOf(url)) ? '' : ` (it resolves to ${addresses.join(', ')})`;
}

/** Recipient data must not leave the machine unless the user says so. */
export function remoteHostError(url: string, addresses: readonly string[]): UsageError {
  return new UsageError(
    `refusing to send recipient data to non-local host ${url}${resolvedNote(url, addresses)}; pass --allow-remote if you mean it`,
    { hint: 'Run Ollama on this machine (`ollama serve`), or add --allow-remote to send recipient data to that host.' },
  );
}
