// Whether an Ollama host is this machine, decided by the addresses its name resolves to, never by
// the name: `evil.localhost` (or `localhost` itself) in /etc/hosts may point anywhere. Every
// address must be loopback, since a connection may use any of them. A literal IP needs no lookup;
// a name that does not resolve is an error, not "probably local". The same check serves `draft`,
// `review`, `doctor` and `models`.
import { lookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import { EngineError } from '../core/errors.js';
import { hostnameOf, isIpLiteral, isLoopbackAddress, remoteHostError } from '../core/host-address.js';

/** Every address a host name resolves to (tests pass their own). */
export type LookupAll = (name: string) => Promise<string[]>;

export const lookupAll: LookupAll = async (name) => (await lookup(name, { all: true, verbatim: true })).map((a) => a.address);

export interface HostLocality {
  local: boolean;
  /** What the host stands for: the literal IP, or what its name resolved to. */
  addresses: string[];
}

/** Resolves the URL's host; an EngineError with a hint when the name does not resolve. */
export async function hostLocality(url: string, resolve: LookupAll = lookupAll): Promise<HostLocality> {
  const host = hostnameOf(url);
  let addresses: string[];
  if (isIpLiteral(host)) addresses = [host];
  else {
    try {
      addresses = await resolve(host);
    } catch (err) {
      throw cannotResolve(url, host, err);
    }
    if (addresses.length === 0) throw cannotResolve(url, host, undefined);
  }
  return { local: addresses.every(isLoopbackAddress), addresses };
}

/**
 * Refuses (UsageError, naming the addresses) a host that is not this machine, unless allowed.
 * Returns the addresses it checked (undefined when --allow-remote skipped the check): connect to
 * those (pinnedLookup), so a second lookup cannot answer differently from the one that was checked.
 */
export async function assertHostAllowed(url: string, allowRemote: boolean, resolve: LookupAll = lookupAll, runLocally?: string): Promise<string[] | undefined> {
  if (allowRemote) return undefined;
  const { local, addresses } = await hostLocality(url, resolve);
  if (!local) throw remoteHostError(url, addresses, runLocally);
  return addresses;
}

/** A `lookup` for node:net / node:http that answers with these addresses only, never asking DNS again. */
export function pinnedLookup(addresses: readonly string[]): LookupFunction {
  const all = addresses.map((address) => ({ address, family: isIP(address) || 4 }));
  return (_hostname, options, callback) => {
    const cb = callback as (err: Error | null, address: string | { address: string; family: number }[], family?: number) => void;
    if (options.all) cb(null, all);
    else cb(null, all[0]!.address, all[0]!.family);
  };
}

function cannotResolve(url: string, host: string, err: unknown): EngineError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return new EngineError(`cannot tell whether ${url} is this machine: the name ${host} does not resolve${code ? ` (${code})` : ''}`, {
    cause: err,
    hint: 'check the host name in --host or OLLAMA_HOST, or give an address such as 127.0.0.1:11434',
  });
}
