// Start-up, shut-down and slot use of `draftsmith draft`, seen from the fake Ollama server's side:
// when the first /api/chat request reaches it after the spawn, when the process exits after the
// last answer went out, and how close 24 answers of 300 ms on 4 slots come to the ideal 4x.
// Node's own http diagnostics channels report each request's arrival and each response's end, so
// the fake server is observed as it is, without a hook of its own. The fake runs in this process:
// its clock is the one that times the spawn and the exit.
import { spawn } from 'node:child_process';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startFakeOllama, type FakeOllama } from '../test/helpers/fake-ollama/index.js';

export interface StartupRow {
  name: string;
  value: string;
  target: string;
  ok: boolean;
}

interface Paths {
  root: string;
  work: string;
  bin: string;
}

/** Arrival times of /api/chat requests and end times of their answers, on performance.now()'s clock. */
class ChatClock {
  starts: number[] = [];
  ends: number[] = [];
  private readonly onStart = (m: unknown) => {
    if (isChat((m as { request: IncomingMessage }).request)) this.starts.push(performance.now());
  };
  private readonly onFinish = (m: unknown) => {
    if (isChat((m as { request: IncomingMessage }).request)) this.ends.push(performance.now());
  };
  constructor() {
    subscribe('http.server.request.start', this.onStart);
    subscribe('http.server.response.finish', this.onFinish);
  }
  reset(): void {
    this.starts = [];
    this.ends = [];
  }
  stop(): void {
    unsubscribe('http.server.request.start', this.onStart);
    unsubscribe('http.server.response.finish', this.onFinish);
  }
}

function isChat(req: IncomingMessage): boolean {
  return req.method === 'POST' && (req.url ?? '').startsWith('/api/chat');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Spawns the command; resolves at the child's `exit` (not at stdio's close) on this clock. */
function spawnTimed(args: string[], cwd: string): Promise<{ start: number; exit: number; code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    let exit = 0;
    let code: number | null = null;
    child.on('error', reject);
    child.on('exit', (c) => {
      exit = performance.now();
      code = c;
    });
    child.on('close', () => resolve({ start, exit, code, stderr }));
  });
}

function writeCsv(file: string, rows: number): void {
  const lines = ['first_name,last_name,email,company,role,notes,language'];
  for (let i = 1; i <= rows; i++) lines.push(`Ana${i},Pereira,ana${i}@example.com,Acme ${i},Engineer,"Met at meetup ${i}",en`);
  writeFileSync(file, `${lines.join('\n')}\n`);
}

/** One fresh `draft` run (its drafts file removed first), timed against the server's clock. */
async function timedDraft(p: Paths, server: FakeOllama, clock: ChatClock, rows: number, concurrency: number) {
  const csv = path.join(p.work, `startup-${rows}.csv`);
  writeCsv(csv, rows);
  const drafts = path.join(p.work, `startup-${rows}.drafts.jsonl`);
  rmSync(drafts, { force: true });
  clock.reset();
  const args = [
    p.bin, 'draft', csv, '--profile', path.join(p.root, 'fixtures/profile.yaml'), '--host', server.url,
    '--concurrency', String(concurrency), '--drafts', drafts, '--quiet',
  ];
  const r = await spawnTimed(args, p.work);
  if (r.code !== 0) throw new Error(`draft exited ${r.code}: ${r.stderr.slice(0, 2000)}`);
  if (clock.starts.length !== rows || clock.ends.length !== rows) throw new Error(`expected ${rows} answers, saw ${clock.ends.length}`);
  return {
    firstRequest: clock.starts[0]! - r.start,
    afterLastAnswer: r.exit - Math.max(...clock.ends),
    wall: r.exit - r.start,
    /** From the first request out to the process gone: the run itself, start-up apart. */
    run: r.exit - clock.starts[0]!,
  };
}

/** Start-up, shut-down and slot use, each beside its target. */
export async function benchStartup(p: Paths, runs = 11): Promise<StartupRow[]> {
  const clock = new ChatClock();
  try {
    return [...(await startAndExit(p, clock, runs)), await slotUse(p, clock, 3)];
  } finally {
    clock.stop();
  }
}

/** `runs` launches of `node -e ""` and of a 2-row draft at zero latency, interleaved so both see the same machine. */
async function startAndExit(p: Paths, clock: ChatClock, runs: number): Promise<StartupRow[]> {
  const bare: number[] = [];
  const first: number[] = [];
  const exitLag: number[] = [];
  const server = await startFakeOllama({ latencyMs: 0, slots: 2, record: false });
  try {
    await timedDraft(p, server, clock, 2, 2); // warms the disk cache
    for (let i = 0; i < runs; i++) {
      const b = await spawnTimed(['-e', ''], p.work);
      bare.push(b.exit - b.start);
      const d = await timedDraft(p, server, clock, 2, 2);
      first.push(d.firstRequest);
      exitLag.push(d.afterLastAnswer);
    }
  } finally {
    await server.close();
  }
  const nodeMs = median(bare);
  const firstMs = median(first);
  const lag = median(exitLag);
  return [
    {
      name: `first /api/chat request after spawning \`draft\` (2 rows; median of ${runs}, beside \`node -e ""\` to its exit)`,
      value: `${firstMs.toFixed(0)} ms (node alone: ${nodeMs.toFixed(0)} ms, +${(firstMs - nodeMs).toFixed(0)} ms)`,
      target: '<= node + 60 ms',
      ok: firstMs <= nodeMs + 60,
    },
    { name: `process exit after the last answer ends (2 rows, zero latency, --quiet like every run here; median of ${runs})`, value: `${lag.toFixed(0)} ms`, target: '<= 30 ms', ok: lag <= 30 },
  ];
}

/**
 * 24 rows x 300 ms on 4 slots with --concurrency 4, timed from the first request to the exit
 * (start-up has its own row): a sequential loop takes 24 x 300 ms, four slots ideally a quarter.
 */
async function slotUse(p: Paths, clock: ChatClock, runs: number): Promise<StartupRow> {
  const server = await startFakeOllama({ latencyMs: 300, slots: 4, record: false });
  const spans: number[] = [];
  const walls: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const d = await timedDraft(p, server, clock, 24, 4);
      spans.push(d.run);
      walls.push(d.wall);
    }
  } finally {
    await server.close();
  }
  const speedup = (24 * 300) / median(spans);
  return {
    name: `24 rows x 300 ms, 4 slots, --concurrency 4: 24 x 300 ms over the time from the first request to the exit (median of ${runs}; ideal 4x)`,
    value: `${speedup.toFixed(2)}x (${median(spans).toFixed(0)} ms; spawn to exit ${median(walls).toFixed(0)} ms)`,
    target: '>= 3.85x',
    ok: speedup >= 3.85,
  };
}
