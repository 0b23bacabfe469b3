// The worker side of background lint (see lint-in-background.ts): lints batches of drafts against
// the profile it was started with and, when asked, sends back the tally.
import { parentPort, workerData } from 'node:worker_threads';
import { lintDraft, type LintInput, type LintProfile } from '../core/lint/lint-draft.js';
import { addToTally, emptyTally } from '../core/lint/tally.js';

export type LintThreadMessage = { type: 'drafts'; items: { row: number; input: LintInput }[] } | { type: 'finish' };

const profile = (workerData as { profile: LintProfile }).profile;
const tally = emptyTally();

// A first lint compiles every check and builds the profile's patterns: done now, while the first
// answer streams in, it is not waited for after the last one. Its findings are thrown away.
const warmUp = 'Hi Ana,\n\nIt was good to meet you at the meetup last week. We are opening a private beta of our tool and would like you to try it.\n\nBest regards,\nSam';
lintDraft({ subject: 'Hello Ana', body: warmUp, recipient: { first_name: 'Ana', email: 'ana@example.com' } }, profile);

parentPort?.on('message', (msg: LintThreadMessage) => {
  if (msg.type === 'drafts') {
    for (const { row, input } of msg.items) addToTally(tally, row, lintDraft(input, profile));
  } else {
    parentPort?.postMessage(tally);
  }
});

