// review's regenerate (src/app/regenerate.ts) with a real memory (SQLite in a temporary folder) and
// the fake Ollama: the regenerated draft's prompt carries the same history block as `draft`'s
// (other campaigns only, within the profile's budget), and its record the same provenance (seed,
// temperature, examples, history), and the same examples from the memory. Under --no-memory the prompt carries none. Before, a
// regeneration was blind to what the person had said.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDecisionMemory } from '../../src/app/decision-memory.js';
import { loadLintContext } from '../../src/app/lint-context.js';
import type { MemoryFlag } from '../../src/app/open-memory.js';
import { regenerateDraft } from '../../src/app/regenerate.js';
import { EXAMPLES_LABEL } from '../../src/core/drafting/examples-block.js';
import { createOllamaEngine } from '../../src/engines/ollama/engine.js';
import { DraftsStore } from '../../src/io/drafts-file/store.js';
import { MemoryStore } from '../../src/io/memory/memory-store.js';
import { runCli } from '../helpers/cli.js';
import { approval, mail } from '../helpers/memory-records.js';
import { useFakeOllama } from '../helpers/use-fake-ollama.js';

const fake = useFakeOllama();
const HISTORY = 'Earlier messages with this recipient, newest first';
const PROFILE = `goal: Invite people to a short call about their work.
channel: email
sign_off: Best regards
model:
  temperature: 0.4
  seed: 7
memory:
  history_items: 2
examples:
  - recipient: {first_name: Zoe, company: Umbrella}
    message: {subject: Hello Zoe, body: "Hi Zoe, a short hello. Best regards"}
`;

async function setUp(): Promise<{ dir: string; file: string; memory: string; profile: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'draftsmith-regenerate-memory-'));
  const memory = path.join(dir, 'data', 'memory.db');
  const profile = path.join(dir, 'p.yaml');
  writeFileSync(profile, PROFILE);
  writeFileSync(path.join(dir, 'people.csv'), 'first_name,email,company\nAna,ana@example.org,Acme\n');
  const drafted = await runCli(['draft', 'people.csv', '-p', 'p.yaml', '--host', fake.server.url, '--no-memory'], { cwd: dir, env: { DRAFTSMITH_MEMORY: memory } });
  expect(drafted.code).toBe(0);
  const file = path.join(dir, 'people.drafts.jsonl');
  const m = (await MemoryStore.open(memory, { create: true }))!;
  try {
    const day = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();
    m.recordApproval(approval({ campaign: '/elsewhere/spring.drafts.jsonl', subject: 'Spring hello', body: 'SPRING-TEXT about your launch.', at: day(30) }));
    m.importBatch([mail({ text: 'REPLY-TEXT: not now, try me in Q1.', at: day(20) })]);
    // This campaign's own approval is never its history.
    m.recordApproval(approval({ campaign: file, version: 1, subject: 'Own', body: 'OWN-CAMPAIGN-TEXT', at: day(1), messageId: '<own@draftsmith>' }));
    // Someone else at Acme, approved with this profile: an example of the voice (issue 12).
    m.recordApproval(
      approval({ who: { key: 'email:bob@example.org', email: 'bob@example.org' }, campaign: '/elsewhere/spring.drafts.jsonl', body: 'BOB-EXAMPLE-TEXT', profile, at: day(5), messageId: '<bob@draftsmith>', learning: { channel: 'email', fields: { first_name: 'Bob', company: 'Acme' } } }),
    );
    // Beyond the profile's budget of 2 items.
    m.importBatch([mail({ messageId: 'old@example.org', contentHash: 'old', text: 'OLDEST-TEXT', at: day(40) })]);
  } finally {
    m.close();
  }
  return { dir, file, memory, profile };
}

async function regenerateWith(flag: MemoryFlag, s: { dir: string; file: string; memory: string; profile: string }) {
  const store = await DraftsStore.open(s.file, { lock: true });
  const memory = await openDecisionMemory(flag, s.file, { env: { DRAFTSMITH_MEMORY: s.memory }, cwd: s.dir, warn: (m) => expect.fail(m) });
  const engine = createOllamaEngine({ host: fake.server.url, model: 'llama3.2' });
  try {
    const shown = store.read(store.recipients()[0]!.key)!;
    const before = fake.chats().length;
    const record = await regenerateDraft(await loadLintContext(s.profile), engine, shown, 'shorter', 2, undefined, memory);
    const sent = fake.chats().slice(before);
    expect(sent).toHaveLength(1);
    return { record, asked: JSON.stringify(sent[0]!.body.messages) };
  } finally {
    memory.close();
    await engine.close();
    await store.close();
  }
}

describe('regenerateDraft with the memory', () => {
  it("carries draft's history block (other campaigns, the profile's budget) and records seed, temperature, examples and history", async () => {
    const s = await setUp();
    const { record, asked } = await regenerateWith(undefined, s);
    expect(asked).toContain(HISTORY);
    expect(asked).toContain('REPLY-TEXT: not now, try me in Q1.');
    expect(asked).toContain('SPRING-TEXT');
    expect(asked).not.toContain('OWN-CAMPAIGN-TEXT');
    expect(asked).not.toContain('OLDEST-TEXT');
    // The feedback and the previous text are still there.
    expect(asked).toContain('shorter');
    expect(record).toMatchObject({ version: 2, seed: 7, temperature: 0.4, examples: 1, history: { items: 2 } });
    expect(record.history!.latest).toBe(new Date(Date.parse(record.history!.latest!)).toISOString());
    // The history sits in the recorded prompt, like a draft's; the fingerprint stays the recipient's.
    expect(JSON.stringify(record.messages)).toContain(HISTORY);
    // The same examples as `draft` chooses, recorded by id.
    expect(asked).toContain(EXAMPLES_LABEL);
    expect(asked).toContain('BOB-EXAMPLE-TEXT');
    expect(record.memoryExamples).toHaveLength(1);
  });

  it('under --no-memory the prompt carries no history and the record none', async () => {
    const s = await setUp();
    const { record, asked } = await regenerateWith(false, s);
    expect(asked).not.toContain(HISTORY);
    expect(asked).not.toContain('REPLY-TEXT');
    expect(record.history).toBeUndefined();
    expect(asked).not.toContain('BOB-EXAMPLE-TEXT');
    expect(record.memoryExamples).toBeUndefined();
    expect(record).toMatchObject({ seed: 7, temperature: 0.4, examples: 1 });
  });
});
