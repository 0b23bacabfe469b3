// One fake model server for a test file, whichever protocol it speaks: started before the file's
// tests, closed after them, its behaviour reset after each test; `chats()` is what it was asked to
// generate so far. `withFakeServer` gives one test a server of its own.
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { RecordedRequest } from './fake-ollama/index.js';

interface FakeServer {
  requests: RecordedRequest[];
  setBehaviour(b: undefined): void;
  close(): Promise<void>;
}

export interface FakeServerSuite<S> {
  /** The running server (set once the file's tests start). */
  readonly server: S;
  /** Its generation requests so far, in order. */
  chats(): RecordedRequest[];
}

export function useFakeServer<S extends FakeServer>(start: () => Promise<S>, chatPath: string, name: string): FakeServerSuite<S> {
  let server: S | undefined;
  beforeAll(async () => {
    server = await start();
  });
  afterAll(async () => {
    await server?.close();
  });
  afterEach(() => server?.setBehaviour(undefined));
  return {
    get server() {
      if (!server) throw new Error(`the ${name} starts in beforeAll: use it inside a test`);
      return server;
    },
    chats: () => (server?.requests ?? []).filter((r) => r.path === chatPath),
  };
}

/** Runs `use` against a server of its own, closed afterwards even when `use` throws. */
export async function withFakeServer<S extends FakeServer, T>(start: () => Promise<S>, use: (server: S) => Promise<T>): Promise<T> {
  const server = await start();
  try {
    return await use(server);
  } finally {
    await server.close();
  }
}
