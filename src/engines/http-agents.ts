// Keep-alive agents for the engines that speak HTTP (Ollama, OpenAI-compatible servers): one
// agent per protocol, shared by an engine's requests. `lookup` pins the connection to the
// addresses the loopback/remote check already resolved (io/resolve-host.ts pinnedLookup), so a
// second DNS answer cannot send recipient data somewhere the check never saw.
// node:https (TLS) is loaded on first use: ~10 ms of start-up a loopback http host never needs.
import http from 'node:http';
import type https from 'node:https';
import type { LookupFunction } from 'node:net';

export interface Agents {
  readonly http: http.Agent;
  readonly https: https.Agent;
  destroy(): void;
}

export function keepAliveAgents(lookup?: LookupFunction): Agents {
  const options = { keepAlive: true, ...(lookup ? { lookup } : {}) };
  const plain = new http.Agent(options);
  let secure: https.Agent | undefined;
  return {
    http: plain,
    get https() {
      return (secure ??= new (httpsModule().Agent)(options));
    },
    destroy() {
      plain.destroy();
      secure?.destroy();
    },
  };
}

/** `request` of node:http or, for an https URL, of node:https (loaded then). */
export function requestFor(url: string): typeof http.request {
  return url.startsWith('https:') ? httpsModule().request : http.request;
}

function httpsModule(): typeof https {
  return process.getBuiltinModule('node:https') as typeof https;
}
