// Mutation testing of the rules that guard "AI drafts, a person decides": `npm run mutate`.
// Not part of `npm test`. What it mutates and why, run time and scores: docs/QUALITY.md.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: [
    'src/core/decisions.ts',
    'src/core/journal.ts',
    'src/core/recipient-index.ts',
    'src/core/fingerprint.ts',
    'src/core/quick-hash.ts',
    'src/core/recipient-key.ts',
    'src/core/roster.ts',
    'src/io/lock.ts',
    // Private columns only: canonicalOf .. unknownFieldNames.
    'src/core/prompt.ts:35-105',
    'src/core/sanitize.ts',
  ],
  // Each mutant runs only the tests that covered its code in the initial run.
  coverageAnalysis: 'perTest',
  concurrency: 2,
  timeoutMS: 10_000,
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  reporters: ['clear-text', 'json', 'progress'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  tempDirName: '.stryker-tmp',
  ignorePatterns: ['dist', 'coverage', 'bench', '.bench-tmp', '/out', 'test/e2e'],
};
