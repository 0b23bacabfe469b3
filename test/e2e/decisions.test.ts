// The decision model through the built binary (issue 8): drafts and decisions follow recipients,
// not row numbers; a drafts file belongs to one list; approve approves only what a person could
// have approved; every command shows the latest version; lint reads a drafts file with decisions.
import { describe, expect, it } from 'vitest';
import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fixture, runCli } from '../helpers/cli.js';
import { parseJsonl, readJsonl } from '../helpers/jsonl.js';
import type { RecordedRequest } from '../helpers/fake-ollama/index.js';
import { useFakeOllama } from '../helpers/use-fake-ollama.js';
import { closedPort } from '../helpers/net.js';
import { LINTED_CALL_PROFILE } from '../helpers/profiles.js';

const fake = useFakeOllama();

const STACK = /\n\s+at .+:\d+:\d+/;

function tmp(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'draftsmith-decisions-'));
}

/** The /api/chat requests made while `act` runs. */
async function requestsDuring<T>(act: () => Promise<T>): Promise<{ result: T; sent: RecordedRequest[] }> {
  const before = fake.chats().length;
  const result = await act();
  return { result, sent: fake.chats().slice(before) };
}

/** A folder with p.yaml (LINTED_CALL_PROFILE plus `extra`) and people.csv. */
function campaign(csv: string, extra = ''): string {
  const d = tmp();
  writeFileSync(path.join(d, 'p.yaml'), LINTED_CALL_PROFILE + extra);
  writeFileSync(path.join(d, 'people.csv'), csv);
  return d;
}

function draft(d: string, ...args: string[]) {
  return runCli(['draft', 'people.csv', '--profile', 'p.yaml', '--host', fake.server.url, ...args], { cwd: d });
}

/** The key the drafts file gives the recipient whose first name this is. */
function keyOf(draftsFile: string, firstName: string): string {
  const rec = readJsonl(draftsFile).find((r) => r.type === 'draft' && r.recipient.first_name === firstName);
  if (!rec) throw new Error(`no draft for ${firstName}`);
  return rec.key;
}

/** Deletes CSV line `line` (0 = the header) and writes the rest back byte for byte. */
function deleteLine(file: string, line: number): void {
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.splice(line, 1);
  writeFileSync(file, lines.join('\n'));
}

const REPEATED = 'first_name,email,company\nAna,ana@example.org,Acme\nAnnie, ANA@Example.org ,Acme Two\nBen,ben@example.org,Globex\nCleo,cleo@example.org,Initech\n';

describe('rows are identified by recipient, not position', () => {
  it('drafts and approves 12 rows, then row 1 is deleted: the re-run sends no request and names the orphan; status counts 11 recipients and 1 orphaned; export --all lists each person once with their own approval; --include-orphans adds the orphan', async () => {
    const d = tmp();
    copyFileSync(fixture('recipients.csv'), path.join(d, 'people.csv'));
    const profile = fixture('profile.yaml');
    const first = await runCli(['draft', 'people.csv', '-p', profile, '--host', fake.server.url], { cwd: d });
    expect(first.code).toBe(0);
    const approved = await runCli(['approve', '--rows', '1-12'], { cwd: d });
    expect(approved.stderr).toMatch(/approved 12 draft\(s\): rows 1-12/);

    // Maya Okafor (row 1) leaves the list: everyone below moves up a row.
    deleteLine(path.join(d, 'people.csv'), 1);
    const { result: again, sent } = await requestsDuring(() => runCli(['draft', 'people.csv', '-p', profile, '--host', fake.server.url], { cwd: d }));
    expect(again.code).toBe(0);
    expect(sent).toHaveLength(0);
    expect(again.stderr).toMatch(/1 draft\(s\) belong to recipients no longer in the CSV \(orphaned; never exported\): last at row\(s\) 1\n/);

    const status = await runCli(['status', '--format', 'json'], { cwd: d });
    expect(JSON.parse(status.stdout)).toMatchObject({ recipients: 11, orphaned: 1, counts: { approved: 11, drafted: 0 } });
    expect((await runCli(['status'], { cwd: d })).stdout).toMatch(/: 11 recipient\(s\)\n[^]*orphaned +1 /);

    const all = parseJsonl((await runCli(['export', '--all'], { cwd: d })).stdout);
    const emails = readFileSync(path.join(d, 'people.csv'), 'utf8').match(/[\w.]+@[\w.-]+/g)!;
    expect(emails).toHaveLength(11);
    expect(all.map((r) => r.recipient.email)).toEqual(emails);
    expect(all.map((r) => r.row)).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
    for (const r of all) {
      expect(r.status).toBe('approved');
      // The fake model greets the recipient it was asked about: the approval is this person's own draft.
      expect(r.body).toContain(`Hi ${r.recipient.first_name} `);
      expect(r.orphaned).toBeUndefined();
    }

    const withOrphans = parseJsonl((await runCli(['export', '--all', '--include-orphans'], { cwd: d })).stdout);
    expect(withOrphans).toHaveLength(12);
    expect(withOrphans.filter((r) => r.orphaned === true).map((r) => [r.recipient.first_name, r.row, r.status])).toEqual([['Maya', 1, 'approved']]);
  });

  it('draft --rows N is the N-th data row of the CSV as read now: drafted, row 12 approved, row 1 deleted, --rows 11 --out - prints Wei Chen with his approval and sends no request', async () => {
    const d = tmp();
    copyFileSync(fixture('recipients.csv'), path.join(d, 'people.csv'));
    const profile = fixture('profile.yaml');
    expect((await runCli(['draft', 'people.csv', '-p', profile, '--host', fake.server.url], { cwd: d })).code).toBe(0);
    expect((await runCli(['approve', '--rows', '12'], { cwd: d })).code).toBe(0);
    deleteLine(path.join(d, 'people.csv'), 1);
    const { result, sent } = await requestsDuring(() => runCli(['draft', 'people.csv', '-p', profile, '--host', fake.server.url, '--rows', '11', '--out', '-'], { cwd: d }));
    expect(result.code).toBe(0);
    expect(sent).toHaveLength(0);
    expect(parseJsonl(result.stdout).map((r) => [r.row, r.recipient.first_name, r.recipient.last_name, r.status])).toEqual([[11, 'Wei', 'Chen', 'approved']]);
  });

  it('a later row repeating an e-mail (other case, spaces) is named as a repeat and gets no request (3 sent for 4 rows), and export --all leaves it out', async () => {
    const d = campaign(REPEATED);
    const { result, sent } = await requestsDuring(() => draft(d));
    expect(result.code).toBe(0);
    expect(sent).toHaveLength(3);
    expect(sent.map((q) => JSON.stringify(q.body)).join('\n')).not.toContain('Annie');
    expect(result.stderr).toMatch(/1 row\(s\) repeat a recipient already in the CSV and were not drafted: row 2 \(= row 1\)/);
    expect(parseJsonl((await runCli(['export', '--all'], { cwd: d })).stdout).map((r) => r.recipient.first_name)).toEqual(['Ana', 'Ben', 'Cleo']);
  });

  it('rows after a repeated row keep their CSV numbers once the drafts file is reopened: in export --all, in draft --rows 3 --out - (no request), in approve --rows 3 and in the export after it', async () => {
    const d = campaign(REPEATED);
    expect((await draft(d)).code).toBe(0);
    const rows = (out: string) => parseJsonl(out).map((r) => [r.row, r.recipient.first_name]);
    expect(rows((await runCli(['export', '--all'], { cwd: d })).stdout)).toEqual([[1, 'Ana'], [3, 'Ben'], [4, 'Cleo']]);
    const { result: ben, sent } = await requestsDuring(() => draft(d, '--rows', '3', '--out', '-'));
    expect(sent).toHaveLength(0);
    expect(rows(ben.stdout)).toEqual([[3, 'Ben']]);
    expect((await runCli(['approve', '--rows', '3'], { cwd: d })).stderr).toMatch(/approved 1 draft\(s\): rows 3\n/);
    expect(rows((await runCli(['export'], { cwd: d })).stdout)).toEqual([[3, 'Ben']]);
  });

  it("the profile's identity: [crm_id] keys recipients by that column (one e-mail, two crm_ids = two drafts, both exported); an identity column the CSV lacks is exit 2 naming it, before any request, no stack", async () => {
    const d = campaign('crm_id,first_name,email,company\nC-1,Ana,shared@example.org,Acme\nC-2,Ben,shared@example.org,Globex\n', 'identity: [crm_id]\n');
    const { result, sent } = await requestsDuring(() => draft(d));
    expect(result.code).toBe(0);
    expect(sent).toHaveLength(2);
    expect(result.stderr).not.toMatch(/repeat a recipient/);
    expect(parseJsonl((await runCli(['export', '--all'], { cwd: d })).stdout).map((r) => r.recipient.first_name)).toEqual(['Ana', 'Ben']);

    writeFileSync(path.join(d, 'people.csv'), 'first_name,email,company\nAna,ana@example.org,Acme\n');
    const { result: missing, sent: noRequest } = await requestsDuring(() => draft(d, '--drafts', 'other.jsonl'));
    expect(missing.code).toBe(2);
    expect(noRequest).toHaveLength(0);
    expect(missing.stderr).toMatch(/identity column\(s\) "crm_id" are not in the CSV/);
    expect(missing.stderr).not.toMatch(STACK);
  });
});

describe('a drafts file belongs to one list', () => {
  it('stdin: CSV B with other columns piped into the drafts.jsonl of CSV A is refused (exit 2, no request, names the mismatch and --drafts, file unchanged); --relink accepts it and drafts B beside A', async () => {
    const d = campaign('');
    const a = 'first_name,email,company\nAna,ana@example.org,Acme\n';
    const b = 'name,mail\nBen,ben@example.org\n';
    const pipe = (input: string, ...extra: string[]) => runCli(['draft', '-', '-p', 'p.yaml', '--host', fake.server.url, ...extra], { cwd: d, input });
    expect((await pipe(a)).code).toBe(0);
    const before = readFileSync(path.join(d, 'drafts.jsonl'));
    const { result: refused, sent } = await requestsDuring(() => pipe(b));
    expect(refused.code).toBe(2);
    expect(sent).toHaveLength(0);
    expect(refused.stderr).toMatch(/error: drafts\.jsonl belongs to another list: it was made from a CSV piped in with other columns/);
    expect(refused.stderr).toMatch(/hint: .*--drafts/);
    expect(readFileSync(path.join(d, 'drafts.jsonl')).equals(before)).toBe(true);

    const relinked = await pipe(b, '--relink');
    expect(relinked.code).toBe(0);
    expect(readJsonl(path.join(d, 'drafts.jsonl')).filter((r) => r.type === 'draft').map((r) => r.recipient.name ?? r.recipient.first_name)).toEqual(['Ana', 'Ben']);
  });

  it('a second CSV file drafted into the same --drafts file is refused (exit 2, names the first CSV and --drafts) and leaves it unchanged; a new row and a changed profile of the first CSV redraft both rows', async () => {
    const d = campaign('first_name,email,company\nAna,ana@example.org,Acme\n');
    copyFileSync(path.join(d, 'people.csv'), path.join(d, 'other.csv'));
    expect((await draft(d, '--drafts', 'shared.jsonl')).code).toBe(0);
    const before = readFileSync(path.join(d, 'shared.jsonl'));
    const refused = await runCli(['draft', 'other.csv', '-p', 'p.yaml', '--host', fake.server.url, '--drafts', 'shared.jsonl'], { cwd: d });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`shared.jsonl belongs to another list: it was made from ${path.join(d, 'people.csv')}`);
    expect(refused.stderr).toMatch(/hint: .*--drafts/);
    expect(readFileSync(path.join(d, 'shared.jsonl')).equals(before)).toBe(true);

    appendFileSync(path.join(d, 'people.csv'), 'Ben,ben@example.org,Globex\n');
    appendFileSync(path.join(d, 'p.yaml'), 'dont: [Do not mention prices.]\n');
    const { result: changed, sent } = await requestsDuring(() => draft(d, '--drafts', 'shared.jsonl'));
    expect(changed.code).toBe(0);
    expect(sent).toHaveLength(2); // the profile changed: Ana's draft is redone, Ben's is new
  });
});

/** Ana's answer is clean, Ben's lacks the sign-off, Cleo's request fails (400), Dan's is clean. */
function mixedAnswers(): void {
  fake.server.setBehaviour((req) => {
    const text = JSON.stringify(req.body?.messages ?? []);
    if (text.includes('Initech')) return { status: 400, error: 'simulated bad request' };
    if (text.includes('Globex')) return { content: JSON.stringify({ subject: 'A short call', body: 'Hi Ben, would a short call next week suit you?' }) };
    return undefined;
  });
}

const FOUR = 'first_name,email,company\nAna,ana@example.org,Acme\nBen,ben@example.org,Globex\nCleo,cleo@example.org,Initech\nDan,dan@example.org,Hooli\n';

describe('approve approves only what a person could approve', () => {
  it('drafts 2 rows; approve --clean approves the clean one and holds one with a warning (sign-off-missing), naming its code, so export has row 1; --allow sign-off-missing approves it and export has rows 1 and 2', async () => {
    const d = campaign('first_name,email,company\nAna,ana@example.org,Acme\nBen,ben@example.org,Globex\n');
    mixedAnswers();
    expect((await draft(d)).code).toBe(0);
    const clean = await runCli(['approve', '--clean'], { cwd: d });
    expect(clean.code).toBe(0);
    expect(clean.stderr).toMatch(/approved 1 draft\(s\): rows 1\n/);
    expect(clean.stderr).toMatch(/not approved, lint findings:\n +row 2: sign-off-missing\n/);
    expect(parseJsonl((await runCli(['export'], { cwd: d })).stdout).map((r) => r.row)).toEqual([1]);

    const allowed = await runCli(['approve', '--clean', '--allow', 'sign-off-missing'], { cwd: d });
    expect(allowed.stderr).toMatch(/approved 1 draft\(s\): rows 2\n/);
    expect(parseJsonl((await runCli(['export'], { cwd: d })).stdout).map((r) => r.row)).toEqual([1, 2]);
  });

  it('drafts 4 rows (one fails: exit 1) and a decision skips another; approve never approves failed or skipped rows: --clean --allow approves rows 1-2 and passes them by, --rows 1-4 names all four "left alone"; status counts 2 approved, 1 skipped, 1 failed; export has Ana and Ben', async () => {
    const d = campaign(FOUR);
    mixedAnswers();
    const drafted = await draft(d);
    expect(drafted.code).toBe(1); // Cleo's row failed
    const file = path.join(d, 'people.drafts.jsonl');
    appendFileSync(file, `${JSON.stringify({ type: 'decision', key: keyOf(file, 'Dan'), row: 4, status: 'skipped', version: 1, at: new Date().toISOString() })}\n`);

    const clean = await runCli(['approve', '--clean', '--allow', 'sign-off-missing'], { cwd: d });
    expect(clean.stderr).toMatch(/approved 2 draft\(s\): rows 1-2\n/);
    const rows = await runCli(['approve', '--rows', '1-4'], { cwd: d });
    expect(rows.code).toBe(0);
    expect(rows.stderr).toMatch(/approved 0 draft\(s\)\n/);
    expect(rows.stderr).toMatch(/left alone \(not an undecided draft\): rows 1 \(approved\), 2 \(approved\), 3 \(failed\), 4 \(skipped\)/);
    const status = JSON.parse((await runCli(['status', '--format', 'json'], { cwd: d })).stdout);
    expect(status.counts).toEqual({ drafted: 0, approved: 2, skipped: 1, failed: 1, excluded: 0 });
    expect(parseJsonl((await runCli(['export'], { cwd: d })).stdout).map((r) => r.recipient.first_name)).toEqual(['Ana', 'Ben']);
  });

  it('draft --rows 40-50 on a 12-row CSV exits 2 naming the range and the row count, with a hint of rows 1-12, before any request', async () => {
    const d = tmp();
    copyFileSync(fixture('recipients.csv'), path.join(d, 'people.csv'));
    const { result, sent } = await requestsDuring(() => runCli(['draft', 'people.csv', '-p', fixture('profile.yaml'), '--host', fake.server.url, '--rows', '40-50'], { cwd: d }));
    expect(result.code).toBe(2);
    expect(sent).toHaveLength(0);
    expect(result.stderr).toMatch(/--rows 40-50 matches none of the 12 data row\(s\) in people\.csv/);
    expect(result.stderr).toMatch(/hint: data rows are numbered 1-12/);
  });
});

describe('every command shows the latest version', () => {
  it("drafts 2 rows; after an edit record and the approval of version 2 for row 2, draft --out - prints row 1 as drafted and row 2's edited text, status approved, edited true, version 2, and sends no request", async () => {
    const d = campaign('first_name,email,company\nAna,ana@example.org,Acme\nBen,ben@example.org,Globex\n');
    expect((await draft(d)).code).toBe(0);
    const file = path.join(d, 'people.drafts.jsonl');
    const key = keyOf(file, 'Ben');
    const at = new Date().toISOString();
    appendFileSync(file, `${JSON.stringify({ type: 'edit', key, row: 2, version: 2, subject: 'Edited subject', body: 'Hi Ben, edited by a person.\n\nBest regards', at })}\n`);
    appendFileSync(file, `${JSON.stringify({ type: 'decision', key, row: 2, status: 'approved', version: 2, at })}\n`);
    const { result, sent } = await requestsDuring(() => draft(d, '--out', '-'));
    expect(result.code).toBe(0);
    expect(sent).toHaveLength(0);
    const out = parseJsonl(result.stdout);
    expect(out.map((r) => [r.row, r.status, r.edited, r.version])).toEqual([
      [1, 'drafted', false, 1],
      [2, 'approved', true, 2],
    ]);
    expect(out[1]).toMatchObject({ subject: 'Edited subject', body: 'Hi Ben, edited by a person.\n\nBest regards' });
  });

  it('drafts 2 rows and approves row 1; lint DRAFTS_FILE without -p (the profile comes from the file) finds no error (exit 0), then lints the latest version: an edit of row 2 with a banned phrase is reported (exit 1), row 1 is not', async () => {
    const d = campaign('first_name,email,company\nAna,ana@example.org,Acme\nBen,ben@example.org,Globex\n');
    expect((await draft(d)).code).toBe(0);
    expect((await runCli(['approve', '--rows', '1'], { cwd: d })).code).toBe(0);
    const clean = await runCli(['lint', 'people.drafts.jsonl'], { cwd: d });
    expect(clean.stderr).not.toMatch(/error:/);
    expect(clean.code).toBe(0);
    expect(clean.stderr).toMatch(/lint: 2 draft\(s\): 0 with errors/);

    const file = path.join(d, 'people.drafts.jsonl');
    appendFileSync(file, `${JSON.stringify({ type: 'edit', key: keyOf(file, 'Ben'), row: 2, version: 2, subject: 'Hello', body: 'Hi Ben, think of the synergy.\n\nBest regards', at: new Date().toISOString() })}\n`);
    const banned = await runCli(['lint', 'people.drafts.jsonl'], { cwd: d });
    expect(banned.code).toBe(1);
    expect(banned.stdout).toMatch(/^row 2\terror\tbanned-phrase\t.*synergy/m);
    expect(banned.stdout).not.toMatch(/^row 1\t/m);
  });
});

describe('before model time', () => {
  it('rows with no name, and rows with no e-mail on the email channel, are warned about before the engine is contacted (nothing answers there: exit 1)', async () => {
    const d = campaign('first_name,email,company\nAna,ana@example.org,Acme\n,nobody@example.org,Globex\nCleo,,Initech\nDan,not-an-address,Hooli\n');
    // No engine answers: the warnings come from reading the CSV, before any model time.
    const r = await runCli(['draft', 'people.csv', '-p', 'p.yaml', '--host', `http://127.0.0.1:${await closedPort()}`], { cwd: d });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/warning: 1 row\(s\) have no name \(rows 2\): their drafts cannot greet anyone by name/);
    expect(r.stderr).toMatch(/warning: 2 row\(s\) have no e-mail address \(rows 3-4\): they cannot be exported as mail/);
  });

  it('drafts 1 row; export --format csv with nothing approved still writes the header line and says 1 draft is waiting for review', async () => {
    const d = campaign('first_name,email,company\nAna,ana@example.org,Acme\n');
    expect((await draft(d)).code).toBe(0);
    const r = await runCli(['export', '--format', 'csv'], { cwd: d });
    expect(r.code).toBe(0);
    // The provenance columns follow status (issue 11).
    expect(r.stdout).toBe('first_name,email,company,subject,body,status,engine,host,model,model_digest,seed,temperature,prompt_fingerprint,profile,history_items,examples,reviewer,decided_at,edited\r\n');
    expect(r.stderr).toMatch(/no approved drafts yet \(1 waiting for review\)/);
  });
});
