// A run without variants, end to end in process: a profile and templates given inline, one row's
// job (app/draft-jobs.ts), the runner against the fake engine. Returns everything a drafts file and
// the engine would see, so a test can hold it against what draftsmith wrote before variants existed.
import { createHash } from 'node:crypto';
import { draftJobs, runDigestOf, type JobSettings } from '../../src/app/draft-jobs.js';
import { draftSchema } from '../../src/core/drafting/draft-answer.js';
import { generationOptions, type Templates } from '../../src/core/drafting/prompt.js';
import { runDrafts } from '../../src/core/drafting/run.js';
import { parseProfile } from '../../src/core/profile.js';
import { buildColumns, type Recipient } from '../../src/core/recipients/recipients.js';
import { createFakeEngine } from './fake-engine.js';

const TEMPLATES: Templates = {
  system: 'You write {{channel}} messages. Goal: {{goal}}.',
  user: 'Recipient data:\n{{{recipient_data}}}\nWrite it.',
  regenerate: 'Again: {{feedback}}',
  history: 'History rules.',
  id: 'fixed-template-id',
};

/** sha256 of the run digest, the saved record and the requests sent, with the fingerprint and request count. */
export async function plainPipeline(profileData: Record<string, unknown> = { goal: 'Invite them to a call', sign_off: 'Best' }) {
  const parsed = parseProfile(profileData);
  if (!parsed.ok) throw new Error('bad test profile');
  const profile = parsed.profile;
  const { columns } = buildColumns(['first_name', 'email', 'company']);
  const settings: JobSettings = {
    profile, templates: TEMPLATES, columns, schema: draftSchema(profile.channel), options: generationOptions(profile, { seed: 7, temperature: 0.5 }),
    engine: { engine: 'fake', model: 'fake-model' }, keyAt: (row) => `email:ana${row}@x.org`, digestAt: () => new Uint8Array(16),
  };
  const run = runDigestOf(settings);
  async function* rows(): AsyncGenerator<Recipient> {
    yield { row: 1, line: 2, cells: ['Ana', 'ana1@x.org', 'Acme'] };
  }
  const saved: unknown[] = [];
  const engine = createFakeEngine({ rowOf: () => 1, fallback: () => ({ text: JSON.stringify({ subject: 'Hi', body: 'hello there' }) }) });
  await runDrafts({
    jobs: draftJobs(rows(), settings, run), engine, plan: () => ({ plan: 'draft', version: 1 }), concurrency: 1,
    parse: (t) => JSON.parse(t) as { subject?: string; body: string }, save: (r) => saved.push(r), now: () => new Date('2026-01-01T00:00:00Z'), profile: '/p.yaml',
  });
  const record = saved[0] as { fingerprint: string };
  const seen = JSON.stringify({ run, record, requests: engine.calls.map((c) => ({ messages: c.request.messages, options: c.request.options, schema: c.request.schema })) });
  return { hash: createHash('sha256').update(seen).digest('hex'), fingerprint: record.fingerprint, requests: engine.calls.length, record, run };
}
