// Deciding and exporting with the memory (issue 11) through the built binary, with a real SQLite
// memory in a temporary folder of each campaign's own (testMemory in test/helpers/cli.ts): approvals
// recorded with the reviewer and the Message-ID the eml export writes, re-approval idempotent,
// provenance in JSONL/CSV and (only on request) in mail headers, an opted-out person refused by
// approve --force, left out by export and flagged by lint; the review card shows the history and
// an edit withdraws the approval.
import { afterEach, describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { binPath, cliNode, repoRoot, runCli, testMemory } from '../helpers/cli.js';
import { parseJsonl } from '../helpers/jsonl.js';
import { parseMail } from '../helpers/parse-mail.js';
import { CALL_PROFILE } from '../helpers/profiles.js';
import { hasTmux, TmuxPane } from '../helpers/tmux.js';
import { useFakeOllama } from '../helpers/use-fake-ollama.js';
import { MemoryStore } from '../../src/io/memory/memory-store.js';

const fake = useFakeOllama();
const STACK = /\n\s+at .+:\d+:\d+/;
const CSV = 'first_name,email,company\nAna,ana@example.org,Acme\nBen,ben@example.org,Globex\nCleo,cleo@example.org,Initech\n';

async function drafted(csv = 'people.csv'): Promise<string> {
  const d = mkdtempSync(path.join(os.tmpdir(), 'draftsmith-memory-decisions-'));
  writeFileSync(path.join(d, 'p.yaml'), CALL_PROFILE);
  writeFileSync(path.join(d, csv), CSV);
  const r = await runCli(['draft', csv, '--profile', 'p.yaml', '--host', fake.server.url], { cwd: d, env: { DRAFTSMITH_MEMORY: testMemory(d) } });
  expect(r.stderr).not.toMatch(STACK);
  expect(r.code).toBe(0);
  return d;
}

interface MessageRow {
  email: string;
  state: string;
  version: number;
  reviewer: string;
  campaign: string;
  message_id: string;
  edited: number;
}

function remembered(d: string): MessageRow[] {
  const db = new Database(testMemory(d), { readonly: true });
  try {
    return db
      .prepare('SELECT p.email, m.state, m.version, m.reviewer, m.campaign, m.message_id, m.edited FROM messages m JOIN people p ON p.id = m.person_id ORDER BY m.id')
      .all() as MessageRow[];
  } finally {
    db.close();
  }
}

function notedFiles(d: string): string[] {
  const db = new Database(testMemory(d), { readonly: true });
  try {
    return (db.prepare("SELECT path FROM files WHERE kind = 'export' ORDER BY path").all() as { path: string }[]).map((r) => r.path);
  } finally {
    db.close();
  }
}

async function optOut(d: string, address: string): Promise<void> {
  const store = (await MemoryStore.open(testMemory(d), { create: true }))!;
  try {
    expect(store.optOut(address, 'history optout')).toBe(true);
  } finally {
    store.close();
  }
}

describe('approve and export with the memory', () => {
  it('approve records each approval with the reviewer, once (re-approval changes nothing); eml Message-IDs equal the recorded ones; provenance in JSONL and CSV, in eml headers only with --provenance; every export file is noted', async () => {
    const d = await drafted();
    const first = await runCli(['approve', '--rows', '1-2', '--reviewer', 'sam'], { cwd: d, env: { DRAFTSMITH_MEMORY: testMemory(d) } });
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/created the memory at /);
    const campaign = path.join(d, 'people.drafts.jsonl');
    const rows = remembered(d);
    expect(rows.map((r) => [r.email, r.state, r.version, r.reviewer, r.campaign, r.edited])).toEqual([
      ['ana@example.org', 'approved', 1, 'sam', campaign, 0],
      ['ben@example.org', 'approved', 1, 'sam', campaign, 0],
    ]);
    // What the approvals teach: the channel and the columns as the prompt carried them, searchable by their words.
    const db = new Database(testMemory(d), { readonly: true });
    const learned = db.prepare('SELECT channel, fields, original_body FROM messages ORDER BY id').all() as { channel: string; fields: string; original_body: string | null }[];
    db.close();
    expect(learned.map((r) => [r.channel, JSON.parse(r.fields), r.original_body])).toEqual([
      ['email', { first_name: 'Ana', email: 'ana@example.org', company: 'Acme' }, null],
      ['email', { first_name: 'Ben', email: 'ben@example.org', company: 'Globex' }, null],
    ]);
    const store = (await MemoryStore.open(testMemory(d), { readOnly: true }))!;
    const q = { profile: path.join(d, 'p.yaml'), channel: 'email', who: { key: 'email:zed@example.org' }, excludeCampaign: '/elsewhere', limit: 5 };
    expect(store.exampleCandidates({ ...q, terms: ['globex'] }).map((c) => c.fields['first_name'])).toEqual(['Ben']);
    expect(store.exampleCandidates({ ...q, terms: ['ana'] })).toEqual([]);
    store.close();
    const again = await runCli(['approve', '--rows', '1-2', '--reviewer', 'sam'], { cwd: d, env: { DRAFTSMITH_MEMORY: testMemory(d) } });
    expect(again.stderr).toMatch(/approved 0 draft\(s\)/);
    expect(remembered(d)).toEqual(rows);

    const eml = await runCli(['export', '--format', 'eml', '--out', 'outbox'], { cwd: d, env: { DRAFTSMITH_MEMORY: testMemory(d) } });
    expect(eml.code).toBe(0);
    const files = readdirSync(path.join(d, 'outbox')).sort();
    const mails = files.map((f) => parseMail(readFileSync(path.join(d, 'outbox', f), 'utf8')));
    expect(mails.map((m) => [m.headers['to'], m.headers['message-id']])).toEqual(rows.map((r) => [expect.stringContaining(r.email), `<${r.message_id}>`]));
    expect(mails.flatMap((m) => m.names).filter((n) => /^X-Draftsmith/i.test(n))).toEqual([]);

    // The exported messages, sent and imported from the Sent folder: the approvals become sent, nothing is added.
    const sent = await runCli(['history', 'import', 'outbox', '--direction', 'sent'], { cwd: d, env: { DRAFTSMITH_MEMORY: testMemory(d) } });
    expect(sent.code).toBe(0);
    expect(remembered(d).map((r) => [r.email, r.state, r.message_id])).toEqual(rows.map((r) => [r.email, 'sent', r.message_id]));

    const withHeaders = await runCli(['export', '--format', 'mbox', '--out', 'copy.mbox', '--provenance'], { cwd: d, env: { DRAFTSMITH_MEMORY: testMemory(d) } });
    expect(withHeaders.code).toBe(0);
    const mbox = readFileSync(path.join(d, 'copy.mbox'), 'utf8');
    expect(mbox.match(/^X-Draftsmith-Reviewer: sam$/gm)).toHaveLength(2);
    expect(mbox).toMatch(/^X-Draftsmith-Engine: ollama$/m);
    expect(mbox).toMatch(/^X-Draftsmith-Prompt-Fingerprint: [0-9a-f]{32}$/m);

    const jsonl = await runCli(['export', '--out', 'approved.jsonl'], { cwd: d, env: { DRAFTSMITH_MEMORY: testMemory(d) } });
    expect(jsonl.code).toBe(0);
    const records = parseJsonl(readFileSync(path.join(d, 'approved.jsonl'), 'utf8'));
    expect(records).toHaveLength(2);
    expect(records[0]!.provenance).toMatchObject({
      engine: 'ollama', model: expect.any(String), prompt_fingerprint: expect.stringMatching(/^[0-9a-f]{32}$/), profile: path.join(d, 'p.yaml'),
      history_items: 0, reviewer: 'sam', decided_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), edited: false,
    });
    const csv = await runCli(['export', '--format', 'csv'], { cwd: d, env: { DRAFTSMITH_MEMORY: testMemory(d) } });
    const [header, line] = csv.stdout.split('\r\n');
    expect(header).toBe('first_name,email,company,subject,body,status,engine,host,model,model_digest,seed,temperature,prompt_fingerprint,profile,history_items,examples,reviewer,decided_at,edited');
    expect(line).toMatch(/,approved,ollama,[^,]*,[^,]+,[^,]*,[^,]*,[^,]*,[0-9a-f]{32},[^,]+,0,[^,]*,sam,\d{4}-[^,]+,false$/);

    // eml files are named after their recipients: the memory notes their folder, so no name is in it.
    expect(notedFiles(d)).toEqual([path.join(d, 'approved.jsonl'), path.join(d, 'copy.mbox'), path.join(d, 'outbox')].sort());
  });

  it('an opted-out person: approve --force refuses and names them; export leaves them out, writes the rest and names them; lint flags opted-out as an error', async () => {
    const d = await drafted();
    await optOut(d, 'cleo@example.org');
    const approve = await runCli(['approve', '--rows', '1-3', '--force', '--reviewer', 'sam'], { cwd: d, env: { DRAFTSMITH_MEMORY: testMemory(d) } });
    expect(approve.code).toBe(0);
    expect(approve.stderr).toMatch(/approved 2 draft\(s\): rows 1-2/);
    expect(approve.stderr).toMatch(/not approved, on the do-not-contact list \(no flag overrides it\): row 3 Cleo <cleo@example\.org> \(opted-out: history optout\)/);
    expect(remembered(d).map((r) => r.email)).toEqual(['ana@example.org', 'ben@example.org']);

    // Ben opts out after his approval: export checks the list again before writing anything.
    await optOut(d, 'ben@example.org');
    const exported = await runCli(['export', '--out', 'approved.jsonl'], { cwd: d, env: { DRAFTSMITH_MEMORY: testMemory(d) } });
    expect(exported.code).toBe(0);
    expect(exported.stderr).toMatch(/row 2 \(Ben <ben@example\.org>\) not exported: on the do-not-contact list, opted-out: history optout/);
    expect(exported.stderr).toMatch(/wrote 1 record\(s\) to approved\.jsonl/);
    expect(parseJsonl(readFileSync(path.join(d, 'approved.jsonl'), 'utf8')).map((r) => r.recipient.first_name)).toEqual(['Ana']);
    const eml = await runCli(['export', '--format', 'eml', '--out', 'outbox'], { cwd: d, env: { DRAFTSMITH_MEMORY: testMemory(d) } });
    expect(readdirSync(path.join(d, 'outbox'))).toEqual([expect.stringMatching(/ana/)]);
    expect(eml.stderr).toMatch(/row 2 .*not exported: on the do-not-contact list/);

    const lint = await runCli(['lint', 'people.drafts.jsonl'], { cwd: d, env: { DRAFTSMITH_MEMORY: testMemory(d) } });
    expect(lint.code).toBe(1);
    expect(lint.stdout).toMatch(/^row 2\terror\topted-out\tthe recipient asked not to be contacted: history optout$/m);
    expect(lint.stdout).toMatch(/^row 3\terror\topted-out\t/m);
    expect(lint.stdout).not.toMatch(/^row 1\terror\topted-out/m);
  });
});

describe('--no-memory', () => {
  it('records nothing, yet the do-not-contact list still holds: approve refuses the opted-out person and export leaves them out', async () => {
    const d = await drafted();
    await optOut(d, 'ben@example.org');
    const env = { DRAFTSMITH_MEMORY: testMemory(d) };
    const approve = await runCli(['approve', '--rows', '1-2', '--force', '--no-memory'], { cwd: d, env });
    expect(approve.code).toBe(0);
    expect(approve.stderr).toMatch(/approved 1 draft\(s\): rows 1\n/);
    expect(approve.stderr).toMatch(/on the do-not-contact list \(no flag overrides it\): row 2 /);
    expect(remembered(d)).toEqual([]);
    // Ben approved by hand in the drafts file, as an older draftsmith would have let through.
    const key = parseJsonl(readFileSync(path.join(d, 'people.drafts.jsonl'), 'utf8')).find((r) => r.type === 'draft' && r.row === 2)!.key;
    writeFileSync(path.join(d, 'people.drafts.jsonl'), `${JSON.stringify({ type: 'decision', key, row: 2, status: 'approved', version: 1, at: new Date().toISOString() })}\n`, { flag: 'a' });
    const exported = await runCli(['export', '--no-memory'], { cwd: d, env });
    expect(exported.code).toBe(0);
    expect(parseJsonl(exported.stdout).map((r) => r.recipient.first_name)).toEqual(['Ana']);
    expect(exported.stderr).toMatch(/row 2 \(Ben <ben@example\.org>\) not exported: on the do-not-contact list/);
    expect(notedFiles(d)).toEqual([]);
  });
});

const panes: TmuxPane[] = [];
afterEach(() => {
  while (panes.length) panes.pop()!.close();
});

function review(d: string, file: string, ...args: string[]): TmuxPane {
  const pane = new TmuxPane({
    command: [cliNode, binPath, 'review', file, '--host', fake.server.url, '--reviewer', 'sam', ...args],
    cwd: d,
    env: {
      PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8', TERM: 'xterm-256color',
      VISUAL: `'${process.execPath}' '${path.join(repoRoot, 'test/helpers/fake-editor.mjs')}'`, FAKE_EDITOR_APPEND: 'EDITED-BY-SAM',
      DRAFTSMITH_MEMORY: testMemory(d),
    },
  });
  panes.push(pane);
  pane.start();
  return pane;
}

describe.skipIf(!hasTmux)('review with the memory, in a terminal (tmux)', () => {
  it('the card of a second campaign shows what was approved for the person in the first, and the lint says the subject repeats it; an edit of an approved draft withdraws its approval in the memory', async () => {
    // The same answer for both campaigns: the second repeats what the first approved.
    fake.server.setBehaviour(() => ({ content: JSON.stringify({ subject: 'A note for Ana at Acme', body: 'Hi Ana,\nI came across the work at Acme and wanted to say hello. Best regards' }) }));
    const d = await drafted();
    expect((await runCli(['approve', '--rows', '1', '--reviewer', 'sam'], { cwd: d, env: { DRAFTSMITH_MEMORY: testMemory(d) } })).code).toBe(0);
    copyFileSync(path.join(d, 'people.csv'), path.join(d, 'autumn.csv'));
    expect((await runCli(['draft', 'autumn.csv', '--profile', 'p.yaml', '--host', fake.server.url], { cwd: d, env: { DRAFTSMITH_MEMORY: testMemory(d) } })).code).toBe(0);

    const autumn = review(d, 'autumn.drafts.jsonl');
    const card = await autumn.waitFor((s) => /Draft 1 of 3/.test(s) && /\? Action/.test(s));
    expect(card).toMatch(/Earlier with this person\n\s+\d{4}-\d\d-\d\d\s+approved\s+\S/);
    expect(card).toMatch(/subject is nearly the same as the one approved on .*\[repeats-earlier\]/);
    expect(card).toMatch(/opening sentence is nearly the same as the one approved on .*\[repeats-earlier\]/);
    autumn.type('q');
    autumn.keys('Enter');
    expect(await autumn.exitCode()).toBe(0);

    const spring = review(d, 'people.drafts.jsonl', '--all');
    await spring.waitFor((s) => /Draft 1 of 3/.test(s) && /\? Action/.test(s));
    spring.type('e');
    spring.keys('Enter');
    await spring.waitFor((s) => /EDITED-BY-SAM/.test(s) && /\? Action/.test(s));
    spring.type('q');
    spring.keys('Enter');
    expect(await spring.exitCode()).toBe(0);
    expect(remembered(d).map((r) => [r.email, r.state])).toEqual([['ana@example.org', 'withdrawn']]);
  }, 60_000);
});
