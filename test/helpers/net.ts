// Small helpers for tests that talk to (or fail to reach) a local port.
import net from 'node:net';

/** A loopback port that was free a moment ago and that nothing listens on now: "connection refused". */
export function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** The error a promise rejects with; a promise that resolves fails the test. */
export async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a failure');
}
