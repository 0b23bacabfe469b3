// Mutation testing of the rules that guard "AI drafts, a person decides": `npm run mutate`.
// Not part of `npm test`. What it mutates and why, run time and scores: docs/QUALITY.md.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: [
    'src/core/decisions/rules.ts',
    'src/core/decisions/journal.ts',
    'src/core/decisions/recipient-index.ts',
    'src/core/drafting/fingerprint.ts',
    'src/core/text/quick-hash.ts',
    'src/core/recipients/recipient-key.ts',
    'src/core/recipients/roster.ts',
    'src/io/drafts-file/lock.ts',
    // Which columns the model sees (the whole module: the private columns left prompt.ts in issue 9).
    'src/core/drafting/private-columns.ts',
    'src/core/text/sanitize.ts',
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
