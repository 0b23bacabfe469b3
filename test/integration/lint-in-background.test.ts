// Background lint (a worker thread in the built CLI) must tally exactly what linting inline does.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintDraft } from '../../src/core/lint/lint-draft.js';
import { addToTally, emptyTally } from '../../src/core/lint/tally.js';
import { CASES, PROFILES, RECIPIENTS } from '../fixtures/lint-cases.js';
import { repoRoot } from '../helpers/cli.js';

const built = path.join(repoRoot, 'dist/cli/lint-in-background.js');

describe.skipIf(!existsSync(built))('background lint (worker thread, built code)', () => {
  it('gives the same tally as linting on this thread, for every labelled draft of a profile', async () => {
    const { startBackgroundLint } = (await import(built)) as typeof import('../../src/io/lint-in-background.js');
    for (const name of ['email', 'linkedin'] as const) {
      const profile = PROFILES[name];
      const cases = CASES.filter((c) => c.profile === name);
      const background = startBackgroundLint(profile);
      const inline = emptyTally();
      cases.forEach((c, i) => {
        const input = { subject: c.subject, body: c.body, recipient: RECIPIENTS[c.recipient as keyof typeof RECIPIENTS] };
        background.add(i + 1, input);
        addToTally(inline, i + 1, lintDraft(input, profile));
      });
      const tally = await background.finish();
      expect(cases.length).toBeGreaterThan(2);
      expect(tally).toEqual(inline);
      expect(tally.errorRows.length + tally.warningRows.length).toBeGreaterThan(0);
    }
  });

  it('close() stops the thread without waiting; finish() with nothing added is an empty tally', async () => {
    const { startBackgroundLint } = (await import(built)) as typeof import('../../src/io/lint-in-background.js');
    const a = startBackgroundLint(PROFILES.email);
    a.add(1, { body: 'Hi', recipient: {} });
    a.close();
    a.close();
    const b = startBackgroundLint(PROFILES.email);
    expect(await b.finish()).toEqual(emptyTally());
  });
});

if (!existsSync(built)) console.warn('lint-in-background.test.ts: skipped, build first (npm run build)');
