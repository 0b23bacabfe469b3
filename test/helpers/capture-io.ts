// A command's streams in memory, for tests that run a command in-process: what it printed is read
// back with out() and err().
import { PassThrough } from 'node:stream';
import type { CliIo } from '../../src/cli/streams.js';

export type CapturedIo = CliIo & { out: () => string; err: () => string };

export function captureIo(over: Partial<CliIo> = {}): CapturedIo {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  return { stdin: new PassThrough(), stdout, stderr, env: { NO_COLOR: '1' }, cwd: process.cwd(), ...over, out: () => out, err: () => err };
}
