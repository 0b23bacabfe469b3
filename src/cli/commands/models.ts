// `draftsmith models`: what can be drafted with here, engine by engine (src/app/models.ts). The
// listing is stdout; an engine that did not answer is a note on stderr.
import { listModels } from '../../app/models.js';
import { splitHostList } from '../../core/host-address.js';
import type { CliIo } from '../streams.js';

export interface ModelsOptions {
  host?: string;
  allowRemote?: boolean;
  json?: boolean;
}

export async function runModelsCommand(opts: ModelsOptions, io: CliIo): Promise<void> {
  const { listing, text, notes } = await listModels({ host: splitHostList(opts.host)[0], allowRemote: Boolean(opts.allowRemote), env: io.env, lookup: io.lookup });
  for (const note of notes) io.stderr.write(note);
  io.stdout.write(opts.json ? `${JSON.stringify(listing, null, 2)}\n` : text);
}
