// Issue 12 end to end, through the built binary, the fake Ollama server and a real memory: two
// campaigns. Campaign A is drafted; a reviewer's edits are recorded with `approve --edit` (the same
// sentence cut from 4 drafts, the sign-off changed in the same 4), one draft approved as it was.
// Campaign B's requests, as the server receives them, carry A's approved texts as examples for the
// most similar recipients (never the person's own message, none for someone like no one before);
// `learn --format json` proposes the banned phrase and the sign-off, `learn --apply --yes` writes
// both into the campaign's copy of the profile with its comments intact and its mode kept (and
// `profile check` passes); `stats --format json` shows both campaigns, A's edits counted.
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliLoadsMemory, fixture, runCli } from '../helpers/cli.js';
import { parseJsonl } from '../helpers/jsonl.js';
import type { RecordedRequest } from '../helpers/fake-ollama/index.js';
import { useFakeOllama } from '../helpers/use-fake-ollama.js';

const fake = useFakeOllama();
const STACK = /\n\s+at .+:\d+:\d+/;

const HEADER = 'first_name,email,role,company,interests,notes';
const A = [
  ['Ana', 'ana@nordfreight.example', 'Head of Logistics', 'Nordfreight', 'cold chain; warehouses', 'Runs refrigerated warehouses in Rotterdam'],
  ['Ben', 'ben@quillbank.example', 'Chief Financial Officer', 'Quillbank', 'ledgers; reconciliation', 'Reconciles ledgers across subsidiaries every quarter'],
  ['Cleo', 'cleo@ostrava.example', 'Plant Manager', 'Ostrava Steelworks', 'furnaces; maintenance', 'Automates furnace maintenance schedules'],
  ['Dev', 'dev@harborview.example', 'Clinic Director', 'Harborview Clinic', 'scheduling; patients', 'Struggles with a patient scheduling backlog'],
  ['Eli', 'eli@brightpaw.example', 'Marketing Lead', 'Brightpaw', 'seasonal campaigns', 'Plans seasonal pet food campaigns'],
  ['Fay', 'fay@orbitly.example', 'Product Manager', 'Orbitly', 'telemetry; satellites', 'Builds ground station telemetry dashboards'],
];
const B = [
  // Like Ben (A row 2): the same role, interests and work.
  ['Gus', 'gus@ledgerly.example', 'Chief Financial Officer', 'Ledgerly', 'ledgers; reconciliation', 'Reconciles ledgers across subsidiaries'],
  // Ana again (same address): her own message from A is never her example.
  ['Ana', 'ana@nordfreight.example', 'Head of Logistics', 'Nordfreight', 'cold chain; warehouses', 'Runs refrigerated warehouses in Rotterdam'],
  // Like no one before.
  ['Hal', 'hal@honeycomb.example', 'Beekeeper', 'Honeycomb Apiary', 'pollinators', 'Tends wildflower meadows'],
];
const csv = (rows: string[][]) => [HEADER, ...rows.map((r) => r.join(','))].join('\n') + '\n';

const HABIT = 'I trust this note finds you in good spirits.';
const modelBody = (first: string, company: string, notes: string) =>
  `Hi ${first},\n\n${HABIT} ${notes} at ${company} is what Tidewater keeps in sync, without copy and paste. The private beta is free for 3 months and we would value your feedback.\n\nWould a 20-minute call next week work for you?\n\nBest regards,\nElena`;
/** The reviewer's version: the stock sentence cut, the sign-off changed. */
const edited = (body: string) => body.replace(`${HABIT} `, '').replace('Best regards,', 'Cheers,');

/** The part of the user message about the recipient being drafted (after any examples block). */
function requestFor(req: RecordedRequest): string {
  const user = (req.body.messages as { role: string; content: string }[]).filter((m) => m.role === 'user').pop()!.content;
  const end = user.lastIndexOf('write only about the recipient below');
  return end < 0 ? user : user.slice(end);
}

/** The fake model writes modelBody for whichever recipient of A or B the request is about. */
function answer(req: RecordedRequest): string {
  const own = requestFor(req);
  const person = [...A, ...B].find((p) => own.includes(`"${p[0]}"`) && own.includes(p[3]!))!;
  return JSON.stringify({ subject: `Tidewater beta for ${person[3]}`, body: modelBody(person[0]!, person[3]!, person[5]!) });
}

const jsonText = (s: string) => JSON.stringify(s).slice(1, -1);

describe.skipIf(!cliLoadsMemory())('learning from the reviewer, two campaigns end to end', () => {
  it('A edited through approve --edit; B drafted with A as examples; learn proposes and applies; stats shows both', async () => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'draftsmith-learning-'));
    const profile = path.join(d, 'profile.yaml');
    copyFileSync(fixture('profile.yaml'), profile);
    chmodSync(profile, 0o640);
    writeFileSync(path.join(d, 'a.csv'), csv(A));
    writeFileSync(path.join(d, 'b.csv'), csv(B));
    fake.server.setBehaviour((req) => ({ content: answer(req) }));
    const run = async (args: string[], input?: string) => {
      const r = await runCli(args, { cwd: d, ...(input !== undefined ? { input } : {}) });
      expect(r.stderr).not.toMatch(STACK);
      return r;
    };

    // Campaign A.
    const draftA = await run(['draft', 'a.csv', '--profile', 'profile.yaml', '--host', fake.server.url]);
    expect(draftA.code, draftA.stderr).toBe(0);
    const approvedA = new Map<string, string>();
    for (const row of [1, 2, 3, 4]) {
      const [first, , , company, , notes] = A[row - 1]!;
      const body = edited(modelBody(first!, company!, notes!));
      const text = `Subject: Tidewater beta for ${company}\n\n${body}\n`;
      // Row 4 through standard input, CRLF and all.
      const r = row === 4 ? await run(['approve', 'a.drafts.jsonl', '--rows', '4', '--edit', '-'], text.replace(/\n/g, '\r\n')) : (writeFileSync(path.join(d, `edit${row}.txt`), text), await run(['approve', 'a.drafts.jsonl', '--rows', String(row), '--edit', `edit${row}.txt`]));
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(new RegExp(`row ${row}: approved with the edited text, saved as version 2`));
      approvedA.set(first!, body);
    }
    expect((await run(['approve', 'a.drafts.jsonl', '--rows', '5'])).code).toBe(0);
    // A malformed edit file: exit 2, the file and line named, nothing written.
    writeFileSync(path.join(d, 'bad.txt'), 'Hi Fay, no subject line here\n');
    const bad = await run(['approve', 'a.drafts.jsonl', '--rows', '6', '--edit', 'bad.txt']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad\.txt:1/);
    expect(bad.stderr).toMatch(/Subject: \.\.\./);
    const journalA = parseJsonl(readFileSync(path.join(d, 'a.drafts.jsonl'), 'utf8')) as { type: string; row: number; version?: number; status?: string }[];
    expect(journalA.filter((r) => r.type === 'edit').map((r) => [r.row, r.version])).toEqual([[1, 2], [2, 2], [3, 2], [4, 2]]);
    expect(journalA.filter((r) => r.type === 'decision').map((r) => [r.row, r.status, r.version])).toEqual([[1, 'approved', 2], [2, 'approved', 2], [3, 'approved', 2], [4, 'approved', 2], [5, 'approved', 1]]);

    // Campaign B: the requests carry A's approved texts as examples.
    const before = fake.chats().length;
    expect((await run(['draft', 'b.csv', '--profile', 'profile.yaml', '--host', fake.server.url])).code).toBe(0);
    const sent = fake.chats().slice(before);
    const userOf = (first: string) => {
      const req = sent.find((r) => requestFor(r).includes(`"${first}"`))!;
      return (req.body.messages as { role: string; content: string }[]).filter((m) => m.role === 'user').map((m) => m.content).join('\n');
    };
    /** The examples block of a prompt ('' without one). */
    const examplesOf = (user: string) => (user.startsWith('Approved messages to OTHER people') ? user.slice(0, user.indexOf('write only about the recipient below')) : '');
    // Ben's approved (edited) text is Gus's first example, before Gus's own data; A's model text never is.
    const gus = examplesOf(userOf('Gus'));
    expect(gus).toMatch(/match the voice, never copy their facts/);
    const benAt = gus.indexOf(jsonText(approvedA.get('Ben')!));
    expect(benAt).toBeGreaterThan(0);
    for (const other of ['Ana', 'Cleo', 'Dev']) {
      const at = gus.indexOf(jsonText(approvedA.get(other)!));
      if (at >= 0) expect(at).toBeGreaterThan(benAt);
    }
    expect(gus).not.toContain(HABIT);
    // Never a message to the same person (Ana's A message is her history, not her example).
    expect(examplesOf(userOf('Ana'))).not.toContain('Nordfreight');
    expect(userOf('Ana')).toMatch(/Earlier messages with this recipient/);
    // Someone like no one before gets no examples.
    expect(examplesOf(userOf('Hal'))).toBe('');
    const recordsB = parseJsonl(readFileSync(path.join(d, 'b.drafts.jsonl'), 'utf8')) as { type: string; row: number; memoryExamples?: number[] }[];
    const draftsB = recordsB.filter((r) => r.type === 'draft');
    expect(draftsB.find((r) => r.row === 1)!.memoryExamples?.length).toBeGreaterThan(0);
    expect(draftsB.find((r) => r.row === 3)!.memoryExamples).toBeUndefined();

    // learn: the banned phrase and the sign-off, each with its evidence.
    const learned = await run(['learn', '--profile', 'profile.yaml', '--format', 'json']);
    expect(learned.code, learned.stderr).toBe(0);
    const parsed = JSON.parse(learned.stdout) as unknown;
    const proposals = (Array.isArray(parsed) ? parsed : (parsed as { proposals: unknown[] }).proposals) as { kind: string; key: string | null; value: unknown; evidence: { edits: number; recipients: number } }[];
    const banned = proposals.find((p) => p.kind === 'banned_phrase' && /trust this note finds you in good spirits/i.test(String(p.value)));
    expect(banned).toMatchObject({ key: 'banned_phrases', evidence: { edits: 4, recipients: 4 } });
    const signOff = proposals.find((p) => p.kind === 'sign_off');
    expect(signOff).toMatchObject({ key: 'sign_off', evidence: { edits: 4, recipients: 4 } });
    expect(String(signOff!.value)).toMatch(/^Cheers,/);
    // The old sign-off is learned as a sign-off, not also as a phrase to ban.
    expect(proposals.some((p) => p.kind === 'banned_phrase' && /best regards/i.test(String(p.value)))).toBe(false);

    // learn --apply --yes: both written, comments, order and mode kept, a backup named.
    const original = readFileSync(profile, 'utf8');
    const applied = await run(['learn', '--profile', 'profile.yaml', '--apply', '--yes']);
    expect(applied.code, applied.stderr).toBe(0);
    const now = readFileSync(profile, 'utf8');
    for (const comment of original.split('\n').filter((l) => l.trim().startsWith('#'))) expect(now).toContain(comment);
    expect(now).toMatch(/banned_phrases:\n(?:\s+- .*\n)*\s+- "?I trust this note finds you in good spirits/);
    expect(now).toMatch(/sign_off: .*Cheers,|sign_off: \|-?\n\s+Cheers,/);
    expect(now.indexOf('goal:')).toBeLessThan(now.indexOf('sign_off:'));
    expect(statSync(profile).mode & 0o777).toBe(0o640);
    const backup = /(\S+\.bak)\b/.exec(applied.stdout + applied.stderr)?.[1];
    expect(backup && existsSync(path.resolve(d, backup))).toBe(true);
    expect(readFileSync(path.resolve(d, backup!), 'utf8')).toBe(original);
    expect((await run(['profile', 'check', 'profile.yaml'])).code).toBe(0);

    // stats: both campaigns, in time order, A's edits counted.
    const stats = await run(['stats', '--format', 'json']);
    expect(stats.code, stats.stderr).toBe(0);
    const { campaigns } = JSON.parse(stats.stdout) as { campaigns: { file: string; drafts: number; approvedEdited: number; approvedUnedited: number; undecided: number; medianEditShare: number | null }[] };
    expect(campaigns.map((c) => path.basename(c.file))).toEqual(['a.drafts.jsonl', 'b.drafts.jsonl']);
    expect(campaigns[0]).toMatchObject({ drafts: 6, approvedEdited: 4, approvedUnedited: 1, undecided: 1 });
    expect(campaigns[0]!.medianEditShare).toBeGreaterThan(0.05);
    expect(campaigns[0]!.medianEditShare).toBeLessThan(0.5);
    expect(campaigns[1]).toMatchObject({ drafts: 3, approvedEdited: 0, approvedUnedited: 0, undecided: 3, medianEditShare: null });
    // As text (not a terminal): the table and a plain bar chart.
    const text = await run(['stats']);
    expect(text.stdout).toMatch(/^a\.drafts\.jsonl\s+\d{4}-\d\d-\d\d\s+6\s+1\s+4\s+0\s+\d+%/m);
    expect(text.stdout).toMatch(/^ {2}a\.drafts\.jsonl\s+#+\.+ \d+%$/m);
    expect(text.stdout).toMatch(/^ {2}b\.drafts\.jsonl\s+no edited approvals$/m);
    expect(text.stdout).not.toMatch(/\u001b/);
  });
});
