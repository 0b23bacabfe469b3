// Vitest setup (vitest.config.ts setupFiles): each test file gets its own memory in a temporary
// folder through $DRAFTSMITH_MEMORY, so use cases run in-process and CLIs spawned by
// test/helpers/cli.ts never open the real ~/.local/share/draftsmith/memory.db. A test that needs
// another memory passes its own (--memory, or DRAFTSMITH_MEMORY in the env it gives). The folder
// is made by the first command that creates the memory (0700), so a file whose tests are all
// skipped leaves nothing behind.
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

const dir = path.join(os.tmpdir(), `draftsmith-test-memory-${randomUUID()}`);
process.env.DRAFTSMITH_MEMORY = path.join(dir, 'memory.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
