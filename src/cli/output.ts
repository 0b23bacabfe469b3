// Where record output goes: stdout for `-`, else a file that appears whole on close (see
// io/atomic-file.ts), so a reader never sees half a file.
import { once } from 'node:events';
import path from 'node:path';
import { writeOutputFile } from '../io/atomic-file.js';
import type { CliIo } from './io.js';

export interface OutputTarget {
  stream: NodeJS.WritableStream;
  /** Write text, waiting when the stream asks us to (backpressure). */
  write(text: string): Promise<void>;
  /** Finish: flush, and for files move the temp file into place. */
  close(): Promise<void>;
  /** Where it goes, for messages. */
  name: string;
}

export async function openOutput(target: string, io: CliIo): Promise<OutputTarget> {
  if (target === '-') {
    const stream = io.stdout;
    return { stream, name: '<stdout>', write: (text) => writeWithBackpressure(stream, text), close: async () => {} };
  }
  // writeOutputFile owns the temp file for as long as its callback runs: hand its stream out and
  // keep the callback pending until close().
  let finish!: () => void;
  let opened!: (stream: NodeJS.WritableStream) => void;
  const streamReady = new Promise<NodeJS.WritableStream>((resolve) => (opened = resolve));
  const done = writeOutputFile(path.resolve(io.cwd, target), (stream) => {
    opened(stream);
    return new Promise<void>((resolve) => (finish = resolve));
  });
  const stream = await Promise.race([streamReady, done.then(() => never())]);
  let closing: Promise<void> | undefined;
  return {
    stream,
    name: target,
    write: (text) => writeWithBackpressure(stream, text),
    close: () => {
      if (!closing) {
        finish();
        closing = done;
      }
      return closing;
    },
  };
}

function never(): never {
  throw new Error('output file closed before it opened');
}

export async function writeWithBackpressure(stream: NodeJS.WritableStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}
