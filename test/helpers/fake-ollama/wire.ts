// The bytes on the wire, as Ollama's Go server writes them: JSON and plain-text bodies with its
// content types, Go's RFC3339Nano timestamps and JSON decode errors, and writes that wait for the
// socket (or for the client to hang up). Everything here is shared by the endpoints.
import type { IncomingMessage, ServerResponse } from 'node:http';

export const NDJSON = 'application/x-ndjson';
export const JSON_CT = 'application/json; charset=utf-8';
export const TEXT_CT = 'text/plain';

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { 'Content-Type': JSON_CT });
  res.end(JSON.stringify(body));
}

export function sendText(res: ServerResponse, status: number, text: string, contentType = TEXT_CT): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { 'Content-Type': contentType.includes('charset') ? contentType : `${contentType}; charset=utf-8` });
  res.end(text);
}

/** Resolves once the data is handed to the socket, or when the connection goes away. */
export function write(res: ServerResponse, data: string | Buffer, gone?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (res.destroyed || gone?.aborted) return resolve();
    const done = () => {
      gone?.removeEventListener('abort', done);
      resolve();
    };
    gone?.addEventListener('abort', done, { once: true });
    res.write(data, done);
  });
}

export function drained(res: ServerResponse, gone: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      gone.removeEventListener('abort', done);
      resolve();
    };
    res.once('drain', done);
    gone.addEventListener('abort', done, { once: true });
  });
}

/** Resolves true after ms, or false as soon as the signal fires. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, Math.min(ms, 2 ** 31 - 1));
    const onAbort = () => {
      clearTimeout(t);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function tryParse(s: string): any {
  if (s.trim() === '') return undefined;
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

/** Roughly what Go's encoding/json says about a body it cannot decode. */
export function goDecodeError(raw: string): string {
  const first = raw.trim()[0] ?? '';
  if (first === '{' || first === '[') return 'unexpected EOF';
  return `invalid character '${first}' looking for beginning of value`;
}

/** UTC RFC3339 with nanoseconds, like Go's time.RFC3339Nano. */
export function createdAt(): string {
  const ns = String(process.hrtime.bigint() % 1_000_000n).padStart(6, '0');
  return new Date().toISOString().replace('Z', `${ns}Z`);
}
