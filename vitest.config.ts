import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Every test file gets its own memory in a temporary folder ($DRAFTSMITH_MEMORY), never ~/.local/share.
    setupFiles: ['test/helpers/memory-env.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
