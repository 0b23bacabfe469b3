// Reading the recipient before writing (issue 13): 10,000 recipients of the fixtures/rules kind
// drafted with the model answering instantly, three ways, alternated: the plain profile (no rules,
// no catalog, no answer fields), the same profile with fixtures/rules' five rules, its 5-item
// catalog (BM25) and a `ps` answer field, and that again with two variants. The figure is the
// child's own CPU (user + system, all threads) per recipient, best of alternated runs, so a busy
// machine moves it less than wall time; the extra over the plain profile is what the analysis costs.
// The runs are --quiet (the lint is not waited for), like the drafts/s figure: draftsmith's own work
// per request, not the lint's.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startFakeOllama } from '../test/helpers/fake-ollama/index.js';
import { runMeasured } from './measure.js';

export interface AnalysisRow {
  name: string;
  value: string;
  target: string;
  ok: boolean;
}

const ROWS = 10_000;
const RUNS = 3;
const STATUSES = ['active', 'active', 'trial', 'churned', 'active'];
const COUNTRIES = ['GB', 'DE', 'US', 'AT', 'FR', 'IT'];
const NOTES = ['Asked about incremental sync from Postgres', 'Reconciles HubSpot and the warehouse by hand', 'Interested in Kubernetes cost', 'Evaluating reverse ETL', 'Spreadsheet export kept timing out'];

function writeCsv(file: string): void {
  const lines = ['first_name,last_name,email,company,role,status,country,notes,do_not_email,phone'];
  for (let i = 1; i <= ROWS; i++) {
    const role = i % 7 === 0 ? 'Data Analyst' : 'Head of Data';
    lines.push(`Ana${i},Pereira,ana${i}@example.com,Acme ${i % 97},${role},${STATUSES[i % 5]},${COUNTRIES[i % 6]},"${NOTES[i % 5]} (${i})",,+44 20 7946 ${String(i).padStart(4, '0')}`);
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}

/** fixtures/rules/profile.yaml without its sentiment rule's cost (no memory: no replies) and without variants; `plain` also without rules, catalog and fields. */
function writeProfiles(root: string, work: string): Record<'plain' | 'analysis' | 'variants', string> {
  const full = readFileSync(path.join(root, 'fixtures/rules/profile.yaml'), 'utf8');
  const upTo = (marker: string) => full.slice(0, full.indexOf(marker));
  const withoutVariants = full.replace(/\nvariants:\n(?: {2}- .*\n)+/, '\n');
  const files = {
    plain: path.join(work, 'analysis-plain.yaml'),
    analysis: path.join(work, 'analysis-rules.yaml'),
    variants: path.join(work, 'analysis-variants.yaml'),
  };
  writeFileSync(files.plain, upTo('# Evaluated per recipient'));
  writeFileSync(files.analysis, withoutVariants);
  writeFileSync(files.variants, full);
  writeFileSync(path.join(work, 'products.yaml'), readFileSync(path.join(root, 'fixtures/rules/products.yaml')));
  return files;
}

export async function benchAnalysis(root: string, work: string, bin: string): Promise<AnalysisRow[]> {
  const csv = path.join(work, `analysis-${ROWS}.csv`);
  writeCsv(csv);
  const profiles = writeProfiles(root, work);
  type Way = keyof typeof profiles;
  const cpu: Record<Way, number[]> = { plain: [], analysis: [], variants: [] };
  const server = await startFakeOllama({ latencyMs: 0, slots: 8, record: false });
  try {
    for (let run = 0; run < RUNS; run++) {
      for (const way of Object.keys(profiles) as Way[]) {
        const drafts = path.join(work, 'analysis-bench.drafts.jsonl');
        rmSync(drafts, { force: true });
        const r = await runMeasured(bin, ['draft', csv, '--profile', profiles[way], '--host', server.url, '--concurrency', '8', '--drafts', drafts, '--quiet', '--no-memory'], { cwd: work, cpu: true });
        if (r.code !== 0) throw new Error(`draft (${way}) exited ${r.code}: ${r.stderr.slice(0, 1000)}`);
        cpu[way].push(r.cpuMs! / ROWS);
      }
    }
  } finally {
    await server.close();
  }
  const best = (xs: number[]) => Math.min(...xs);
  const signed = (ms: number) => `${ms < 0 ? '−' : '+'}${Math.abs(ms).toFixed(3)} ms`;
  const spread = (xs: number[]) => `runs ${Math.min(...xs).toFixed(3)}–${Math.max(...xs).toFixed(3)} ms`;
  const plain = best(cpu.plain);
  const analysis = best(cpu.analysis) - plain;
  // Two variants are two requests and two drafts a row: the second one's cost is expected.
  const variants = best(cpu.variants) - best(cpu.analysis);
  return [
    { name: `CPU a recipient, ${ROWS.toLocaleString('en')} recipients, plain profile (best of ${RUNS})`, value: `${plain.toFixed(3)} ms (${spread(cpu.plain)})`, target: '-', ok: true },
    { name: 'extra CPU a recipient: 5 rules, a 5-item catalog (BM25) and an answer field', value: `${signed(analysis)} (with them: ${spread(cpu.analysis)})`, target: '< +0.5 ms', ok: analysis < 0.5 },
    { name: 'extra CPU a recipient for a second variant (a second request and draft)', value: `${signed(variants)} (plain: ${plain.toFixed(3)} ms)`, target: '<= 1.2 x the plain cost', ok: variants <= plain * 1.2 },
  ];
}
