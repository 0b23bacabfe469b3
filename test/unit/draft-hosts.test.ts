import { describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { openEngines, planHosts } from '../../src/app/draft-hosts.js';
import { hostList } from '../../src/cli/option-parsers.js';
import type { Engine } from '../../src/core/engine.js';
import { parseProfile, type ToneProfile } from '../../src/core/profile.js';

function profile(model: Record<string, unknown> = {}): ToneProfile {
  const r = parseProfile({ goal: 'g', model });
  if (!r.ok) throw new Error('bad profile');
  return r.profile;
}

describe('--host given again', () => {
  it.each([
    [['--host', 'a', '--host', 'b'], 'a,b'],
    [['--host', 'a,b', '--host', 'c'], 'a,b,c'],
    [['--host', 'a'], 'a'],
  ])('%j keeps every host', (argv, expected) => {
    const cmd = new Command().option('--host <url>', 'h', hostList).exitOverride();
    cmd.parse(argv, { from: 'user' });
    expect(cmd.opts().host).toBe(expected);
  });
});

describe('planHosts', () => {
  it.each([
    { name: 'no host anywhere: the engine decides', flag: undefined, model: {}, expected: [] },
    { name: 'flags, split and de-duplicated, with --concurrency each', flag: 'a, b,,a', model: {}, expected: [{ url: 'a', slots: 3 }, { url: 'b', slots: 3 }] },
    { name: "the profile's list, an entry's own concurrency first", flag: undefined, model: { hosts: ['a', { url: 'b', concurrency: 8 }] }, expected: [{ url: 'a', slots: 3 }, { url: 'b', slots: 8 }] },
    { name: 'flags replace the profile list', flag: 'c', model: { hosts: ['a', 'b'] }, expected: [{ url: 'c', slots: 3 }] },
    { name: "an entry's own key variable travels with it", flag: undefined, model: { hosts: [{ url: 'a', api_key_env: 'GPU1_KEY' }, 'b'] }, expected: [{ url: 'a', slots: 3, apiKeyEnv: 'GPU1_KEY' }, { url: 'b', slots: 3 }] },
  ])('$name', ({ flag, model, expected }) => {
    expect(planHosts(flag, profile(model), 3)).toEqual(expected);
  });
});

describe('openEngines', () => {
  const fake = (engine: string, location: string, log: string[]): Engine => ({
    info: { engine, model: 'm', location },
    prepare: async () => void log.push(`prepare ${location}`),
    generate: async () => ({ text: '', totalMs: 0 }),
    close: async () => void log.push(`close ${location}`),
  });

  it('creates one engine per host: the first by the usual choice, the rest as the same engine kind', async () => {
    const picks: unknown[] = [];
    const log: string[] = [];
    const opened = await openEngines([{ url: 'a', slots: 1 }, { url: 'b', slots: 4 }], async (pick) => {
      picks.push(pick);
      return fake('ollama', `http://${pick!.host}:1`, log);
    });
    expect(picks).toEqual([{ host: 'a' }, { host: 'b', engine: 'ollama' }]);
    expect(opened.hosts?.map((h) => h.slots)).toEqual([1, 4]);
    expect(opened.where).toBe('http://a:1, http://b:1');
    await opened.prepare(new AbortController().signal);
    await opened.close();
    expect(log.sort()).toEqual(['close http://a:1', 'close http://b:1', 'prepare http://a:1', 'prepare http://b:1']);
  });

  it("passes each host's key variable to that host's engine only", async () => {
    const picks: unknown[] = [];
    const opened = await openEngines([{ url: 'a', slots: 1, apiKeyEnv: 'A_KEY' }, { url: 'b', slots: 1 }], async (pick) => (picks.push(pick), fake('openai', `http://${pick!.host}:1/v1`, [])));
    expect(picks).toEqual([{ host: 'a', apiKeyEnv: 'A_KEY' }, { host: 'b', engine: 'openai' }]);
    await opened.close();
  });

  it('closes the engines already made when another cannot be created', async () => {
    const log: string[] = [];
    await expect(
      openEngines([{ url: 'a', slots: 1 }, { url: 'b', slots: 1 }], async (pick) => {
        if (pick?.host === 'b') throw new Error('refused');
        return fake('ollama', 'http://a:1', log);
      }),
    ).rejects.toThrow('refused');
    expect(log).toEqual(['close http://a:1']);
  });

  it('an engine in this process (no host) is created once, whatever the host list', async () => {
    let made = 0;
    const opened = await openEngines([{ url: 'a', slots: 1 }, { url: 'b', slots: 1 }], async () => (made++, fake('llama-cpp', '/models/m.gguf', [])));
    expect(made).toBe(1);
    expect(opened.hosts).toBeUndefined();
  });
});
