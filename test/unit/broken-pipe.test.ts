// One isBrokenPipe for main's exit code and the record writers. The two copies disagreed: main's
// knew only EPIPE, the record writer's also the errors of writes after it (the stream is destroyed
// by then). The wider one won: once the reader of stdout has gone, a later write's
// ERR_STREAM_DESTROYED is the same "reader went away", not an internal error.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { isBrokenPipe } from '../../src/core/errors.js';
import { main } from '../../src/cli/main.js';

const withCode = (code: string) => Object.assign(new Error(code), { code });

describe('isBrokenPipe', () => {
  it.each([
    ['EPIPE', true],
    ['ERR_STREAM_DESTROYED', true],
    ['ERR_STREAM_PREMATURE_CLOSE', true],
    ['ENOSPC', false],
    ['ECONNRESET', false],
  ])('%s -> %s', (code, expected) => {
    expect(isBrokenPipe(withCode(code))).toBe(expected);
  });

  it('is false for anything without a code', () => {
    expect(isBrokenPipe(undefined)).toBe(false);
    expect(isBrokenPipe(new Error('x'))).toBe(false);
  });
});

describe('main, when the reader of stdout has gone', () => {
  it('takes a destroyed-stream error on stdout as quietly as EPIPE, and still throws other errors', async () => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const code = await main(['--version'], { stdin: new PassThrough(), stdout, stderr, env: {}, cwd: process.cwd() });
    expect(code).toBe(0);
    expect(() => stdout.emit('error', withCode('EPIPE'))).not.toThrow();
    expect(() => stdout.emit('error', withCode('ERR_STREAM_DESTROYED'))).not.toThrow();
    expect(() => stdout.emit('error', withCode('ENOSPC'))).toThrow('ENOSPC');
  });
});
