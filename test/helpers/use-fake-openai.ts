// One fake OpenAI-compatible server for a test file: started before its tests, closed after them,
// its behaviour reset after each test. `chats()` is what it was asked to generate so far.
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { RecordedRequest } from './fake-ollama/index.js';
import { startFakeOpenAI, type FakeOpenAI, type FakeOpenAIOptions } from './fake-openai/index.js';

export interface FakeOpenAISuite {
  readonly server: FakeOpenAI;
  chats(): RecordedRequest[];
}

export function useFakeOpenAI(opts: FakeOpenAIOptions = {}): FakeOpenAISuite {
  let server: FakeOpenAI | undefined;
  beforeAll(async () => {
    server = await startFakeOpenAI(opts);
  });
  afterAll(async () => {
    await server?.close();
  });
  afterEach(() => server?.setBehaviour(undefined));
  return {
    get server() {
      if (!server) throw new Error('the fake OpenAI-compatible server starts in beforeAll: use it inside a test');
      return server;
    },
    chats: () => (server?.requests ?? []).filter((r) => r.path === '/v1/chat/completions'),
  };
}

/** Runs `use` against a server of its own, closed afterwards even when `use` throws. */
export async function withFakeOpenAI<T>(opts: FakeOpenAIOptions, use: (server: FakeOpenAI) => Promise<T>): Promise<T> {
  const server = await startFakeOpenAI(opts);
  try {
    return await use(server);
  } finally {
    await server.close();
  }
}
