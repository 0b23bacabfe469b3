// The hosts a draft run spreads its rows over, and one engine per host. Precedence: --host (given
// again, or as a,b) replaces the profile's model.hosts; neither leaves the host to the engine (its
// own default: $OLLAMA_HOST, else the local one). Each host's engine is created by the same engine
// choice as a single host's, with `flags.host` set to that host, so any engine that talks to a
// server works here without knowing about the others. One engine kind and one model across hosts:
// the first host's engine decides, the rest are created as that engine (never `auto` falling back
// to another engine for a host that is down).
import type { Engine, EngineName } from '../core/engine.js';
import { hostOf } from '../core/drafting/draft-record.js';
import type { RunHost } from '../core/drafting/run-contract.js';
import { splitHostList } from '../core/host-address.js';
import type { ToneProfile } from '../core/profile.js';
import { isEngineName } from '../engines/index.js';

/** What the engine choice is told for one host. */
export interface HostPick {
  host: string;
  engine?: EngineName;
  /** The variable holding this host's API key (the profile's api_key_env). */
  apiKeyEnv?: string;
}

export interface PlannedHost {
  url: string;
  slots: number;
  apiKeyEnv?: string;
}

/** The run's engines: `engine` (the first host's) names the run; `hosts` is set when a host list was given. */
export interface RunEngines {
  engine: Engine;
  hosts?: RunHost[];
  /** Where the drafts are made, for the "drafting ..." line: one location, or every host's. */
  where: string;
  prepare(signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

/** The host list: --host's values, else the profile's model.hosts (each its own slots if it says so), else empty. */
export function planHosts(flagHosts: string | undefined, profile: ToneProfile, concurrency: number): PlannedHost[] {
  const given = splitHostList(flagHosts);
  const listed = given.length > 0 ? given.map((url) => ({ url })) : (profile.model.hosts ?? []);
  const seen = new Set<string>();
  const plan: PlannedHost[] = [];
  for (const h of listed) {
    if (seen.has(h.url)) continue;
    seen.add(h.url);
    const entry = h as { concurrency?: number; api_key_env?: string };
    plan.push({ url: h.url, slots: entry.concurrency ?? concurrency, ...(entry.api_key_env ? { apiKeyEnv: entry.api_key_env } : {}) });
  }
  return plan;
}

/** Creates the engines (no request yet: `prepare` checks every host at once); all closed if one cannot be created. */
export async function openEngines(plan: readonly PlannedHost[], create: (pick?: HostPick) => Promise<Engine>): Promise<RunEngines> {
  if (plan.length === 0) return single(await create());
  const pick = (h: PlannedHost): HostPick => ({ host: h.url, ...(h.apiKeyEnv ? { apiKeyEnv: h.apiKeyEnv } : {}) });
  const first = await create(pick(plan[0]!));
  // An engine in this process (llama-cpp) has no host: one copy of the model, not one per host.
  if (hostOf(first.info.location) === undefined) return single(first);
  const engines = [first];
  try {
    const kind = isEngineName(first.info.engine) ? first.info.engine : undefined;
    for (const h of plan.slice(1)) engines.push(await create({ ...pick(h), ...(kind ? { engine: kind } : {}) }));
  } catch (err) {
    await Promise.allSettled(engines.map((e) => e.close()));
    throw err;
  }
  return {
    engine: first,
    hosts: engines.map((engine, i) => ({ engine, slots: plan[i]!.slots })),
    where: engines.map((e) => e.info.location).join(', '),
    // Every host must answer and have the model before the first row: a typo is found now, not mid-run.
    prepare: async (s) => void (await Promise.all(engines.map((e) => e.prepare(s)))),
    close: async () => void (await Promise.allSettled(engines.map((e) => e.close()))),
  };
}

function single(engine: Engine): RunEngines {
  return { engine, where: engine.info.location, prepare: (s) => engine.prepare(s), close: () => engine.close() };
}
