import { describe, expect, it } from 'vitest';
import { DEFAULT_HOST, resolveHost } from '../../src/engines/ollama/host.js';
import { UsageError } from '../../src/core/errors.js';

describe('resolveHost', () => {
  it.each([
    // [flag, env, expected]
    [undefined, undefined, 'http://127.0.0.1:11434'],
    [undefined, '', 'http://127.0.0.1:11434'],
    [undefined, '   ', 'http://127.0.0.1:11434'],
    [undefined, '0.0.0.0', 'http://127.0.0.1:11434'],
    [undefined, '0.0.0.0:9999', 'http://127.0.0.1:9999'],
    [undefined, ':1234', 'http://127.0.0.1:1234'],
    [undefined, 'localhost:11434', 'http://localhost:11434'],
    [undefined, 'localhost', 'http://localhost:11434'],
    [undefined, 'example.com', 'http://example.com:11434'],
    [undefined, '1.2.3.4:1234', 'http://1.2.3.4:1234'],
    [undefined, ' "1.2.3.4" ', 'http://1.2.3.4:11434'],
    [undefined, "'1.2.3.4'", 'http://1.2.3.4:11434'],
    [undefined, 'http://x:1234/', 'http://x:1234'],
    // Ollama's envconfig: an explicit scheme without a port means that scheme's port.
    [undefined, 'http://1.2.3.4', 'http://1.2.3.4:80'],
    [undefined, 'https://x', 'https://x:443'],
    [undefined, 'https://example.com/ollama/', 'https://example.com:443/ollama'],
    [undefined, 'HTTP://Example.COM:8080', 'http://example.com:8080'],
    [undefined, '[::1]', 'http://[::1]:11434'],
    [undefined, '::1', 'http://[::1]:11434'],
    [undefined, '[::1]:1337', 'http://[::1]:1337'],
    [undefined, '[::]', 'http://[::1]:11434'],
    ['http://127.0.0.1:5000', 'example.com', 'http://127.0.0.1:5000'],
  ])('flag %j, env %j -> %s', (flag, env, expected) => {
    expect(resolveHost(flag, env)).toBe(expected);
  });

  it('defaults to the documented address', () => {
    expect(DEFAULT_HOST).toBe('http://127.0.0.1:11434');
  });

  it.each([
    ['', 'empty'],
    ['ftp://x', 'scheme'],
    ['localhost:99999', 'port'],
    ['localhost:abc', 'port'],
    ['http://a b', 'spaces'],
    ['[::1', 'closing'],
    ['http://user:pw@host', 'credentials'],
  ])('rejects %j as a usage error with a hint (%s)', (value, why) => {
    let err: unknown;
    try {
      resolveHost(value, undefined);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).message).toContain('--host');
    expect((err as UsageError).message).toContain(why);
    expect((err as UsageError).hint).toMatch(/OLLAMA_HOST/);
    expect((err as UsageError).exitCode).toBe(2);
  });

  it('names OLLAMA_HOST when the environment value is the bad one', () => {
    expect(() => resolveHost(undefined, 'gopher://x')).toThrow(/OLLAMA_HOST/);
  });
});
