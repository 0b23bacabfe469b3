// `draftsmith review` in a real terminal (tmux), on a drafts file made by `draft` against the
// fake Ollama server: approve, edit with a scripted $VISUAL, regenerate with feedback, skip, go
// back, quit; resume; kill -9 mid-review; Ctrl-C; then `export`. Plus the non-TTY refusal and
// `approve` for scripts, which need no terminal.
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { binPath, cliNode, repoRoot, runCli, testMemory } from '../helpers/cli.js';
import { readJsonl } from '../helpers/jsonl.js';
import { useFakeOllama } from '../helpers/use-fake-ollama.js';
import { hasTmux, TmuxPane } from '../helpers/tmux.js';

const fakeEditor = path.join(repoRoot, 'test/helpers/fake-editor.mjs');
const MARKER = 'MARKER-EDITED-BY-A-PERSON';
const REGEN = 'REGEN-SHORT-VERSION';
const ESC = '\u001b';
const BEL = '\u0007';
const STACK = /\n\s+at .+:\d+:\d+/;

const PROFILE = `name: review-e2e
goal: Invite people to a short call about their work.
channel: email
tone: warm
length:
  max_words: 150
sign_off: Best regards
sender:
  name: Sam
fields:
  private: [salary]
`;

// Row 5 is hostile: a window-title write, a clipboard write (OSC 52) and a clear-screen.
const CSV = [
  'first_name,last_name,email,company,role,notes,salary',
  'Ana,Pereira,ana@example.org,Acme,CTO,met at a meetup,100',
  'Ben,Okafor,ben@example.org,Globex,Engineer,,200',
  'Cleo,Martin,cleo@example.org,Initech,Designer,gave a talk,300',
  'Dan,Reyes,dan@example.org,Umbrella,PM,,400',
  `Eve${ESC}]0;PWNED-TITLE${BEL},Stone,eve@example.org,${ESC}[2JEvilCorp,Ops,${ESC}]52;c;cHduZWQ=${BEL}loves tea,500`,
  'Finn,Berg,finn@example.org,Hooli,Sales,,600',
].join('\n');

const fake = useFakeOllama();
const panes: TmuxPane[] = [];

afterEach(() => {
  while (panes.length) panes.pop()!.close();
});


async function draftedDir(): Promise<{ dir: string; drafts: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'draftsmith-review-'));
  writeFileSync(path.join(dir, 'people.csv'), CSV);
  writeFileSync(path.join(dir, 'profile.yaml'), PROFILE);
  const r = await runCli(['draft', 'people.csv', '--profile', 'profile.yaml', '--host', fake.server.url], { cwd: dir });
  expect(r.stderr).not.toMatch(STACK);
  expect(r.code).toBe(0);
  return { dir, drafts: path.join(dir, 'people.drafts.jsonl') };
}

function review(dir: string, extraEnv: Record<string, string> = {}): TmuxPane {
  const pane = new TmuxPane({
    command: [cliNode, binPath, 'review', 'people.drafts.jsonl', '--profile', 'profile.yaml', '--host', fake.server.url],
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LANG: 'C.UTF-8',
      TERM: 'xterm-256color',
      VISUAL: `'${process.execPath}' '${fakeEditor}'`,
      FAKE_EDITOR_APPEND: MARKER,
      // The pane does not go through runCli's environment: keep the memory in the test's folder.
      DRAFTSMITH_MEMORY: testMemory(dir),
      ...extraEnv,
    },
  });
  panes.push(pane);
  pane.start();
  return pane;
}

/** Waits for a draft's screen with the action prompt on it, then answers with one letter. */
async function answer(pane: TmuxPane, screen: RegExp, letter: string): Promise<string> {
  const shown = await pane.waitFor((s) => screen.test(s) && /\? Action/.test(s));
  pane.type(letter);
  pane.keys('Enter');
  return shown;
}

const decisions = (file: string) => readJsonl(file).filter((r) => r.type === 'decision');
const edits = (file: string) => readJsonl(file).filter((r) => r.type === 'edit');

describe.skipIf(!hasTmux)('draftsmith review in a terminal (tmux), on 6 freshly drafted rows', () => {
  it('views the prompt, approves, edits, regenerates with feedback, skips, goes back from a hostile row (no escape reaches the terminal) and approves the skipped one, quits with a resume hint; resumes and approves a lint error after asking; survives kill -9; exits 130 on Ctrl-C; exports what was decided', async () => {
    const { dir, drafts } = await draftedDir();
    fake.server.setBehaviour((req) => {
      const text = JSON.stringify(req.body?.messages ?? '');
      return /shorter/.test(text) ? { content: JSON.stringify({ subject: 'Short note', body: `Hi Cleo, ${REGEN}. Best regards` }) } : undefined;
    });

    const pane = review(dir);
    // v: the row and the exact prompt, whose system part the drafts file stores once for all rows.
    await answer(pane, /Draft 1 of 6/, 'v');
    await pane.waitFor(/Press Enter to go back to the draft/);
    const view = pane.history();
    expect(view).toMatch(/\[system\]\s+You draft one-to-one messages on behalf of Sam\./);
    expect(view).toMatch(/\[user\][\s\S]*"first_name": "Ana"/);
    expect(view).not.toMatch(/missing from the drafts file/);
    pane.keys('Enter');
    const first = await answer(pane, /Draft 1 of 6/, 'a');
    expect(first).toMatch(/salary\s+100 \(private, never sent\)/);
    await answer(pane, /Draft 2 of 6/, 'e');
    // The same draft comes back with the edited text, undecided, for a decision.
    const edited = await answer(pane, new RegExp(`Draft 2 of 6[\\s\\S]*${MARKER}`), 'a');
    expect(edited).toMatch(/version 2 · drafted · edited by you/);
    await answer(pane, /Draft 3 of 6/, 'r');
    await pane.waitFor(/Feedback for the model/);
    pane.type('shorter');
    pane.keys('Enter');
    await answer(pane, new RegExp(`Draft 3 of 6[\\s\\S]*${REGEN}`), 'a');
    await answer(pane, /Draft 4 of 6/, 's');

    // The hostile row: shown, readable, and nothing reached the terminal as a control sequence.
    const hostile = await answer(pane, /Draft 5 of 6/, 'b');
    expect(hostile).toContain('EvilCorp');
    expect(hostile).toContain('loves tea');
    expect(hostile).toMatch(/Draft 5 of 6/); // a clear-screen would have wiped the header
    expect(pane.title()).not.toContain('PWNED');
    expect(pane.buffers()).toBe('');
    const withEscapes = pane.capture(true);
    expect(withEscapes).not.toMatch(/\u001b\]|\u0007|\u001b\[2J/);

    await answer(pane, /Draft 4 of 6/, 'a');
    await answer(pane, /Draft 5 of 6/, 'q');
    expect(await pane.exitCode()).toBe(0);
    const quitScreen = pane.capture();
    expect(quitScreen).toMatch(/resume with: draftsmith review people\.drafts\.jsonl --profile profile\.yaml/);

    // The model got the feedback together with the previous draft.
    const regen = fake.chats().filter((r) => /shorter/.test(JSON.stringify(r.body?.messages)));
    expect(regen).toHaveLength(1);
    expect(JSON.stringify(regen[0]!.body.messages)).toMatch(/Hi Cleo — I came across/);

    expect(decisions(drafts).map((d) => [d.row, d.status, d.version])).toEqual([
      [1, 'approved', 1],
      [2, 'approved', 2],
      [3, 'approved', 2],
      [4, 'skipped', 1],
      [4, 'approved', 1],
    ]);
    expect(edits(drafts).map((e) => [e.row, e.version])).toEqual([[2, 2]]);
    const row3 = readJsonl(drafts).filter((r) => r.type === 'draft' && r.row === 3);
    expect(row3.map((r) => r.version)).toEqual([1, 2]); // the earlier version is kept
    expect(row3[1]!.feedback).toBe('shorter');

    // Resume at the first undecided row; kill -9 after a decision loses nothing.
    const again = review(dir);
    // The model echoed the row's escapes into the draft: the lint says so (the screen shows none
    // of them), and approving an error-level draft asks first.
    const flagged = await answer(again, /Draft 5 of 6/, 'a');
    expect(flagged).toMatch(/error\s+\d+ terminal control character\(s\).*\[control-chars\]/);
    await again.waitFor(/Approve it anyway\?/);
    again.type('y');
    again.keys('Enter');
    await again.waitFor((s) => /Draft 6 of 6/.test(s) && /\? Action/.test(s));
    const pids = again.commandPids();
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    expect(await again.exitCode()).toBe(137);
    expect(decisions(drafts).at(-1)).toMatchObject({ row: 5, status: 'approved' });

    // Ctrl-C at the prompt: a clean exit 130 with the resume hint, no stack trace.
    const third = review(dir);
    await third.waitFor((s) => /Draft 6 of 6/.test(s) && /\? Action/.test(s));
    third.keys('C-c');
    expect(await third.exitCode()).toBe(130);
    const ctrlC = third.capture();
    expect(ctrlC).toMatch(/resume with: draftsmith review/);
    expect(ctrlC).not.toMatch(/ExitPromptError|\s+at .+:\d+:\d+/);

    const exported = await runCli(['export', 'people.drafts.jsonl', '--format', 'jsonl'], { cwd: dir });
    expect(exported.code).toBe(0);
    const records = exported.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(records.map((r) => [r.row, r.status, r.edited])).toEqual([
      [1, 'approved', false],
      [2, 'approved', true],
      [3, 'approved', false],
      [4, 'approved', false],
      [5, 'approved', false],
    ]);
    expect(records[1].body).toContain(MARKER);
    expect(records[1].version).toBe(2);
    expect(records[2].body).toContain(REGEN);
    expect(records[2].version).toBe(2);
  }, 120_000);

  it('Enter alone decides nothing; edit then quit records the edit and no decision, so export writes nothing and status counts the edit; after approve --rows 2-4, a changed profile redrafts only the 2 rows neither decided nor edited and keeps every approval, marked stale', async () => {
    const { dir, drafts } = await draftedDir();
    const pane = review(dir);
    await pane.waitFor((s) => /Draft 1 of 6/.test(s) && /\? Action/.test(s));
    pane.keys('Enter');
    pane.keys('Enter');
    await pane.waitFor(/Please input a value|approve/);
    // Still on draft 1, and nothing is written.
    await answer(pane, /Draft 1 of 6/, 'e');
    await answer(pane, new RegExp(`Draft 1 of 6[\\s\\S]*${MARKER}`), 'q');
    expect(await pane.exitCode()).toBe(0);
    expect(decisions(drafts)).toEqual([]);
    expect(edits(drafts).map((e) => [e.row, e.version])).toEqual([[1, 2]]);

    const exported = await runCli(['export', 'people.drafts.jsonl'], { cwd: dir });
    expect(exported.code).toBe(0);
    expect(exported.stdout).toBe('');
    expect(exported.stderr).toMatch(/no approved drafts yet \(6 waiting for review\)\. 1 of them edited/);
    const status = JSON.parse((await runCli(['status', '--format', 'json'], { cwd: dir })).stdout);
    expect(status).toMatchObject({ counts: { drafted: 6, approved: 0 }, edited: 1 });

    // Approve three, change the profile (one more banned phrase), draft again: the three keep their
    // approval and are marked stale; the edited row keeps its edit; only the others are redrafted.
    expect((await runCli(['approve', '--rows', '2-4'], { cwd: dir })).code).toBe(0);
    writeFileSync(path.join(dir, 'profile.yaml'), `${PROFILE}banned_phrases: [circle back]\n`);
    const before = fake.chats().length;
    const redraft = await runCli(['draft', 'people.csv', '--profile', 'profile.yaml', '--host', fake.server.url], { cwd: dir });
    expect(redraft.code).toBe(0);
    expect(fake.chats().length - before).toBe(2);
    expect(redraft.stderr).toMatch(/2 drafted · 0 cached · 4 stale/);
    expect(redraft.stderr).toMatch(/4 decided or edited draft\(s\) are stale[\s\S]*--redraft-decided/);
    const after = JSON.parse((await runCli(['status', '--format', 'json'], { cwd: dir })).stdout);
    expect(after).toMatchObject({ counts: { drafted: 3, approved: 3 }, edited: 1, stale: 4 });
    const approved = readJsonl(path.join(dir, 'people.drafts.jsonl'));
    expect(approved.filter((r) => r.type === 'draft' && [2, 3, 4].includes(r.row))).toHaveLength(3); // not redrafted
  }, 120_000);
});

if (!hasTmux) console.warn('review-tmux.test.ts: tmux is not installed; the terminal tests are skipped (apt-get install tmux)');

describe('review without a terminal, and approve for scripts, on 6 freshly drafted rows', () => {
  it('review refuses with exit 2 and points at export and approve, no stack', async () => {
    const { dir } = await draftedDir();
    const r = await runCli(['review', 'people.drafts.jsonl'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/draftsmith approve/);
    expect(r.stderr).toMatch(/export/);
    expect(r.stderr).not.toMatch(STACK);
  });

  it('approve --rows approves only undecided drafts among the rows given, one with a lint error only with --force; an approved row again approves 0, rows beyond the drafts are exit 2; export then has rows 2, 4 and 5', async () => {
    const { dir, drafts } = await draftedDir();
    const r = await runCli(['approve', 'people.drafts.jsonl', '--rows', '2,4-5'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/approved 2 draft\(s\): rows 2, 4\n/);
    expect(r.stderr).toMatch(/not approved, lint errors; add --force[^\n]*\n +row 5: control-chars/);
    const forced = await runCli(['approve', 'people.drafts.jsonl', '--rows', '5', '--force'], { cwd: dir });
    expect(forced.stderr).toMatch(/approved 1 draft\(s\): rows 5\n +approved despite lint errors \(--force\): row 5 \(control-chars\)/);
    const again = await runCli(['approve', 'people.drafts.jsonl', '--rows', '2'], { cwd: dir });
    expect(again.stderr).toMatch(/approved 0/);
    expect(again.stderr).toMatch(/2 \(approved\)/);
    const none = await runCli(['approve', 'people.drafts.jsonl', '--rows', '40-50'], { cwd: dir });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--rows 40-50 matches none of the 6 drafted row\(s\)/);
    expect(decisions(drafts).map((d) => d.row)).toEqual([2, 4, 5]);
    const exported = await runCli(['export', 'people.drafts.jsonl'], { cwd: dir });
    expect(exported.stdout.trim().split('\n').map((l) => JSON.parse(l).row)).toEqual([2, 4, 5]);
  });

  it('approve needs exactly one of --rows and --clean (exit 2 otherwise); with the recorded profile moved away, --clean asks for --profile (exit 2), and with --profile approves', async () => {
    const { dir } = await draftedDir();
    expect((await runCli(['approve', 'people.drafts.jsonl'], { cwd: dir })).code).toBe(2);
    expect((await runCli(['approve', 'people.drafts.jsonl', '--rows', '1', '--clean'], { cwd: dir })).code).toBe(2);
    // The drafts file records the profile it was drafted with; once that is gone, --clean needs --profile.
    const moved = path.join(dir, 'moved-profile.yaml');
    writeFileSync(moved, readFileSync(path.join(dir, 'profile.yaml')));
    rmSync(path.join(dir, 'profile.yaml'));
    const missing = await runCli(['approve', 'people.drafts.jsonl', '--clean'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--profile/);
    const clean = await runCli(['approve', 'people.drafts.jsonl', '--clean', '--profile', 'moved-profile.yaml'], { cwd: dir });
    expect(clean.code).toBe(0);
    expect(clean.stderr).toMatch(/approved \d+ draft/);
  });

  it('approve --clean finds the profile the drafts were made with, and its hint to review the held rows needs no --profile', async () => {
    const { dir } = await draftedDir();
    const clean = await runCli(['approve', 'people.drafts.jsonl', '--clean'], { cwd: dir });
    expect(clean.code).toBe(0);
    expect(clean.stderr).toMatch(/approved [1-9]\d* draft/);
    // Row 5's draft echoes the row's escapes (a lint error): the hint needs no --profile now.
    expect(clean.stderr).toMatch(/hint: look at them with `draftsmith review people\.drafts\.jsonl`/);
  });
});

if (!existsSync(binPath)) console.warn('review-tmux.test.ts: build first (npm run build)');
