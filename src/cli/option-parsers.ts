// Flag value parsers for the command table: each turns a bad value into commander's
// InvalidArgumentError, which program.ts reports as a usage error naming the flag.
import { InvalidArgumentError } from 'commander';

export function integer(value: string): number {
  if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError('expected a whole number.');
  return Number.parseInt(value, 10);
}
export function nonNegativeInt(value: string): number {
  const n = integer(value);
  if (n < 0) throw new InvalidArgumentError('expected 0 or more.');
  return n;
}
export function positiveInt(value: string): number {
  const n = integer(value);
  if (n < 1) throw new InvalidArgumentError('expected 1 or more.');
  return n;
}
/** `--variants N`: 1 to 9 drafts per recipient. */
export function variantCount(value: string): number {
  const n = integer(value);
  if (n < 1 || n > 9) throw new InvalidArgumentError('expected 1 to 9 (variants per recipient).');
  return n;
}
export function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || value.trim() === '') throw new InvalidArgumentError('expected a number, 0 or more.');
  return n;
}
/** --host again adds a host: `--host a --host b` is `a,b` (core/host-address.ts splitHostList reads it). */
export function hostList(value: string, previous?: string): string {
  return previous === undefined ? value : `${previous},${value}`;
}
