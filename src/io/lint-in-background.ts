// Lint for `draft`'s summary, run on a worker thread: language detection and the other checks cost
// about a millisecond a draft, which would otherwise sit between one model answer and the next
// request. Drafts are sent over in batches; finish() returns the tally.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { LintInput, LintProfile } from '../core/lint/lint-draft.js';
import type { LintTally } from '../core/lint/tally.js';
import type { LintThreadMessage } from './lint-thread.js';

export interface BackgroundLint {
  add(row: number, input: LintInput): void;
  /** Every draft added so far, linted. */
  finish(): Promise<LintTally>;
  /** Stop the thread without waiting (Ctrl-C, errors). Safe to call twice. */
  close(): void;
}

const BATCH = 64;

export function startBackgroundLint(profile: LintProfile): BackgroundLint {
  const script = new URL('./lint-thread.js', import.meta.url);
  // Run from TypeScript sources (tests), there is no compiled thread script: lint inline.
  if (!existsSync(fileURLToPath(script))) return inlineLint(profile);
  let worker: Worker;
  try {
    // A small young generation: the thread holds one batch at a time, and its heap is RSS too.
    worker = new Worker(script, { workerData: { profile: plain(profile) }, resourceLimits: { maxYoungGenerationSizeMb: 4 } });
  } catch {
    return inlineLint(profile);
  }
  worker.unref(); // never keeps the process alive on its own
  let failed: Error | undefined;
  worker.on('error', (err) => (failed = err));
  let batch: { row: number; input: LintInput }[] = [];
  const flush = () => {
    if (batch.length === 0) return;
    worker.postMessage({ type: 'drafts', items: batch } satisfies LintThreadMessage);
    batch = [];
  };
  return {
    add(row, input) {
      batch.push({ row, input: { subject: input.subject, body: input.body, recipient: input.recipient } });
      if (batch.length >= BATCH) flush();
    },
    async finish() {
      flush();
      if (failed) throw failed;
      const tally = await new Promise<LintTally>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.postMessage({ type: 'finish' } satisfies LintThreadMessage);
      });
      void worker.terminate();
      return tally;
    },
    close() {
      void worker.terminate();
    },
  };
}

/**
 * Where no worker can start, the same contract on this thread. The lint (and franc's language
 * data) loads on first use, so the main thread of a normal run never pays for it.
 */
function inlineLint(profile: LintProfile): BackgroundLint {
  const modules = Promise.all([import('../core/lint/lint-draft.js'), import('../core/lint/tally.js')]);
  const pending: { row: number; input: LintInput }[] = [];
  return {
    add: (row, input) => void pending.push({ row, input }),
    finish: async () => {
      const [{ lintDraft }, { addToTally, emptyTally }] = await modules;
      const tally = emptyTally();
      for (const { row, input } of pending.splice(0)) addToTally(tally, row, lintDraft(input, profile));
      return tally;
    },
    close: () => {},
  };
}

/** The profile as plain data: zod output is already plain, but a clone must not meet functions. */
function plain(profile: LintProfile): LintProfile {
  return JSON.parse(JSON.stringify(profile)) as LintProfile;
}
