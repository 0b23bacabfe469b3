// Record output to a file: whole on close(), and on abort() (an error mid-export) nothing changes:
// the previous file stays and no temp copy of private data is left behind.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openOutput } from '../../src/io/output-target.js';
import type { CliIo } from '../../src/cli/streams.js';

let dir: string;
let io: CliIo;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'draftsmith-output-'));
  io = { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough(), env: {}, cwd: dir };
  await writeFile(path.join(dir, 'out.csv'), 'old\n');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('openOutput to a file', () => {
  it('abort() removes the temp file and keeps the previous file; a close() after it changes nothing', async () => {
    const out = await openOutput('out.csv', io);
    await out.write('partial');
    expect((await readdir(dir)).length).toBe(2); // the target and its temp copy
    await out.abort();
    await out.close();
    expect(await readdir(dir)).toEqual(['out.csv']);
    expect(await readFile(path.join(dir, 'out.csv'), 'utf8')).toBe('old\n');
  });

  it('close() puts the whole file in place', async () => {
    const out = await openOutput('out.csv', io);
    await out.write('new\n');
    await out.close();
    expect(await readdir(dir)).toEqual(['out.csv']);
    expect(await readFile(path.join(dir, 'out.csv'), 'utf8')).toBe('new\n');
  });
});
