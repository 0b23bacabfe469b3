// Many hosts: the same 200 rows at 200 ms an answer, on one fake Ollama host with 4 slots and on
// three with 4 slots each. The throughput ratio is taken over the drafting span, first answer to
// last (the records' `at`), so start-up, which both runs pay once, does not blur it; the wall-clock
// ratio is printed beside it.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startFakeOllama, type FakeOllama } from '../test/helpers/fake-ollama/index.js';

export interface HostsRow {
  name: string;
  value: string;
  target: string;
  ok: boolean;
}

const ROWS = 200;

export async function benchHosts(root: string, work: string, bin: string): Promise<HostsRow> {
  const csv = path.join(work, 'hosts.csv');
  const lines = ['first_name,email'];
  for (let i = 1; i <= ROWS; i++) lines.push(`Ana${i},ana${i}@example.com`);
  writeFileSync(csv, `${lines.join('\n')}\n`);
  const one = await timedRun(root, work, bin, csv, 1);
  const three = await timedRun(root, work, bin, csv, 3);
  const span = one.spanMs / three.spanMs;
  const wall = one.wallMs / three.wallMs;
  return {
    name: `three hosts x 4 slots vs one host x 4 slots, ${ROWS} recipients x 200 ms: throughput ratio over the drafting span (wall-clock ratio)`,
    value: `${span.toFixed(2)} (${(one.spanMs / 1000).toFixed(2)} s vs ${(three.spanMs / 1000).toFixed(2)} s; wall clock ${wall.toFixed(2)}: ${(one.wallMs / 1000).toFixed(2)} s vs ${(three.wallMs / 1000).toFixed(2)} s)`,
    target: '>= 2.7',
    ok: span >= 2.7,
  };
}

async function timedRun(root: string, work: string, bin: string, csv: string, hosts: number): Promise<{ spanMs: number; wallMs: number }> {
  const servers: FakeOllama[] = await Promise.all(Array.from({ length: hosts }, () => startFakeOllama({ latencyMs: 200, slots: 4, record: false })));
  const drafts = path.join(work, `hosts-${hosts}.drafts.jsonl`);
  rmSync(drafts, { force: true });
  try {
    const args = ['draft', csv, '--profile', path.join(root, 'fixtures/profile.yaml'), ...servers.flatMap((s) => ['--host', s.url]), '--concurrency', '4', '--drafts', drafts, '--quiet'];
    const start = performance.now();
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, [bin, ...args], { cwd: work, stdio: 'ignore' });
      child.on('error', reject);
      child.on('close', resolve);
    });
    const wallMs = performance.now() - start;
    if (code !== 0) throw new Error(`draft over ${hosts} host(s) exited ${code}`);
    const at = readFileSync(drafts, 'utf8')
      .split('\n')
      .filter((l) => l.includes('"type":"draft"'))
      .map((l) => Date.parse((JSON.parse(l) as { at: string }).at));
    if (at.length !== ROWS) throw new Error(`draft over ${hosts} host(s) wrote ${at.length} drafts, not ${ROWS}`);
    // ROWS answers in the span from the first to the last: ROWS - 1 intervals.
    return { spanMs: (Math.max(...at) - Math.min(...at)) * (ROWS / (ROWS - 1)), wallMs };
  } finally {
    await Promise.all(servers.map((s) => s.close()));
  }
}
