// "Is this Ollama host this machine?" is answered by what the name resolves to. The resolver is
// passed in, standing for /etc/hosts entries such as `10.0.0.5 evil.localhost`. Every command that
// contacts Ollama (draft/review through the engine choice, doctor, models) asks the same question.
import { describe, expect, it } from 'vitest';
import { EngineError, ExitError, UsageError } from '../../src/core/errors.js';
import { assertHostAllowed, hostLocality, lookupAll, type LookupAll } from '../../src/io/resolve-host.js';
import { createEngineFromFlags } from '../../src/cli/engine-choice.js';
import { runDoctorCommand } from '../../src/cli/commands/doctor.js';
import { runModelsCommand } from '../../src/cli/commands/models.js';
import { captureIo } from '../helpers/capture-io.js';

/** A resolver from a table; records the names it was asked for. */
function hosts(table: Record<string, string[]>): LookupAll & { asked: string[] } {
  const asked: string[] = [];
  const lookup = async (name: string) => {
    asked.push(name);
    const found = table[name];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    return found;
  };
  return Object.assign(lookup, { asked });
}

const etcHosts = hosts({
  'evil.localhost': ['10.0.0.5'],
  'localhost': ['127.0.0.1', '::1'],
  'half.localhost': ['127.0.0.1', '10.0.0.5'],
  'mapped.localhost': ['::ffff:127.0.0.1'],
  'nothing.localhost': [],
});

async function rejection(p: Promise<unknown>): Promise<Error> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(Error);
  return err as Error;
}

describe('assertHostAllowed', () => {
  it('refuses a .localhost name that resolves elsewhere, naming the address', async () => {
    const err = await rejection(assertHostAllowed('http://evil.localhost:11434', false, etcHosts));
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toBe(
      'refusing to send recipient data to non-local host http://evil.localhost:11434 (it resolves to 10.0.0.5); pass --allow-remote if you mean it',
    );
  });

  it('accepts a name when every address is loopback, and gives those addresses to connect to', async () => {
    await expect(assertHostAllowed('http://localhost:11434', false, etcHosts)).resolves.toEqual(['127.0.0.1', '::1']);
    await expect(assertHostAllowed('http://mapped.localhost:11434', false, etcHosts)).resolves.toEqual(['::ffff:127.0.0.1']);
  });

  it('refuses a name when only some addresses are loopback', async () => {
    const err = await rejection(assertHostAllowed('http://half.localhost:1', false, etcHosts));
    expect(err.message).toContain('(it resolves to 127.0.0.1, 10.0.0.5)');
  });

  it('judges a literal IP without any lookup', async () => {
    const lookup = hosts({});
    await expect(assertHostAllowed('http://127.0.0.2:1', false, lookup)).resolves.toEqual(['127.0.0.2']);
    await expect(assertHostAllowed('http://[::1]:1', false, lookup)).resolves.toEqual(['::1']);
    expect((await rejection(assertHostAllowed('http://10.1.2.3:1', false, lookup))).message).toBe(
      'refusing to send recipient data to non-local host http://10.1.2.3:1; pass --allow-remote if you mean it',
    );
    expect(lookup.asked).toEqual([]);
  });

  it('with --allow-remote looks nothing up', async () => {
    const lookup = hosts({});
    await expect(assertHostAllowed('http://ollama.example:1', true, lookup)).resolves.toBeUndefined();
    expect(lookup.asked).toEqual([]);
  });

  it('a name that does not resolve (or resolves to nothing) is an error with a hint, not "local"', async () => {
    for (const url of ['http://typo.localhost:11434', 'http://nothing.localhost:11434']) {
      const err = await rejection(assertHostAllowed(url, false, etcHosts));
      expect(err).toBeInstanceOf(EngineError);
      expect(err.message).toMatch(new RegExp(`cannot tell whether ${url.replace(/\./g, '\\.')} is this machine: the name \\S+ does not resolve`));
      expect((err as EngineError).hint).toMatch(/--host or OLLAMA_HOST/);
    }
  });

  it('the system resolver maps localhost to loopback here', async () => {
    await expect(hostLocality('http://localhost:11434', lookupAll)).resolves.toMatchObject({ local: true });
  });
});

function testIo(lookup: LookupAll) {
  return captureIo({ lookup });
}

describe('every command that contacts Ollama uses the same check', () => {
  const evil = 'http://evil.localhost:11434';

  it('draft/review (the engine choice) refuses the host before any request', async () => {
    const io = testIo(etcHosts);
    const err = await rejection(createEngineFromFlags({ host: evil, engine: 'ollama', model: 'llama3.2', timeout: 5 }, {} as never, io));
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toContain('(it resolves to 10.0.0.5)');
  });

  it('models does not contact it and says why', async () => {
    const io = testIo(etcHosts);
    await runModelsCommand({ host: evil }, io);
    expect(io.err()).toContain(`not contacted: Ollama at ${evil} is not on this machine (it resolves to 10.0.0.5); pass --allow-remote`);
  });

  it('doctor does not contact it and says why', async () => {
    const io = testIo(etcHosts);
    await expect(runDoctorCommand({ host: evil, engine: 'ollama' }, io)).rejects.toBeInstanceOf(ExitError);
    expect(io.out()).toMatch(/ollama\s+not contacted: http:\/\/evil\.localhost:11434 is not this machine \(it resolves to 10\.0\.0\.5\)/);
  });
});
