// A fast 128-bit hash of strings for change detection (is this row's content the same as last
// run's?), not for security: four 32-bit lanes mixed per UTF-16 code unit, finished like bryc's
// public-domain cyrb128. Node's sha256 costs a few microseconds per call in setup alone, which on
// 100,000 rows was a third of re-running a finished campaign. Fingerprints stay sha256. Pure.

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Hashes the strings (each length-prefixed, so ['ab','c'] and ['a','bc'] differ) into `out` (16 bytes). */
export function quickHash(parts: readonly string[], out: Uint8Array = new Uint8Array(16), seed: Uint32Array = ZERO): Uint8Array {
  let h1 = 1779033703 ^ seed[0]!;
  let h2 = 3144134277 ^ seed[1]!;
  let h3 = 1013904242 ^ seed[2]!;
  let h4 = 2773480762 ^ seed[3]!;
  for (const part of parts) {
    const n = part.length;
    for (let i = -1; i < n; i++) {
      // The part's length goes in first, as one more code unit.
      const c = i < 0 ? n + 0x10000 : part.charCodeAt(i);
      h1 = h2 ^ Math.imul(h1 ^ c, 597399067);
      h2 = h3 ^ Math.imul(h2 ^ c, 2869860233);
      h3 = h4 ^ Math.imul(h3 ^ c, 951274213);
      h4 = h1 ^ Math.imul(h4 ^ c, 2716044179);
    }
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  const view = new DataView(out.buffer, out.byteOffset, 16);
  view.setUint32(0, h1 >>> 0);
  view.setUint32(4, h2 >>> 0);
  view.setUint32(8, h3 >>> 0);
  view.setUint32(12, h4 >>> 0);
  return out;
}

const ZERO = new Uint32Array(4);

/** Four 32-bit words of 16 bytes, to seed another quickHash with. */
export function seedOf(bytes: Uint8Array): Uint32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, 16);
  return Uint32Array.of(view.getUint32(0), view.getUint32(4), view.getUint32(8), view.getUint32(12));
}

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += HEX[b]!;
  return s;
}
