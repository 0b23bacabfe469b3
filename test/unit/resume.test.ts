// The command `draft` prints to resume a run (issue 8): every flag that selects rows, changes a
// draft's fingerprint or changes how the CSV is read comes back with its value. Old draftsmith
// dropped --temperature, --seed, --limit and --encoding, so its resume command redrafted finished
// rows, drafted others, or could not read the CSV.
import { describe, expect, it } from 'vitest';
import { DRAFT_RESUME_FLAGS, resumeCommand } from '../../src/cli/resume.js';

// A value for every flag of the table, as commander hands them to the command.
const EVERY_FLAG: Record<string, string | number | boolean> = {
  drafts: 'my drafts.jsonl',
  engine: 'ollama',
  model: 'llama3.2:3b',
  host: 'http://127.0.0.1:11434',
  allowRemote: true,
  threads: 4,
  rows: '3,5-9',
  limit: 10,
  seed: 5,
  temperature: 0.3,
  variants: 3,
  encoding: 'windows-1252',
  skipLines: 2,
  redraftDecided: true,
  redraftStale: true,
  modelAnalysis: false,
  memory: 'my memory.db',
};

describe('resumeCommand with DRAFT_RESUME_FLAGS', () => {
  it('names every flag of the table in this test (a flag added to the table needs a value here)', () => {
    expect(DRAFT_RESUME_FLAGS.map(([prop]) => prop).sort()).toEqual(Object.keys(EVERY_FLAG).sort());
  });

  it('repeats every flag set, each with its value, shell-quoted where needed', () => {
    const flags = { ...EVERY_FLAG, profile: 'p.yaml', concurrency: 2, quiet: true, force: true };
    const cmd = resumeCommand('draft', ['Leads 2024.csv', '--profile', 'my profile.yaml'], flags, DRAFT_RESUME_FLAGS);
    expect(cmd).toBe(
      "draftsmith draft 'Leads 2024.csv' --profile 'my profile.yaml' --drafts 'my drafts.jsonl' --engine ollama --model llama3.2:3b" +
        ' --host http://127.0.0.1:11434 --allow-remote --threads 4 --rows 3,5-9 --limit 10 --seed 5 --temperature 0.3 --variants 3' +
        " --encoding windows-1252 --skip-lines 2 --redraft-decided --redraft-stale --no-model-analysis --memory 'my memory.db'",
    );
  });

  it('leaves out flags that are unset or false, and keeps 0 (a seed of 0 is a seed)', () => {
    const cmd = resumeCommand('draft', ['leads.csv', '--profile', 'p.yaml'], { seed: 0, temperature: 0, allowRemote: false, limit: undefined }, DRAFT_RESUME_FLAGS);
    expect(cmd).toBe('draftsmith draft leads.csv --profile p.yaml --seed 0 --temperature 0');
  });

  it('repeats --no-memory (commander gives it as false): resuming must not record what the run was told not to', () => {
    const cmd = resumeCommand('draft', ['leads.csv', '--profile', 'p.yaml'], { memory: false, seed: 1 }, DRAFT_RESUME_FLAGS);
    expect(cmd).toBe('draftsmith draft leads.csv --profile p.yaml --seed 1 --no-memory');
  });

  it('repeats --no-model-analysis (commander gives it as false), and says nothing of its default (true)', () => {
    const off = resumeCommand('draft', ['leads.csv', '--profile', 'p.yaml'], { modelAnalysis: false }, DRAFT_RESUME_FLAGS);
    expect(off).toBe('draftsmith draft leads.csv --profile p.yaml --no-model-analysis');
    const on = resumeCommand('draft', ['leads.csv', '--profile', 'p.yaml'], { modelAnalysis: true }, DRAFT_RESUME_FLAGS);
    expect(on).toBe('draftsmith draft leads.csv --profile p.yaml');
  });

  it("quotes a value with a quote or a shell character so the command runs as printed", () => {
    const cmd = resumeCommand('draft', ["O'Neill leads.csv", '--profile', 'p.yaml'], { drafts: 'a;b$(x).jsonl' }, DRAFT_RESUME_FLAGS);
    expect(cmd).toBe(`draftsmith draft 'O'\\''Neill leads.csv' --profile p.yaml --drafts 'a;b$(x).jsonl'`);
  });
});
