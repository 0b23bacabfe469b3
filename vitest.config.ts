import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The test files are the projects' includes below (an include here would be added to each).
    // Every test file gets its own memory in a temporary folder ($DRAFTSMITH_MEMORY), never ~/.local/share.
    // Vitest runs the setup file again before each test file, isolated or not.
    setupFiles: ['test/helpers/memory-env.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Vitest's default for `run` is one worker fewer than the cores: a single worker on a 2-core
    // machine, which runs the files one after another. Most of an e2e file's time is spent waiting
    // on the binary it spawns (and its fake server), so two files at once fit on 2 cores. Vitest
    // starts the files that took longest last time first, so both workers finish together.
    maxWorkers: 2,
    projects: [
      {
        // Unit and architecture tests share their worker process from file to file (no fresh fork
        // and module graph for each of ~75 small files: about half their time). They touch no
        // process-wide state (umask, cwd, env) beyond the memory the setup file sets per file.
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts', 'test/architecture/**/*.test.ts'], isolate: false },
      },
      {
        // Integration and e2e tests each get a fresh process: servers, locks, umask, spawned CLIs.
        extends: true,
        test: { name: 'integration', include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'] },
      },
    ],
  },
});
