import { describe, expect, it } from 'vitest';
import { hostnameOf, isIpLiteral, isLoopbackAddress, remoteHostError } from '../../src/core/host-address.js';
import { UsageError } from '../../src/core/errors.js';

describe('isLoopbackAddress', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['127.255.255.255', true],
    ['::1', true],
    ['[::1]', true],
    ['0:0:0:0:0:0:0:1', true],
    ['0000:0000:0000:0000:0000:0000:0000:0001', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:7f00:1', true], // the same, as URL prints it
    ['::ffff:7f12:3456', true],
    ['::1%lo', true],
    ['10.0.0.5', false],
    ['128.0.0.1', false],
    ['126.255.255.255', false],
    ['0.0.0.0', false], // a listen address, not one to connect to; hostnameOf maps it first
    ['127.0.0.256', false],
    ['127.0.0', false],
    ['::', false],
    ['::2', false],
    ['::ffff:10.0.0.5', false],
    ['::ffff:a00:5', false],
    ['::127.0.0.1', false], // IPv4-compatible, deprecated: not loopback
    ['fe80::1', false],
    ['1::1::1', false],
    ['localhost', false], // a name: only what it resolves to counts
    ['evil.localhost', false],
    ['', false],
  ])('%j -> %s', (address, expected) => {
    expect(isLoopbackAddress(address)).toBe(expected);
  });
});

describe('hostnameOf and isIpLiteral', () => {
  it.each([
    ['http://127.0.0.1:11434', '127.0.0.1', true],
    ['http://[::1]:11434', '::1', true],
    ['http://0.0.0.0:11434', '127.0.0.1', true],
    ['http://[::ffff:127.0.0.1]:1', '::ffff:7f00:1', true],
    ['http://LocalHost:1', 'localhost', false],
    ['http://evil.localhost:11434', 'evil.localhost', false],
    ['http://127.0.0.1.example.com:1', '127.0.0.1.example.com', false],
  ])('%s -> %s (literal: %s)', (url, host, literal) => {
    expect(hostnameOf(url)).toBe(host);
    expect(isIpLiteral(hostnameOf(url))).toBe(literal);
  });
});

describe('remoteHostError', () => {
  it('names the URL, and for a name the addresses it resolves to', () => {
    const literal = remoteHostError('http://10.1.2.3:11434', ['10.1.2.3']);
    expect(literal).toBeInstanceOf(UsageError);
    expect(literal.message).toBe('refusing to send recipient data to non-local host http://10.1.2.3:11434; pass --allow-remote if you mean it');
    expect(literal.hint).toMatch(/--allow-remote/);
    expect(remoteHostError('http://evil.localhost:11434', ['127.0.0.1', '10.0.0.5']).message).toBe(
      'refusing to send recipient data to non-local host http://evil.localhost:11434 (it resolves to 127.0.0.1, 10.0.0.5); pass --allow-remote if you mean it',
    );
  });
});
