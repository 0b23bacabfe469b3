// Whether a model server's host is this machine, decided on addresses (isLoopbackAddress), never on
// names; pure and engine-neutral, so every engine that talks to a server shares it. Resolving a
// name to its addresses is I/O and lives in io/resolve-host.ts; Ollama's OLLAMA_HOST reading is
// engines/ollama/host.ts.
import { UsageError } from './errors.js';

/** A listen-everywhere address is not somewhere to connect to; it means the local machine. */
export function connectableHost(host: string): string {
  const h = host.toLowerCase();
  if (h === '' || h === '0.0.0.0') return '127.0.0.1';
  if (h === '::' || h === '0:0:0:0:0:0:0:0') return '::1';
  return h;
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

/** Recipient data must not leave the machine unless the user says so; `runLocally` is the engine's own way to stay local. */
export function remoteHostError(url: string, addresses: readonly string[], runLocally = 'Run Ollama on this machine (`ollama serve`)'): UsageError {
  return new UsageError(
    `refusing to send recipient data to non-local host ${url}${resolvedNote(url, addresses)}; pass --allow-remote if you mean it`,
    { hint: `${runLocally}, or add --allow-remote to send recipient data to that host.` },
  );
}

/**
 * `--host a --host b` and `--host a,b` (and a mix) as a list: the flag's values are kept as one
 * comma-separated text (so a resume command repeats them as one `--host a,b`). Empty items are dropped.
 */
export function splitHostList(value: string | undefined): string[] {
  return value === undefined ? [] : value.split(',').map((h) => h.trim()).filter((h) => h !== '');
}
