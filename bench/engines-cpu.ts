// The OpenAI-compatible path's cost beside Ollama's, and many slots on one host: each run drafts
// the same rows against a zero-latency fake server in this process, so what is measured is
// draftsmith's own work. CPU is the child's user + system time (bash's `times`, which reads the
// kernel's accounting of the finished child), divided by the rows; start-up is in both alike.
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startFakeOllama } from '../test/helpers/fake-ollama/index.js';
import { startFakeOpenAI } from '../test/helpers/fake-openai/index.js';

export interface EnginesRow {
  name: string;
  value: string;
  target: string;
  ok: boolean;
}

const ROWS = 2000;

interface Measured {
  cpuMsPerDraft: number;
  wallMsPerDraft: number;
}

export async function benchEngines(root: string, work: string, bin: string): Promise<EnginesRow[]> {
  const csv = path.join(work, 'engines.csv');
  const lines = ['first_name,last_name,email,company'];
  for (let i = 1; i <= ROWS; i++) lines.push(`Ana${i},Pereira,ana${i}@example.com,Acme ${i % 97}`);
  writeFileSync(csv, `${lines.join('\n')}\n`);
  const run = (engine: 'ollama' | 'openai', slots: number) => measure({ root, work, bin, csv, engine, slots });
  // Alternated, best of three each: the machine is shared, and noise only ever adds time.
  const ollama: Measured[] = [];
  const openai: Measured[] = [];
  for (let i = 0; i < 3; i++) {
    ollama.push(await run('ollama', 8));
    openai.push(await run('openai', 8));
  }
  const few: Measured[] = [];
  const many: Measured[] = [];
  for (let i = 0; i < 3; i++) {
    few.push(await run('ollama', 4));
    many.push(await run('ollama', 64));
  }
  const best = (ms: Measured[], k: keyof Measured) => Math.min(...ms.map((m) => m[k]));
  const cpuRatio = best(openai, 'cpuMsPerDraft') / best(ollama, 'cpuMsPerDraft');
  const slotRatio = best(many, 'wallMsPerDraft') / best(few, 'wallMsPerDraft');
  return [
    {
      name: `CPU per draft, OpenAI-compatible vs Ollama (${ROWS.toLocaleString('en')} rows, 8 slots, zero latency; best of 3)`,
      value: `${best(openai, 'cpuMsPerDraft').toFixed(2)} ms vs ${best(ollama, 'cpuMsPerDraft').toFixed(2)} ms (${cpuRatio.toFixed(2)}x)`,
      target: '<= 1.10x',
      ok: cpuRatio <= 1.1,
    },
    {
      name: `64 slots vs 4 slots on one host, zero latency: time per draft (${ROWS.toLocaleString('en')} rows; best of 3)`,
      value: `${best(many, 'wallMsPerDraft').toFixed(2)} ms vs ${best(few, 'wallMsPerDraft').toFixed(2)} ms (${slotRatio.toFixed(2)}x)`,
      target: '<= 1.00x (64 no slower)',
      ok: slotRatio <= 1,
    },
  ];
}

async function measure(o: { root: string; work: string; bin: string; csv: string; engine: 'ollama' | 'openai'; slots: number }): Promise<Measured> {
  const server = o.engine === 'ollama' ? await startFakeOllama({ latencyMs: 0, slots: o.slots, record: false }) : await startFakeOpenAI({ latencyMs: 0, slots: o.slots, record: false });
  const drafts = path.join(o.work, `engines-${o.engine}-${o.slots}.drafts.jsonl`);
  rmSync(drafts, { force: true });
  try {
    const args = [o.bin, 'draft', o.csv, '--profile', path.join(o.root, 'fixtures/profile.yaml'), '--engine', o.engine, '--host', server.url, '--concurrency', String(o.slots), '--drafts', drafts, '--quiet'];
    const quoted = [process.execPath, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const start = performance.now();
    const out = await new Promise<string>((resolve, reject) => {
      // `times` prints the shell's own times, then its finished children's: user and system.
      const child = spawn('bash', ['-c', `${quoted} >/dev/null 2>&1 || exit 3; times`], { cwd: o.work, stdio: ['ignore', 'pipe', 'inherit'] });
      let text = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (text += d));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`draft with ${o.engine} on ${o.slots} slots exited ${code}`))));
    });
    const wallMs = performance.now() - start;
    const children = out.trim().split('\n')[1] ?? '';
    const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce((sum, m) => sum + Number(m[1]) * 60 + Number(m[2]), 0);
    return { cpuMsPerDraft: (seconds * 1000) / ROWS, wallMsPerDraft: wallMs / ROWS };
  } finally {
    await server.close();
  }
}
