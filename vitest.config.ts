import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Every test file gets its own memory in a temporary folder ($DRAFTSMITH_MEMORY), never ~/.local/share.
    setupFiles: ['test/helpers/memory-env.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Vitest's default for `run` is one worker fewer than the cores: a single worker on a 2-core
    // machine, which runs the files one after another. Most of an e2e file's time is spent waiting
    // on the binary it spawns (and its fake server), so two files at once fit on 2 cores. Vitest
    // starts the files that took longest last time first, so both workers finish together.
    maxWorkers: 2,
  },
});
