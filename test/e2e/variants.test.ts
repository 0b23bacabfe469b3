// Variants (issue 13 §4) through the built binary against the fake Ollama server: a profile with
// three variants makes three requests a row, each carrying its angle; every variant is linted;
// approve needs --variant
// (and refuses one out of range); the export carries the approved variant's text and name, the
// memory records that text; status and stats show the approval rate per variant; plain variants
// at temperature 0, and variants through a batch file, are refused before any request.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { runCli, testMemory } from '../helpers/cli.js';
import { parseJsonl } from '../helpers/jsonl.js';
import { CALL_PROFILE } from '../helpers/profiles.js';
import { useFakeOllama } from '../helpers/use-fake-ollama.js';

const fake = useFakeOllama();
const STACK = /\n\s+at .+:\d+:\d+/;
const PROFILE = `${CALL_PROFILE}variants:
  - {name: short, instructions: "Three sentences at most."}
  - {name: story, instructions: "Open with a one-line story from their field."}
  - {name: data, instructions: "Lead with one number from their work."}
`;
const CSV = 'first_name,email,company\nAna,ana@example.org,Acme\nBen,ben@example.org,Globex\n';

/** The fake model writes which angle and whom it was asked for, so the test sees which text went where. */
function answer(req: { body: { messages: { role: string; content: string }[] } }): string {
  const last = req.body.messages.at(-1)!.content;
  const angle = /This version's angle \((\w+)\)/.exec(last)?.[1] ?? 'plain';
  const who = /Ana|Ben/.exec(last)?.[0] ?? 'there';
  // The data angle leaves a placeholder in: the lint must find it in that variant.
  const gap = angle === 'data' ? ' {{company}}' : '';
  return JSON.stringify({ subject: `${angle} for ${who}`, body: `Hi ${who}, the ${angle} version${gap}. Would a short call suit you?\n\nBest regards\nSam Lee` });
}

describe('draft --variants / profile variants', () => {
  it('3 variants make 3 requests a row; approve --variant 2 exports variant 2 with its name; status and stats show the rate per variant', async () => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'draftsmith-variants-'));
    writeFileSync(path.join(d, 'p.yaml'), PROFILE);
    writeFileSync(path.join(d, 'people.csv'), CSV);
    const env = { DRAFTSMITH_MEMORY: testMemory(d) };
    const cli = (args: string[]) => runCli(args, { cwd: d, env });
    fake.server.setBehaviour((req) => ({ content: answer(req) }));

    const drafted = await cli(['draft', 'people.csv', '--profile', 'p.yaml', '--host', fake.server.url]);
    expect(drafted.stderr).not.toMatch(STACK);
    expect(drafted.code).toBe(0);
    const chats = fake.chats();
    expect(chats).toHaveLength(6);
    const angles = chats.map((c) => /angle \((\w+)\)/.exec(c.body.messages.at(-1).content)?.[1]);
    expect(angles.sort()).toEqual(['data', 'data', 'short', 'short', 'story', 'story']);

    // Every variant of an undecided draft is linted, each finding naming its variant.
    const lint = await cli(['lint', 'people.drafts.jsonl']);
    expect(lint.code).toBe(1);
    expect(lint.stdout.trim().split('\n')).toEqual([
      'row 1\terror\tplaceholder\tvariant data: unfilled placeholder {{company}}',
      'row 2\terror\tplaceholder\tvariant data: unfilled placeholder {{company}}',
    ]);

    // approve never picks a variant; one out of range is refused before anything is approved.
    const unpicked = await cli(['approve', '--rows', '1']);
    expect(unpicked.code).toBe(0);
    expect(unpicked.stderr).toMatch(/approved 0 draft\(s\)/);
    expect(unpicked.stderr).toMatch(/drafted in variants and none picked: rows 1/);
    const outOfRange = await cli(['approve', '--rows', '1', '--variant', '4']);
    expect(outOfRange.code).toBe(2);
    expect(outOfRange.stderr).toMatch(/row 1 has 3 variant\(s\) \(1 short, 2 story, 3 data\): --variant 4 is not one of them/);
    expect(outOfRange.stderr).not.toMatch(STACK);

    const approved = await cli(['approve', '--rows', '1', '--variant', '2', '--reviewer', 'sam']);
    expect(approved.stderr).not.toMatch(STACK);
    expect(approved.code).toBe(0);
    expect(approved.stderr).toMatch(/approved 1 draft\(s\): rows 1 \(variant 2/);

    const jsonl = await cli(['export', '--out', '-']);
    expect(jsonl.code).toBe(0);
    const records = parseJsonl(jsonl.stdout) as { row: number; subject: string; body: string; variant?: string }[];
    expect(records.map((r) => [r.row, r.variant, r.subject])).toEqual([[1, 'story', 'story for Ana']]);
    expect(records[0]!.body).toContain('the story version');
    const csv = await cli(['export', '--format', 'csv', '--out', '-']);
    expect(csv.stdout).toMatch(/^first_name,email,company,subject,body,status,variant,engine,/);
    expect(csv.stdout).toMatch(/,approved,story,ollama,/);

    // The memory recorded the approved variant's text.
    const db = new Database(testMemory(d), { readonly: true });
    const remembered = db.prepare("SELECT subject, body FROM messages WHERE state = 'approved'").all() as { subject: string; body: string }[];
    db.close();
    expect(remembered.map((m) => m.subject)).toEqual(['story for Ana']);

    const status = await cli(['status']);
    expect(status.stdout).toMatch(/variants\s+short 0\/2 approved \(0%\), story 1\/2 approved \(50%\), data 0\/2 approved \(0%\)/);
    const stats = await cli(['stats']);
    expect(stats.code).toBe(0);
    expect(stats.stdout).toMatch(/approval rate per variant/);
    expect(stats.stdout).toMatch(/variants: short 0\/2 approved \(0%\), story 1\/2 approved \(50%\), data 0\/2 approved \(0%\)/);
    // Ten spawns of the binary: on a busy machine that is more than the default 30 s.
  }, 90_000);

  it('refuses plain --variants at temperature 0 before any request, saying why', async () => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'draftsmith-variants-'));
    writeFileSync(path.join(d, 'p.yaml'), CALL_PROFILE);
    writeFileSync(path.join(d, 'people.csv'), CSV);
    const before = fake.chats().length;
    const r = await runCli(['draft', 'people.csv', '--profile', 'p.yaml', '--host', fake.server.url, '--variants', '3', '--temperature', '0'], { cwd: d });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/3 variants at temperature 0 would be 3 identical drafts/);
    expect(r.stderr).toMatch(/--temperature 0\.8/);
    // Batch files hold one request per recipient: variants are refused there, before the list is read.
    writeFileSync(path.join(d, 'v.yaml'), PROFILE);
    const batch = await runCli(['draft', 'people.csv', '--profile', 'v.yaml', '--model', 'm', '--batch-out', 'requests.jsonl'], { cwd: d });
    expect(batch.code).toBe(2);
    expect(batch.stderr).toMatch(/variants are not drafted through batch files/);
    expect(fake.chats().length).toBe(before);
  });
});
