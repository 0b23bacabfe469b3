// One fake Ollama server for a test file (see use-fake-server.ts); `chats()` are its /api/chat
// requests. `withFakeOllama` is a second server for one test (other models or slots, a port to bring back).
import { startFakeOllama, type FakeOllama, type FakeOllamaOptions } from './fake-ollama/index.js';
import { useFakeServer, withFakeServer, type FakeServerSuite } from './use-fake-server.js';

export type FakeOllamaSuite = FakeServerSuite<FakeOllama>;

export function useFakeOllama(opts: FakeOllamaOptions = {}): FakeOllamaSuite {
  return useFakeServer(() => startFakeOllama(opts), '/api/chat', 'fake Ollama server');
}

/** Runs `use` against a server of its own, closed afterwards even when `use` throws. */
export function withFakeOllama<T>(opts: FakeOllamaOptions, use: (server: FakeOllama) => Promise<T>): Promise<T> {
  return withFakeServer(() => startFakeOllama(opts), use);
}
