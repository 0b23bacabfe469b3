// One fake OpenAI-compatible server for a test file (see use-fake-server.ts); `chats()` are its
// /v1/chat/completions requests. `withFakeOpenAI` is a server of its own for one test.
import { startFakeOpenAI, type FakeOpenAI, type FakeOpenAIOptions } from './fake-openai/index.js';
import { useFakeServer, withFakeServer, type FakeServerSuite } from './use-fake-server.js';

export type FakeOpenAISuite = FakeServerSuite<FakeOpenAI>;

export function useFakeOpenAI(opts: FakeOpenAIOptions = {}): FakeOpenAISuite {
  return useFakeServer(() => startFakeOpenAI(opts), '/v1/chat/completions', 'fake OpenAI-compatible server');
}

/** Runs `use` against a server of its own, closed afterwards even when `use` throws. */
export function withFakeOpenAI<T>(opts: FakeOpenAIOptions, use: (server: FakeOpenAI) => Promise<T>): Promise<T> {
  return withFakeServer(() => startFakeOpenAI(opts), use);
}
