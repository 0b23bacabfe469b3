// The byte streams before csv-parse: strict UTF-8 passed through (BOM dropped) or another encoding
// decoded to UTF-8 with iconv-lite, NUL bytes refused either way, then line endings made LF and a
// preamble's lines dropped. A decoding failure is a DecodeProblem; records.ts words it for the user.
import { isUtf8 } from 'node:buffer';
import { Transform, type TransformCallback } from 'node:stream';
import { completeLength, type Iconv } from './encoding.js';

/** Where decoding failed: a file offset (UTF-8), or a line when the text was decoded first. */
export class DecodeProblem extends Error {
  constructor(
    readonly kind: 'utf8' | 'nul',
    readonly offset: number,
    readonly byte: number,
    readonly line?: number,
  ) {
    super(kind);
  }
}

export function countNewlines(raw: string): number {
  let n = 0;
  for (let i = raw.indexOf('\n'); i >= 0; i = raw.indexOf('\n', i + 1)) n++;
  return n;
}

/** Passes UTF-8 through unchanged (minus a BOM); fails on the first invalid sequence or NUL byte. */
export class Utf8Guard extends Transform {
  private pending: Buffer = Buffer.alloc(0);
  private offset: number; // file offset of pending[0]
  private bomLeft: number;

  constructor(bom: boolean) {
    super();
    this.bomLeft = bom ? 3 : 0;
    this.offset = 0;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    let data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    if (this.bomLeft > 0) {
      const cut = Math.min(this.bomLeft, data.length);
      data = data.subarray(cut);
      this.bomLeft -= cut;
      this.offset += cut;
    }
    const end = completeLength(data);
    const body = data.subarray(0, end);
    const problem = this.check(body);
    if (problem) return done(problem);
    this.pending = Buffer.from(data.subarray(end));
    this.offset += end;
    done(null, body);
  }

  override _flush(done: TransformCallback): void {
    if (this.pending.length > 0) return done(new DecodeProblem('utf8', this.offset, this.pending[0]!));
    done();
  }

  private check(body: Buffer): DecodeProblem | undefined {
    const nul = body.indexOf(0);
    if (nul >= 0) return new DecodeProblem('nul', this.offset + nul, 0);
    if (isUtf8(body)) return undefined;
    const at = Math.max(0, firstInvalidUtf8(body));
    return new DecodeProblem('utf8', this.offset + at, body[at] ?? 0);
  }
}

function firstInvalidUtf8(b: Buffer): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    const n = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) if (((b[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    const d = b[i + 1] ?? 0;
    if ((c === 0xe0 && d < 0xa0) || (c === 0xed && d > 0x9f) || (c === 0xf0 && d < 0x90) || (c === 0xf4 && d > 0x8f)) return i;
    i += n + 1;
  }
  return -1;
}

/** iconv-lite decoding (BOM dropped) to UTF-8 bytes, refusing NUL characters. */
export class IconvDecoder extends Transform {
  private readonly decoder: ReturnType<Iconv['getDecoder']>;
  private line = 1;
  constructor(lib: Iconv, encoding: string) {
    super();
    this.decoder = lib.getDecoder(encoding);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.emit_(this.decoder.write(chunk), done);
  }

  override _flush(done: TransformCallback): void {
    this.emit_(this.decoder.end() ?? '', done);
  }

  private emit_(text: string, done: TransformCallback): void {
    const nul = text.indexOf('\0');
    if (nul >= 0) return done(new DecodeProblem('nul', 0, 0, this.line + countNewlines(text.slice(0, nul))));
    this.line += countNewlines(text);
    done(null, Buffer.from(text, 'utf8'));
  }
}

/** CRLF and lone CR -> LF (inside quoted cells too), then drop the first `skip` lines. */
export class LineNormalizer extends Transform {
  private afterCr = false;
  constructor(private skip: number) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    let out = this.afterCr || chunk.indexOf(13) >= 0 ? this.normalize(chunk) : chunk;
    while (this.skip > 0 && out.length > 0) {
      const nl = out.indexOf(10);
      if (nl < 0) out = out.subarray(out.length);
      else {
        out = out.subarray(nl + 1);
        this.skip--;
      }
    }
    done(null, out);
  }

  private normalize(chunk: Buffer): Buffer {
    const out = Buffer.allocUnsafe(chunk.length);
    let j = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (this.afterCr) {
        this.afterCr = false;
        if (c === 10) continue;
      }
      if (c === 13) {
        out[j++] = 10;
        this.afterCr = true;
      } else out[j++] = c;
    }
    return out.subarray(0, j);
  }
}
