// Lint for `draft`'s summary, run on a worker thread: language detection and the other checks cost
// about a millisecond a draft, which would otherwise sit between one model answer and the next
// request. The thread boots while the first answer streams in (~50-100 ms: Node's bootstrap and
// franc's language data), so at a model's pace it is ready when that answer ends. Drafts go over
// in batches (a message costs this thread more than a draft's clone), at most FLUSH_MS after they
// arrive, so at the end finish() waits only for the last few. finish() returns the tally.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
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

type Item = { row: number; input: LintInput };

const BATCH = 64;
const FLUSH_MS = 50;

export function startBackgroundLint(profile: LintProfile): BackgroundLint {
  const script = new URL('./lint-thread.js', import.meta.url);
  // Run from TypeScript sources (tests), there is no compiled thread script: lint inline.
  if (!existsSync(fileURLToPath(script))) return inlineLint(profile);
  let worker: Worker | undefined;
  let inline: BackgroundLint | undefined;
  let closed = false;
  let failed: Error | undefined;
  let batch: Item[] = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (!worker || batch.length === 0) return;
    worker.postMessage({ type: 'drafts', items: batch } satisfies LintThreadMessage);
    batch = [];
  };
  /** The drafts so far, linted on this thread instead. */
  const onThisThread = (): BackgroundLint => {
    inline ??= inlineLint(profile);
    for (const { row, input } of batch.splice(0)) inline.add(row, input);
    return inline;
  };
  const boot = async () => {
    // node:worker_threads too loads here, not with the command.
    const { Worker } = await import('node:worker_threads');
    if (closed) return;
    worker = newThread(Worker, script, profile);
    if (!worker) return void onThisThread();
    worker.on('error', (err) => (failed = err));
    flush();
  };
  // Creating a thread blocks this one for a few ms: two turns of the event loop let the I/O under
  // way (the answer being read, the next request being sent) go first.
  const booted = new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve))).then(boot);
  return {
    add(row, input) {
      if (inline) return inline.add(row, input);
      // What the memory knows of the recipient goes too: without it the memory's checks would not run.
      batch.push({ row, input: { subject: input.subject, body: input.body, recipient: input.recipient, ...(input.memory ? { memory: input.memory } : {}), ...fromRecord(input) } });
      if (batch.length >= BATCH) flush();
      else if (!timer && worker) timer = setTimeout(flush, FLUSH_MS).unref();
    },
    async finish() {
      await booted;
      const w = worker;
      if (!w) return onThisThread().finish();
      flush();
      if (failed) throw failed;
      const tally = await askTally(w);
      void w.terminate();
      return tally;
    },
    close() {
      closed = true;
      clearTimeout(timer);
      if (worker) void worker.terminate();
    },
  };
}

/** What the draft's record adds (core/lint/record-input.ts): the rules' effective language and sign-off, the catalog picks. */
function fromRecord(input: LintInput): Pick<LintInput, 'effective' | 'grounding' | 'links'> {
  const { effective, grounding, links } = input;
  return { ...(effective ? { effective } : {}), ...(grounding ? { grounding } : {}), ...(links ? { links } : {}) };
}

/** The lint thread, undefined when none can start. */
function newThread(Thread: typeof Worker, script: URL, profile: LintProfile): Worker | undefined {
  try {
    // A small young generation: the thread holds one batch at a time, and its heap is RSS too.
    const thread = new Thread(script, { workerData: { profile: plain(profile) }, resourceLimits: { maxYoungGenerationSizeMb: 4 } });
    thread.unref(); // never keeps the process alive on its own
    return thread;
  } catch {
    return undefined;
  }
}

function askTally(thread: Worker): Promise<LintTally> {
  return new Promise<LintTally>((resolve, reject) => {
    thread.once('message', resolve);
    thread.once('error', reject);
    thread.postMessage({ type: 'finish' } satisfies LintThreadMessage);
  });
}

/**
 * Where no worker can start, the same contract on this thread. The lint (and franc's language
 * data) loads on first use, so the main thread of a normal run never pays for it.
 */
function inlineLint(profile: LintProfile): BackgroundLint {
  const modules = Promise.all([import('../core/lint/lint-draft.js'), import('../core/lint/tally.js')]);
  const pending: Item[] = [];
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
