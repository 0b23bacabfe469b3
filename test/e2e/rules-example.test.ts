// The README's complete example (fixtures/rules: rules, a catalog, variants, an answer field) through
// the built binary against the fake Ollama server, as a user would run it: the profile checks; the
// run asks two variants of every row but the one a rule skips, each prompt carrying that
// recipient's rules and catalog picks and every request's schema the `ps` field; the reviewer's
// pick of variant 2 is exported with its name and field. And the README shows that profile as it is.
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { fixture, repoRoot, runCli, testMemory } from '../helpers/cli.js';
import { useFakeOllama } from '../helpers/use-fake-ollama.js';

const fake = useFakeOllama();
const STACK = /\n\s+at .+:\d+:\d+/;

type Chat = { body: { messages: { role: string; content: string }[]; format: { properties: Record<string, unknown> } } };

/** The requests by the recipient's first name in their data block. */
function byName(chats: Chat[]): Map<string, Chat[]> {
  const out = new Map<string, Chat[]>();
  for (const c of chats) {
    const name = /"first_name": "(\w+)"/.exec(c.body.messages.at(-1)!.content)![1]!;
    out.set(name, [...(out.get(name) ?? []), c]);
  }
  return out;
}

describe('fixtures/rules, the README example', () => {
  it('the README shows fixtures/rules/profile.yaml as it is', () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Rules, catalog and variants'));
    const shown = /```yaml\n([\s\S]*?)```/.exec(section)![1];
    expect(shown).toBe(readFileSync(fixture('rules/profile.yaml'), 'utf8'));
  });

  it('checks, drafts two variants per row with each row its rules and picks, skips by rule, exports the pick', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'draftsmith-rules-example-'));
    cpSync(fixture('rules'), dir, { recursive: true });
    const cli = (...args: string[]) => runCli(args, { cwd: dir, env: { DRAFTSMITH_MEMORY: testMemory(dir) } });

    const check = await cli('profile', 'check', 'profile.yaml');
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/rules: +5 rule\(s\)/);
    expect(check.stdout).toMatch(/catalog: +products\.yaml \(5 item\(s\)\)/);

    const before = fake.chats().length;
    const run = await cli('draft', 'recipients.csv', '--profile', 'profile.yaml', '--host', fake.server.url);
    expect(run.stderr).not.toMatch(STACK);
    expect(run.code).toBe(0);
    const sent = byName(fake.chats().slice(before) as Chat[]);
    expect([...sent.keys()].sort()).toEqual(['Jonas', 'Maya', 'Priya', 'Sofia']);
    for (const chats of sent.values()) {
      expect(chats).toHaveLength(2);
      for (const c of chats) expect(Object.keys(c.body.format.properties)).toEqual(['subject', 'ps', 'body']);
    }
    const prompt = (name: string) => sent.get(name)![0]!.body.messages.map((m) => m.content).join('\n');
    expect(prompt('Priya')).toContain('Acknowledge that they left');
    expect(prompt('Priya')).toContain('https://tidewater.example/migration-help');
    expect(prompt('Maya')).toContain('https://tidewater.example/guides/incremental-sync');
    expect(prompt('Maya')).not.toContain('Acknowledge that they left');
    expect(prompt('Jonas')).toContain('Viele Grüße');
    expect(prompt('Sofia')).toContain('Mention one concrete manual task');
    expect(run.stderr).toMatch(/rules: german-speaking 2 · churned 1 · opted-out-column 1 · trial-analyst 1/);
    expect(run.stderr).toMatch(/row 4: rule opted-out-column/);

    const approve = await cli('approve', '--rows', '3', '--variant', '2');
    expect(approve.code).toBe(0);
    const exported = await cli('export', '--format', 'csv');
    expect(exported.code).toBe(0);
    const rows = parse(exported.stdout, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ first_name: 'Priya', status: 'churned', draft_status: 'approved', variant: 'story', ps: 'ps for Priya' });
  });
});
