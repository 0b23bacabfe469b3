// Where record output goes: stdout for `-`, else a file that appears whole on close (see
// atomic-file.ts), so a reader never sees half a file.
import { once } from 'node:events';
import path from 'node:path';
import { writeOutputFile } from './atomic-file.js';

export interface OutputTarget {
  stream: NodeJS.WritableStream;
  /** Write text, waiting when the stream asks us to (backpressure). */
  write(text: string): Promise<void>;
  /** Finish: flush, and for files move the temp file into place. */
  close(): Promise<void>;
  /** Give up after an error: a file's temp copy is removed and the previous file stays as it was. */
  abort(): Promise<void>;
  /** Where it goes, for messages. */
  name: string;
}

/** The streams an output may go to: stdout for `-`, else a file relative to cwd. */
export interface OutputPlace {
  stdout: NodeJS.WritableStream;
  cwd: string;
}

export async function openOutput(target: string, io: OutputPlace): Promise<OutputTarget> {
  if (target === '-') {
    const stream = io.stdout;
    const nothing = async () => {};
    return { stream, name: '<stdout>', write: (text) => writeWithBackpressure(stream, text), close: nothing, abort: nothing };
  }
  // writeOutputFile owns the temp file for as long as its callback runs: hand its stream out and
  // keep the callback pending until close() (or make it fail on abort(), which discards the temp file).
  let finish!: () => void;
  let fail!: (err: Error) => void;
  let opened!: (stream: NodeJS.WritableStream) => void;
  const streamReady = new Promise<NodeJS.WritableStream>((resolve) => (opened = resolve));
  const done = writeOutputFile(path.resolve(io.cwd, target), (stream) => {
    opened(stream);
    return new Promise<void>((resolve, reject) => {
      finish = resolve;
      fail = reject;
    });
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
    abort: () => {
      if (!closing) {
        fail(new Error('output abandoned'));
        closing = done.catch(() => {});
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
