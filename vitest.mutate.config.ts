// The tests `npm run mutate` (StrykerJS, stryker.config.mjs) runs against each mutant: the fast
// unit and integration tests that pin the rules it mutates. Not the e2e tests: they spawn the
// built binary, which never sees a mutant. See docs/QUALITY.md.
import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

const MUTATE_TESTS = [
  // decisions.ts, journal.ts, recipient-index.ts
  'test/unit/decisions.test.ts',
  'test/unit/journal.test.ts',
  'test/unit/run.test.ts',
  'test/unit/review-loop.test.ts',
  'test/unit/export-record.test.ts',
  'test/integration/drafts-store.test.ts',
  // fingerprint.ts, recipient-key.ts, roster.ts
  'test/unit/fingerprint.test.ts',
  'test/unit/draft-fingerprint.test.ts',
  'test/unit/quick-hash.test.ts',
  'test/unit/recipient-index.test.ts',
  'test/unit/recipient-key.test.ts',
  'test/unit/roster.test.ts',
  // private-columns.ts, sanitize.ts
  'test/unit/prompt.test.ts',
  'test/unit/sanitize.test.ts',
  // io/lock.ts
  'test/integration/lock.test.ts',
];

// Not mergeConfig: it would add these to the base include (test/**) rather than replace it; nor the
// base's projects, whose includes would replace these.
const { projects: _projects, ...shared } = base.test!;

export default defineConfig({
  plugins: [
    {
      // Stryker's vitest runner asks for the `threads` pool, where process.umask(mask) throws
      // (test/integration/lock.test.ts sets it). Forks, as in vitest.config.ts, runs every test.
      name: 'draftsmith-mutate-forks',
      configureVitest({ vitest }) {
        vitest.config.pool = 'forks';
        for (const project of vitest.projects) project.config.pool = 'forks';
      },
    },
  ],
  test: { ...shared, include: MUTATE_TESTS },
});
