// Sentiment through the built binary against the fake Ollama server (issue 13 §2), asserting on the
// requests it receives: the dry run shows the classification request and sends nothing; a run asks
// exactly one classification for the one recipient whose last reply (in the real memory) is
// negative, and the sentiment rule's instructions reach that recipient's prompt only; a re-run asks
// nothing (the memory's analysis cache answers it, and no draft changed), and a dry run then shows
// the rule firing from the memory's label; --no-model-analysis asks
// nothing, the rule does not fire, and the summary says so. The fake's label is scripted here.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/io/memory/memory-store.js';
import { SENTIMENT_SCHEMA } from '../../src/core/analysis/sentiment.js';
import { runCli } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';
import type { RecordedRequest } from '../helpers/fake-ollama/index.js';
import { mail } from '../helpers/memory-records.js';
import { useFakeOllama } from '../helpers/use-fake-ollama.js';

const fake = useFakeOllama();
const STACK = /\n\s+at .+\(.*:\d+:\d+\)/;
const RULE_TEXT = 'Answer their concern first.';
const REPLY = 'Ehrlich gesagt bin ich ziemlich enttäuscht: der Export bricht seit Wochen ab.';
let dir: string;
let memoryFile: string;

const PROFILE = `goal: Invite them to the private beta.
channel: email
rules:
  - name: negative-reply
    when: {sentiment: negative}
    then: {tone: [apologetic, brief], instructions: "${RULE_TEXT}"}
`;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'draftsmith-e2e-sentiment-'));
  memoryFile = path.join(dir, 'data', 'memory.db');
  writeFileSync(path.join(dir, 'profile.yaml'), PROFILE);
  writeFileSync(path.join(dir, 'leads.csv'), 'first_name,email,company\nAna,ana@example.org,Northwind\nBen,ben@example.org,Kraftwerk\n');
  const m = (await MemoryStore.open(memoryFile, { create: true }))!;
  m.importBatch([mail({ address: 'ana@example.org', text: REPLY, at: '2026-01-03T09:00:00.000Z' })]);
  m.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const isClassification = (r: RecordedRequest) => JSON.stringify(r.body.format) === JSON.stringify(SENTIMENT_SCHEMA);
const draft = (...extra: string[]) => {
  // The label is the test's: negative for Ana's reply; a draft gets the fake's usual answer.
  fake.server.setBehaviour((req) => (isClassification(req) ? { content: JSON.stringify({ sentiment: 'negative', confidence: 0.91, reason: 'Disappointed about the export.' }) } : undefined));
  return runCli(['draft', 'leads.csv', '--profile', 'profile.yaml', '--host', fake.server.url, ...extra], { cwd: dir, env: { DRAFTSMITH_MEMORY: memoryFile } });
};

/** This run's requests: the classifications, and the draft requests by first name. */
function since(from: number) {
  const all = fake.chats().slice(from);
  const drafts = new Map<string, string>();
  for (const r of all.filter((x) => !isClassification(x))) {
    const text = JSON.stringify(r.body.messages);
    drafts.set(/\\"first_name\\": \\"(\w+)\\"/.exec(text)![1]!, text);
  }
  return { classifications: all.filter(isClassification), drafts };
}

function records(): Record<string, any>[] {
  return readFileSync(path.join(dir, 'leads.drafts.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((r) => r.type === 'draft');
}

describe('draftsmith draft with a rule on sentiment (end to end, fake Ollama)', () => {
  it('dry run: shows the classification request of the reply, sends nothing', async () => {
    const before = fake.chats().length;
    const r = await draft('--dry-run', '--format', 'text');
    expect(r.code).toBe(0);
    expect(fake.chats().length).toBe(before);
    expect(r.stdout).toContain('--- sentiment of reply: asked of the model first');
    expect(r.stdout.match(/--- sentiment of reply/g)).toHaveLength(1);
    expect(r.stdout).toContain(REPLY);
    expect(r.stdout).not.toContain(RULE_TEXT);
  });

  it('one classification request for the negative reply; its rule reaches that prompt only; recorded on the draft', async () => {
    const before = fake.chats().length;
    const r = await draft();
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(STACK);
    const { classifications, drafts } = since(before);
    expect(classifications).toHaveLength(1);
    expect(classifications[0]!.body.options).toMatchObject({ temperature: 0 });
    expect(JSON.stringify(classifications[0]!.body.messages)).toContain(JSON.stringify(REPLY).slice(1, -1));
    expect(drafts.get('Ana')).toContain(RULE_TEXT);
    expect(drafts.get('Ben')).toBeDefined();
    expect(drafts.get('Ben')).not.toContain(RULE_TEXT);
    const ana = records().find((d) => d.recipient?.email === 'ana@example.org')!;
    expect(ana.rules).toEqual(['negative-reply']);
    expect(ana.sentiment).toEqual({ reply: { label: 'negative', confidence: 0.91 } });
    expect(r.stderr).toContain('sentiment: 1 text(s) labelled: 1 by the model (1 request(s)), 0 from the memory');
  });

  it('a re-run asks nothing: the memory answers the classification, and no draft changed', async () => {
    const before = fake.chats().length;
    const r = await draft();
    expect(r.code).toBe(0);
    expect(since(before).classifications).toHaveLength(0);
    expect(since(before).drafts.size).toBe(0);
    expect(r.stderr).toContain('sentiment: 1 text(s) labelled: 0 by the model (0 request(s)), 1 from the memory');
    // The dry run reads the memory's label too: the rule shows as firing, and nothing is left to ask.
    const dry = await draft('--dry-run', '--format', 'text');
    expect(dry.stdout).toContain('(rules: negative-reply)');
    expect(dry.stdout).toContain(RULE_TEXT);
    expect(dry.stdout).not.toContain('--- sentiment of');
    expect(fake.chats().length).toBe(before);
  });

  it('--no-model-analysis: no classification, the rule does not fire (Ana is redrafted without it), the summary says so', async () => {
    const before = fake.chats().length;
    const r = await draft('--no-model-analysis');
    expect(r.code).toBe(0);
    const { classifications, drafts } = since(before);
    expect(classifications).toHaveLength(0);
    expect([...drafts.keys()]).toEqual(['Ana']);
    expect(drafts.get('Ana')).not.toContain(RULE_TEXT);
    expect(r.stderr).toContain('sentiment: not classified (--no-model-analysis): the rules on sentiment did not fire');
  });

  it('Ctrl-C while a classification is asked: a clean interrupt (exit 130, the resume hint), not an internal error', async () => {
    writeFileSync(path.join(dir, 'company.yaml'), PROFILE.replace('{sentiment: negative}', '{sentiment: negative, of: company}'));
    fake.server.setBehaviour((req) => (isClassification(req) ? { hang: true } : undefined));
    const before = fake.chats().length;
    const run = runCli(['draft', 'leads.csv', '--profile', 'company.yaml', '--drafts', 'company.drafts.jsonl', '--host', fake.server.url], { cwd: dir, env: { DRAFTSMITH_MEMORY: memoryFile } });
    await waitFor(() => fake.chats().slice(before).some(isClassification), 20_000);
    run.child.kill('SIGINT');
    const r = await run;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('interrupted');
    expect(r.stderr).not.toContain('internal error');
    expect(r.stderr).not.toMatch(STACK);
  });
});
