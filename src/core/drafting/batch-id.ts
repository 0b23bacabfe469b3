// A job's id in a batch file (the `custom_id` of `--batch-out` and `--batch-in`): a hash of the
// recipient's key and the draft's fingerprint. Stable for the same recipient and inputs, different
// when either changes, and never the key itself (a key is often an e-mail address). Pure.
import { createHash } from 'node:crypto';

/** `ds-` and 32 hex digits (128 bits of sha256 over key and fingerprint). */
export function batchId(key: string, fingerprint: string): string {
  return `ds-${createHash('sha256').update(key).update('\0').update(fingerprint).digest().subarray(0, 16).toString('hex')}`;
}
