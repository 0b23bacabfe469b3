// The built binary drafting with profile rules against the fake Ollama server, asserting on the
// requests it receives: a churned row's prompt carries its rule's instructions (and only that row's
// does), a skip rule makes no request and is recorded as excluded (re-evaluated every run), the
// summary counts the rules, the dry run names them, and a bad rule stops the run at file:line.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { CALL_PROFILE } from '../helpers/profiles.js';
import { readJsonl } from '../helpers/jsonl.js';
import { useFakeOllama } from '../helpers/use-fake-ollama.js';

const fake = useFakeOllama();
const STACK = /\n\s+at .+\(.*:\d+:\d+\)/;
const CHURNED = 'Acknowledge that they left; no hard pitch.';
const RULES = `rules:
  - name: churned
    when: {column: status, equals: churned}
    then: {instructions: "${CHURNED}", tone: humble}
  - name: do-not-email
    when: {column: do_not_email, equals: "yes"}
    then: {skip: true}
`;
const CSV = (caroOptsOut: boolean) =>
  ['first_name,email,status,do_not_email', 'Ana,ana@example.org,Churned,', 'Ben,ben@example.org,active,', `Caro,caro@example.org,active,${caroOptsOut ? 'yes' : ''}`, ''].join('\n');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'draftsmith-e2e-rules-'));
  writeFileSync(path.join(dir, 'profile.yaml'), `${CALL_PROFILE}${RULES}`);
  writeFileSync(path.join(dir, 'leads.csv'), CSV(true));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const draft = (...extra: string[]) => runCli(['draft', 'leads.csv', '--profile', 'profile.yaml', '--host', fake.server.url, ...extra], { cwd: dir });

/** The requests the fake server got since `from`: first name -> [system, user]. */
function requests(from: number): Map<string, [string, string]> {
  const out = new Map<string, [string, string]>();
  for (const r of fake.chats().slice(from)) {
    const [system, user] = (r.body as { messages: { content: string }[] }).messages;
    out.set(/"first_name": "(\w+)"/.exec(user!.content)![1]!, [system!.content, user!.content]);
  }
  return out;
}

describe('draftsmith draft with profile rules (end to end, fake Ollama)', () => {
  it('the churned row\'s prompt carries the rule; the skip rule makes no request and is re-evaluated every run', async () => {
    const before = fake.chats().length;
    const first = await draft();
    expect(first.stderr).not.toMatch(STACK);
    expect(first.code).toBe(0);
    const sent = requests(before);
    expect([...sent.keys()].sort()).toEqual(['Ana', 'Ben']);
    expect(sent.get('Ana')![0]).toContain(CHURNED);
    expect(sent.get('Ana')![0]).toMatch(/Tone: humble\./);
    expect(sent.get('Ben')![0]).not.toContain(CHURNED);
    expect(first.stderr).toMatch(/rules: churned 1 · do-not-email 1/);
    expect(first.stderr).toMatch(/1 recipient\(s\) skipped by a rule[^\n]*\n {2}row 3: rule do-not-email/);

    const records = readJsonl(path.join(dir, 'leads.drafts.jsonl')) as { type: string; row: number; rules?: string[]; reason?: string }[];
    expect(records.find((r) => r.type === 'draft' && r.row === 1)?.rules).toEqual(['churned']);
    expect(records.find((r) => r.type === 'draft' && r.row === 2)).not.toHaveProperty('rules');
    expect(records.filter((r) => r.type === 'excluded')).toEqual([expect.objectContaining({ row: 3, reason: 'rule do-not-email' })]);

    // Unchanged: no request; the skip holds and is not recorded twice.
    const again = fake.chats().length;
    const second = await draft();
    expect(second.code).toBe(0);
    expect(fake.chats().length).toBe(again);
    expect(second.stderr).toMatch(/row 3: rule do-not-email/);
    expect((readJsonl(path.join(dir, 'leads.drafts.jsonl')) as { type: string }[]).filter((r) => r.type === 'excluded')).toHaveLength(1);

    // The row no longer matches the skip rule: the next run drafts it.
    writeFileSync(path.join(dir, 'leads.csv'), CSV(false));
    const third = fake.chats().length;
    const back = await draft();
    expect(back.code).toBe(0);
    expect([...requests(third).keys()]).toEqual(['Caro']);
    writeFileSync(path.join(dir, 'leads.csv'), CSV(true));
  });

  it('the dry run names each row\'s rules and the skipped row, and sends nothing', async () => {
    const before = fake.chats().length;
    const dry = await draft('--dry-run');
    expect(dry.code).toBe(0);
    expect(fake.chats().length).toBe(before);
    const rows = dry.stdout.trim().split('\n').map((l) => JSON.parse(l) as { row: number; rules?: string[] });
    expect(rows.map((r) => [r.row, r.rules])).toEqual([[1, ['churned']], [2, undefined]]);
    expect(dry.stderr).toMatch(/row 3 is not drafted: rule do-not-email/);
  });

  it('a rule that cannot work stops the run at file:line, naming the rule, before any request', async () => {
    writeFileSync(path.join(dir, 'bad.yaml'), `${CALL_PROFILE}rules:\n  - name: vip\n    when: {column: notes, matches: "(unclosed"}\n    then: {tone: brief}\n`);
    const before = fake.chats().length;
    const run = await runCli(['draft', 'leads.csv', '--profile', 'bad.yaml', '--host', fake.server.url], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).not.toMatch(STACK);
    const line = readFileSync(path.join(dir, 'bad.yaml'), 'utf8').split('\n').findIndex((l) => l.includes('(unclosed')) + 1;
    expect(run.stderr).toMatch(new RegExp(`bad\\.yaml:${line}:\\d+: rules\\[0\\] \\(vip\\): when\\.matches: not a valid regular expression`));
    expect(fake.chats().length).toBe(before);
  });
});
