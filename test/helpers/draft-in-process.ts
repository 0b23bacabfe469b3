// `draft`'s use case run in this process against a fake Ollama server, with a memory of the test's
// own: the options a test leaves out are a plain run's, and what the run said on stderr is kept.
import { PassThrough } from 'node:stream';
import { draftCampaign, type CampaignOutcome, type DraftCampaignOptions } from '../../src/app/draft-campaign.js';
import { createOllamaEngine } from '../../src/engines/ollama/engine.js';
import { createUi } from '../../src/ui/terminal.js';

export interface DraftPlace {
  /** The campaign's folder (leads.csv and profile.yaml in it). */
  dir: string;
  memoryFile: string;
  /** The fake server's URL. */
  host: string;
}

export function draftInProcess(where: DraftPlace, extra: Partial<DraftCampaignOptions> = {}, stdout = new PassThrough()): { outcome: Promise<CampaignOutcome>; said: () => string } {
  const stderr = new PassThrough();
  let said = '';
  stderr.on('data', (b: Buffer) => (said += b.toString()));
  const outcome = draftCampaign(
    { csv: 'leads.csv', profile: 'profile.yaml', concurrency: 1, retries: 0, giveUpAfter: 30, format: 'jsonl', resume: 'draftsmith draft leads.csv -p profile.yaml', ...extra },
    {
      ui: createUi({ env: {}, stdout, stderr, quiet: false }),
      cwd: where.dir,
      env: { DRAFTSMITH_MEMORY: where.memoryFile },
      stdin: new PassThrough(),
      stdout,
      createEngine: async () => createOllamaEngine({ host: where.host, model: 'llama3.2' }),
      onInterrupt: () => () => {},
    },
  ) as Promise<CampaignOutcome>;
  return { outcome, said: () => said };
}
