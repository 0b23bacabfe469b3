// For Ollama and OpenAI-compatible servers alike, the host name is looked up once, for the loopback check, and the engine connects to the
// addresses that check saw: a second lookup (which could answer differently) never happens.
import { describe, expect, it } from 'vitest';
import { ollamaChooser } from '../../src/engines/ollama/choose.js';
import { checkOllama } from '../../src/engines/ollama/doctor-facts.js';
import { ollamaModels } from '../../src/engines/ollama/models.js';
import type { EngineChooser, EngineContext } from '../../src/engines/descriptor.js';
import { parseProfile } from '../../src/core/profile.js';
import { useFakeOllama } from '../helpers/use-fake-ollama.js';
import { useFakeOpenAI } from '../helpers/use-fake-openai.js';
import { openaiChooser } from '../../src/engines/openai/choose.js';
import { checkOpenAI } from '../../src/engines/openai/doctor-facts.js';
import { openaiModels } from '../../src/engines/openai/models.js';

const fake = useFakeOllama();

function ctx(host: string, lookup: (name: string) => Promise<string[]>): EngineContext {
  const r = parseProfile({ goal: 'g' });
  if (!r.ok) throw new Error('profile');
  return {
    flags: { host, timeout: 10 },
    profile: r.profile,
    configured: 'llama3.2',
    env: {},
    cwd: process.cwd(),
    lookup,
    hooks: { interactive: false, confirm: async () => false, progress: () => ({ update() {}, done() {} }), onInterrupt: () => () => {} },
  };
}

/** Creates the engine for a `.invalid` host only the check's lookup resolves, drafts once, and counts the lookups. */
async function expectDraftsThroughPinnedName(chooser: EngineChooser, host: string): Promise<void> {
  const asked: string[] = [];
  const engine = await chooser.create(ctx(host, async (name) => (asked.push(name), ['127.0.0.1'])));
  try {
    await engine.prepare();
    const result = await engine.generate({ messages: [{ role: 'user', content: 'hi' }], schema: { type: 'object' }, options: {} });
    expect(result.text.length).toBeGreaterThan(0);
  } finally {
    await engine.close();
  }
  expect(asked).toEqual(['draftsmith-pinned.invalid']);
}

describe('the Ollama engine connects to the address the loopback check saw', () => {
  it('a name only the check can resolve (.invalid never resolves in DNS) is reached, and looked up once', async () => {
    await expectDraftsThroughPinnedName(ollamaChooser, `http://draftsmith-pinned.invalid:${fake.server.port}`);
  });

  it('`auto`\'s probe uses the same addresses', async () => {
    const probe = await ollamaChooser.probe(ctx(`http://draftsmith-pinned.invalid:${fake.server.port}`, async () => ['127.0.0.1']));
    expect(probe.ready).toBe(true);
  });

  it('`models` and `doctor` reach it the same way', async () => {
    const host = `http://draftsmith-pinned.invalid:${fake.server.port}`;
    const lookup = async () => ['127.0.0.1'];
    const { listing } = await ollamaModels.list({ host, env: {}, lookup });
    expect(listing.reachable).toBe(true);
    const facts = await checkOllama({ engine: 'ollama', model: 'llama3.2', configured: undefined, host, env: {}, cwd: process.cwd(), lookup });
    expect(facts.ollama.state).toBe('ok');
  });
});

describe('the OpenAI-compatible engine connects to the address the loopback check saw', () => {
  const openai = useFakeOpenAI();
  const host = () => `http://draftsmith-pinned.invalid:${openai.server.port}/v1`;

  it('drafting: a name only the check can resolve is reached, and looked up once', async () => {
    await expectDraftsThroughPinnedName(openaiChooser, host());
  });

  it('`auto`\'s probe, `models` and `doctor` reach it the same way', async () => {
    const lookup = async () => ['127.0.0.1'];
    expect((await openaiChooser.probe(ctx(host(), lookup))).ready).toBe(true);
    const { listing } = await openaiModels.list({ host: host(), env: {}, lookup });
    expect(listing.reachable).toBe(true);
    const facts = await checkOpenAI({ engine: 'openai', model: 'llama3.2', configured: undefined, host: host(), env: {}, cwd: process.cwd(), lookup });
    expect(facts.openai.state).toBe('ok');
  });
});
