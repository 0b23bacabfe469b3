// `npm run bench`: measures draftsmith against the fake Ollama server and writes docs/BENCHMARKS.md.
// Each figure is printed beside its target. Timings vary run to run; the targets have headroom.
// `tsx bench/run.ts --only startup` (or `--only engines`, `--only import`, `--only memory`; `--only examples` is memory's last part alone;
// `--only analysis`: rules, catalog, answer fields and variants) runs only that section (a few seconds) and prints it,
// leaving docs/BENCHMARKS.md alone. `--bin PATH` measures another build (e.g. an older commit's
// bin/draftsmith.js, for a before/after in the same minute) and also leaves the file alone.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeOllama } from '../test/helpers/fake-ollama/index.js';
import { benchEmbedded } from './embedded.js';
import { benchStartup } from './startup.js';
import { benchHosts } from './hosts.js';
import { benchEngines } from './engines-cpu.js';
import { benchImport } from './import.js';
import { benchMemoryEnv, runMeasured, type Measured } from './measure.js';
import { benchMemory } from './memory.js';
import { benchExamples } from './memory-examples.js';
import { benchAnalysis } from './analysis.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const work = path.join(root, '.bench-tmp');
const binFlag = process.argv.indexOf('--bin');
const bin = binFlag > 0 ? path.resolve(process.argv[binFlag + 1]!) : path.join(root, 'bin/draftsmith.js');
// Every child the benchmark spawns inherits this: no run opens the user's real memory
// (~/.local/share/draftsmith/memory.db); a section that wants a memory names its own file.
Object.assign(process.env, benchMemoryEnv(work));

interface Row {
  name: string;
  value: string;
  target: string;
  ok: boolean;
}

function makeCsv(file: string, rows: number): void {
  const lines = ['first_name,last_name,email,company,role,notes,language'];
  for (let i = 1; i <= rows; i++) {
    lines.push(`Ana${i},Pereira,ana${i}@example.com,Acme ${i % 97},Engineer,"Met at meetup ${i}, likes Rust",en`);
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}

function run(args: string[], env: Record<string, string> = {}): Promise<Measured> {
  return runMeasured(bin, args, { cwd: work, env });
}

function nodeAlone(): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', () => resolve(performance.now() - start));
  });
}

async function draftRun(rows: number, opts: { latencyMs: number; slots: number; concurrency: number; rerun?: boolean }) {
  const server = await startFakeOllama({ latencyMs: opts.latencyMs, slots: opts.slots, record: false });
  try {
    const csv = path.join(work, `r${rows}.csv`);
    makeCsv(csv, rows);
    const drafts = path.join(work, `r${rows}-${opts.latencyMs}.drafts.jsonl`);
    rmSync(drafts, { force: true });
    const args = [
      'draft', csv, '--profile', path.join(root, 'fixtures/profile.yaml'), '--host', server.url,
      '--concurrency', String(opts.concurrency), '--drafts', drafts, '--quiet',
    ];
    const result = await run(args);
    if (result.code !== 0) throw new Error(`draft exited ${result.code}: ${result.stderr.slice(0, 2000)}`);
    // The same command again on the finished campaign: no request, nothing redrafted.
    const size = statSync(drafts).size;
    const again = opts.rerun ? await run(args) : undefined;
    if (again && again.code !== 0) throw new Error(`re-run exited ${again.code}: ${again.stderr.slice(0, 2000)}`);
    // Nothing drafted means nothing appended: the drafts file is byte for byte the same size.
    if (again && statSync(drafts).size !== size) throw new Error('the re-run of a finished campaign wrote new records');
    return { ...result, maxConcurrent: server.maxConcurrent, rerun: again };
  } finally {
    await server.close();
  }
}

/**
 * The fake server's own time for one streamed answer at 200 ms latency (timer slack and streaming
 * included), median of 10, asked with Node's fetch: the floor under the 200 x 200 ms figure.
 */
async function fakeRoundTrip(): Promise<number> {
  const server = await startFakeOllama({ latencyMs: 200, slots: 1 });
  try {
    const times: number[] = [];
    for (let i = 0; i < 10; i++) {
      const start = performance.now();
      const res = await fetch(`${server.url}/api/chat`, {
        method: 'POST',
        body: JSON.stringify({ model: 'llama3.2', stream: true, messages: [{ role: 'user', content: '```json\n{"first_name":"Ana"}\n```' }] }),
      });
      await res.text();
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    return times[5]!;
  } finally {
    await server.close();
  }
}

/** A section's rows, or one row saying it could not run (an older build measured with --bin lacks the feature). */
async function section(name: string, rows: () => Promise<Row[]>): Promise<Row[]> {
  try {
    return await rows();
  } catch (err) {
    return [{ name: `${name}: not measured`, value: (err as Error).message, target: '-', ok: false }];
  }
}

async function main(): Promise<void> {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const rows: Row[] = [];
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
  const sections = { engines: benchEngines, import: benchImport, memory: benchMemory, examples: benchExamples, analysis: benchAnalysis };
  const isSection = (name: string): name is keyof typeof sections => Object.hasOwn(sections, name);
  if (only !== undefined && only !== 'startup' && !isSection(only)) throw new Error(`--only takes one section: startup, engines, import, memory, examples or analysis (got ${only})`);
  if (only !== undefined && isSection(only)) {
    for (const r of await sections[only](root, work, bin)) process.stdout.write(`${r.ok ? 'ok  ' : 'MISS'} ${r.name}: ${r.value} (target ${r.target})\n`);
    rmSync(work, { recursive: true, force: true });
    return;
  }
  // Start-up first too: the spawns are short, and the disk is still quiet.
  const startup = await benchStartup({ root, work, bin });
  if (only === 'startup') {
    for (const r of startup) process.stdout.write(`${r.ok ? 'ok  ' : 'MISS'} ${r.name}: ${r.value} (target ${r.target})\n`);
    rmSync(work, { recursive: true, force: true });
    return;
  }

  // Cold start of --help first, before the big runs leave the disk busy writing back their files.
  const median = async (args: string[], node = false): Promise<number> => {
    const times: number[] = [];
    for (let i = 0; i < 15; i++) times.push(node ? await nodeAlone() : (await run(args)).ms);
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)]!;
  };
  const help = await median(['--help']);
  const bare = await median([], true);
  const helpRow: Row = { name: 'cold `draftsmith --help` (median of 15)', value: `${help.toFixed(0)} ms (node -e "" alone: ${bare.toFixed(0)} ms)`, target: '< 150 ms', ok: help < 150 };

  // 1. Our own overhead per draft: the model answers instantly.
  const fast = await draftRun(10_000, { latencyMs: 0, slots: 8, concurrency: 8, rerun: true });
  const perSecond = 10_000 / (fast.ms / 1000);
  rows.push({ name: 'drafts/s, 10,000 recipients, zero model latency', value: perSecond.toFixed(0), target: '>= 1,000/s', ok: perSecond >= 1000 });

  // 2. Concurrency that really overlaps: 200 x 200 ms on 4 slots is ideally 10 s.
  const slow = await draftRun(200, { latencyMs: 200, slots: 4, concurrency: 4 });
  const ratio = slow.ms / 10_000;
  const floor = await fakeRoundTrip();
  rows.push({ name: 'wall time, 200 recipients x 200 ms, 4 slots, --concurrency 4 (ratio to ideal 10 s)', value: `${(slow.ms / 1000).toFixed(2)} s (${ratio.toFixed(3)}; the fake alone takes ${floor.toFixed(1)} ms an answer, so 50 rounds ≥ ${((50 * floor) / 1000).toFixed(2)} s)`, target: '<= 1.05', ok: ratio <= 1.05 });

  // 3. Memory stays flat as the input grows.
  const rss10k = fast.peakRssKb / 1024;
  const big = await draftRun(100_000, { latencyMs: 0, slots: 8, concurrency: 8, rerun: true });
  const rss100k = big.peakRssKb / 1024;
  rows.push({ name: 'peak RSS drafting 10,000 rows', value: `${rss10k.toFixed(0)} MB`, target: '< 150 MB', ok: rss10k < 150 });
  rows.push({ name: 'peak RSS drafting 100,000 rows', value: `${rss100k.toFixed(0)} MB`, target: '< 150 MB, within 20% of 10k', ok: rss100k < 150 && rss100k <= rss10k * 1.2 });

  // 4. Re-running a finished campaign: every row is matched to its recipient and reused.
  for (const [label, r, limitMs] of [['10,000', fast.rerun!, 1000], ['100,000', big.rerun!, 4000]] as const) {
    const mb = r.peakRssKb / 1024;
    rows.push({
      name: `re-run of a finished ${label}-row campaign (nothing drafted): time, peak RSS`,
      value: `${(r.ms / 1000).toFixed(2)} s, ${mb.toFixed(0)} MB`,
      target: `< ${limitMs / 1000} s, <= 150 MB`,
      ok: r.ms < limitMs && mb <= 150,
    });
  }

  // 5. Many hosts: three hosts x 4 slots against one (bench/hosts.ts).
  rows.push(...(await section('many hosts', () => benchHosts(root, work, bin).then((r) => [r]))));
  // 6. The OpenAI-compatible path beside Ollama's, and 64 slots against 4 (bench/engines-cpu.ts).
  rows.push(...(await section('engines', () => benchEngines(root, work, bin))));
  // 7. Importing mail into the memory: a 100,000-message mbox (bench/import.ts).
  rows.push(...(await section('history import', () => benchImport(root, work, bin))));
  // 8. Drafting with a memory of 100,000 messages against --no-memory: CPU per draft (bench/memory.ts);
  //    and with examples from a memory of 50,000 approvals (bench/memory-examples.ts).
  rows.push(...(await section('memory', () => benchMemory(root, work, bin))));
  // 9. Reading the recipient before writing: rules, a catalog, an answer field, variants (bench/analysis.ts).
  rows.push(...(await section('analysis', () => benchAnalysis(root, work, bin))));

  rows.push(helpRow, ...startup);

  // 5. The embedded engine on the tiny real model.
  const embedded = await benchEmbedded(path.resolve(root, '../shared/models/stories260K.gguf'));

  const machine = `${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.arch()}`;
  const table = [
    '| measure | result | target | met |',
    '| --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.name} | ${r.value} | ${r.target} | ${r.ok ? 'yes' : '**no**'} |`),
  ].join('\n');
  const embeddedMd =
    typeof embedded === 'string'
      ? embedded
      : [
          '| threads | sequences | load | tokens/s | drafts/min |',
          '| --- | --- | --- | --- | --- |',
          ...embedded.map((e) => `| ${e.threads} | ${e.sequences} | ${e.loadMs.toFixed(0)} ms | ${e.tokensPerSecond.toFixed(0)} | ${e.draftsPerMinute.toFixed(0)} |`),
        ].join('\n');
  const md = `# Benchmarks

Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)} (${machine}).

## Pipeline against the fake Ollama server

Everything runs against the fake Ollama server in \`test/helpers/fake-ollama/\` on loopback (in
the benchmark's own process, so it shares the two cores with draftsmith): these figures measure
draftsmith's own work per draft (CSV, prompt, fingerprint, HTTP client, journal, lint), not a model.

${table}

## Embedded engine (node-llama-cpp) on stories260K.gguf

8 short structured drafts (num_predict 160, JSON-schema grammar) per configuration; load is
\`prepare()\` (import node-llama-cpp, start llama.cpp, load the model, create the context).

${embeddedMd}
`;
  if (binFlag < 0) {
    mkdirSync(path.join(root, 'docs'), { recursive: true });
    writeFileSync(path.join(root, 'docs/BENCHMARKS.md'), md);
  }
  process.stdout.write(`measured: ${bin}\n`);
  for (const r of rows) process.stdout.write(`${r.ok ? 'ok  ' : 'MISS'} ${r.name}: ${r.value} (target ${r.target})\n`);
  process.stdout.write(`embedded:\n${embeddedMd}\n`);
  rmSync(work, { recursive: true, force: true });
}

await main();
