// A profile's own answer fields (output.fields) through the built binary: the request's schema
// carries them (Ollama `format`, and the OpenAI body a --batch-out file holds), the answer's fields
// reach the drafts file, an `approve --edit` file changes one, and `export` writes them as CSV
// columns (formulas neutralised) and JSONL keys. A field named like a CSV column stops the run
// before any request.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';
import { parseJsonl } from '../helpers/jsonl.js';
import { CALL_PROFILE } from '../helpers/profiles.js';
import { readRequests, runBatch } from '../helpers/run-batch.js';
import { useFakeOllama } from '../helpers/use-fake-ollama.js';

const PROFILE = `${CALL_PROFILE}output:
  fields:
    ps: a one-line P.S. about their talk
    icebreaker: one sentence
`;
const CSV = 'first_name,email,company\nAna,ana@example.org,Acme\nBen,ben@example.org,Hooli\n';
const STACK = /\n\s+at .+:\d+:\d+/;

const fake = useFakeOllama();

function campaign(csv = CSV): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'draftsmith-fields-'));
  writeFileSync(path.join(dir, 'people.csv'), csv);
  writeFileSync(path.join(dir, 'profile.yaml'), PROFILE);
  return dir;
}

describe('output fields (end to end)', () => {
  it('the request asks for the fields; they reach the drafts, an approve --edit file, and the CSV and JSONL exports', async () => {
    const dir = campaign();
    // Ben's P.S. is a spreadsheet formula: model output is untrusted.
    fake.server.setBehaviour((req) =>
      JSON.stringify(req.body?.messages ?? []).includes('Hooli')
        ? { content: JSON.stringify({ subject: 'Hello Ben', ps: '=HYPERLINK("http://evil.example")', icebreaker: 'Hooli ships fast.', body: 'Hi Ben, shall we talk?\n\nBest regards' }) }
        : undefined,
    );
    const before = fake.chats().length;
    const r = await runCli(['draft', 'people.csv', '--profile', 'profile.yaml', '--host', fake.server.url], { cwd: dir });
    expect(r.stderr).not.toMatch(STACK);
    expect(r.code).toBe(0);
    const chats = fake.chats().slice(before);
    expect(chats).toHaveLength(2);
    const format = chats[0]!.body.format as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(format.properties)).toEqual(['subject', 'ps', 'icebreaker', 'body']);
    expect(format.required).toEqual(['subject', 'ps', 'icebreaker', 'body']);
    expect(format.properties.ps).toEqual({ type: 'string', description: 'a one-line P.S. about their talk' });
    expect(chats[0]!.body.messages[0].content).toContain('"ps" holds a one-line P.S. about their talk; "icebreaker" holds one sentence');

    const drafts = parseJsonl(readFileSync(path.join(dir, 'people.drafts.jsonl'), 'utf8')).filter((x) => x.type === 'draft');
    expect(drafts.map((d) => d.fields)).toEqual([
      { ps: 'ps for Ana', icebreaker: 'icebreaker for Ana' },
      { ps: '=HYPERLINK("http://evil.example")', icebreaker: 'Hooli ships fast.' },
    ]);

    writeFileSync(path.join(dir, 'edit.txt'), 'Subject: A note for Ana\nps: P.S. Loved your talk on tides.\n\nHi Ana, would a short call suit you?\n\nBest regards\n');
    const edited = await runCli(['approve', '--rows', '1', '--edit', 'edit.txt'], { cwd: dir });
    expect(edited.stderr).not.toMatch(STACK);
    expect(edited.code).toBe(0);
    expect((await runCli(['approve', '--rows', '2'], { cwd: dir })).code).toBe(0);

    const csv = await runCli(['export', '--format', 'csv', '--out', '-'], { cwd: dir });
    expect(csv.code).toBe(0);
    const [header, ana, ben] = csv.stdout.split('\r\n');
    expect(header).toMatch(/^first_name,email,company,subject,body,ps,icebreaker,status,/);
    expect(ana).toContain(',P.S. Loved your talk on tides.,icebreaker for Ana,approved,');
    expect(ben).toContain(`,"'=HYPERLINK(""http://evil.example"")",Hooli ships fast.,approved,`);

    const jsonl = await runCli(['export', '--format', 'jsonl', '--out', '-'], { cwd: dir });
    const records = parseJsonl(jsonl.stdout);
    expect(records.map((x) => [x.ps, x.icebreaker])).toEqual([
      ['P.S. Loved your talk on tides.', 'icebreaker for Ana'],
      ['=HYPERLINK("http://evil.example")', 'Hooli ships fast.'],
    ]);
    expect(Object.keys(records[0]!).slice(2, 7)).toEqual(['subject', 'body', 'ps', 'icebreaker', 'status']);
  });

  it('--batch-out writes the fields into the OpenAI request body; --batch-in reads them back into the drafts', async () => {
    const dir = campaign();
    const out = await runCli(['draft', 'people.csv', '--profile', 'profile.yaml', '--batch-out', 'requests.jsonl', '--model', 'm1'], { cwd: dir });
    expect(out.code).toBe(0);
    const [first] = readRequests(path.join(dir, 'requests.jsonl'));
    const format = first!.body.response_format;
    expect(format.type).toBe('json_schema');
    expect(Object.keys(format.json_schema.schema.properties)).toEqual(['subject', 'ps', 'icebreaker', 'body']);
    runBatch(path.join(dir, 'requests.jsonl'), path.join(dir, 'results.jsonl'));
    const back = await runCli(['draft', 'people.csv', '--profile', 'profile.yaml', '--batch-in', 'results.jsonl'], { cwd: dir });
    expect(back.stderr).not.toMatch(STACK);
    expect(back.code).toBe(0);
    const drafts = parseJsonl(readFileSync(path.join(dir, 'people.drafts.jsonl'), 'utf8')).filter((x) => x.type === 'draft');
    expect(drafts.map((d) => d.fields)).toEqual([
      { ps: 'ps for Ana', icebreaker: 'icebreaker for Ana' },
      { ps: 'ps for Ben', icebreaker: 'icebreaker for Ben' },
    ]);
  });

  it('a field named like a CSV column: exit 2 naming both, before any request', async () => {
    const dir = campaign('first_name,email,PS\nAna,ana@example.org,x\n');
    const before = fake.chats().length;
    const r = await runCli(['draft', 'people.csv', '--profile', 'profile.yaml', '--host', fake.server.url], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the output field `ps` has the name of the CSV column "PS" in people.csv.');
    expect(r.stderr).toMatch(/rename the field in the profile's output\.fields/);
    expect(r.stderr).not.toMatch(STACK);
    expect(fake.chats().length).toBe(before);
  });
});
