// The lint of a draft run's new drafts, on a worker thread started only when the first answer
// streams in: a re-run with nothing to draft never pays for the thread.
import type { DraftRecord } from '../core/decisions/records.js';
import { recordLintInput } from '../core/lint/record-input.js';
import type { LintMemory } from '../core/lint/repeats.js';
import { emptyTally, type LintTally } from '../core/lint/tally.js';
import type { ToneProfile } from '../core/profile.js';
import { startBackgroundLint, type BackgroundLint } from '../io/lint-in-background.js';

export type LazyLint = ReturnType<typeof lazyLint>;

/** The lint thread starts with the first answer: a re-run with nothing to draft never pays for it. */
export function lazyLint(profile: ToneProfile) {
  let lint: BackgroundLint | undefined;
  return {
    start: () => void (lint ??= startBackgroundLint(profile)),
    /** `memory`: what the memory knows of the recipient, for the lint's opted-out and repeats-earlier checks. */
    add: (record: DraftRecord, memory?: LintMemory) => {
      lint ??= startBackgroundLint(profile);
      // Every variant is linted (with its own fields): any of them may be the one approved.
      for (const text of record.variants ?? [record]) {
        const fields = text.fields ? { fields: text.fields } : {};
        lint.add(record.row, { subject: text.subject, body: text.body ?? '', ...fields, recipient: record.recipient, ...(memory ? { memory } : {}), ...recordLintInput(record) });
      }
    },
    finish: (): Promise<LintTally> => (lint ? lint.finish() : Promise.resolve(emptyTally())),
    close: () => lint?.close(),
  };
}
