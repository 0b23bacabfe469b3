// One fake Ollama server for a test file: started before its tests, closed after them, and its
// behaviour reset after each test. `chats()` is what it was asked to generate so far.
// `withFakeOllama` is a second server for one test (other models or slots, a port to bring back).
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startFakeOllama, type FakeOllama, type FakeOllamaOptions, type RecordedRequest } from './fake-ollama/index.js';

export interface FakeOllamaSuite {
  /** The running server (set once the file's tests start). */
  readonly server: FakeOllama;
  /** Its /api/chat requests so far, in order. */
  chats(): RecordedRequest[];
}

export function useFakeOllama(opts: FakeOllamaOptions = {}): FakeOllamaSuite {
  let server: FakeOllama | undefined;
  beforeAll(async () => {
    server = await startFakeOllama(opts);
  });
  afterAll(async () => {
    await server?.close();
  });
  afterEach(() => server?.setBehaviour(undefined));
  return {
    get server() {
      if (!server) throw new Error('the fake Ollama server starts in beforeAll: use it inside a test');
      return server;
    },
    chats: () => (server?.requests ?? []).filter((r) => r.path === '/api/chat'),
  };
}

/** Runs `use` against a server of its own, closed afterwards even when `use` throws. */
export async function withFakeOllama<T>(opts: FakeOllamaOptions, use: (server: FakeOllama) => Promise<T>): Promise<T> {
  const server = await startFakeOllama(opts);
  try {
    return await use(server);
  } finally {
    await server.close();
  }
}
