// A small, independent reader for the messages draftsmith writes: enough RFC 5322 / 2047 / 2045 to
// check round trips in tests without trusting the encoder under test.

export interface ParsedMail {
  /** Header names in order, as written. */
  names: string[];
  /** Unfolded, encoded-words decoded, by lower-case name (first occurrence). */
  headers: Record<string, string>;
  /** Raw (unfolded, undecoded) header values by lower-case name. */
  raw: Record<string, string>;
  /** Body decoded from quoted-printable, LF line endings, without the final line break. */
  body: string;
}

export function parseMail(text: string): ParsedMail {
  const split = text.indexOf('\r\n\r\n');
  if (split < 0) throw new Error('no blank line between headers and body');
  const head = text.slice(0, split).replace(/\r\n(?=[ \t])/g, '');
  const names: string[] = [];
  const headers: Record<string, string> = {};
  const raw: Record<string, string> = {};
  for (const line of head.split('\r\n')) {
    const m = /^([\x21-\x39\x3b-\x7e]+):[ \t]?(.*)$/.exec(line);
    if (!m) throw new Error(`not a header line: ${JSON.stringify(line)}`);
    names.push(m[1]!);
    const key = m[1]!.toLowerCase();
    if (!(key in raw)) {
      raw[key] = m[2]!;
      headers[key] = decodeWords(m[2]!);
    }
  }
  const cte = (raw['content-transfer-encoding'] ?? '').toLowerCase();
  let body = text.slice(split + 4);
  if (cte === 'quoted-printable') body = decodeQuotedPrintable(body);
  body = body.replace(/\r\n/g, '\n').replace(/\n$/, '');
  return { names, headers, raw, body };
}

/** RFC 2047: decode encoded-words; whitespace between two adjacent encoded-words is dropped. */
export function decodeWords(value: string): string {
  const word = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;
  const joined = value.replace(/(\?=)[ \t]+(?==\?)/g, '$1');
  return joined.replace(word, (_m, charset: string, enc: string, data: string) => {
    if (charset.toLowerCase() !== 'utf-8') throw new Error(`unexpected charset ${charset}`);
    const bytes =
      enc.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64')
        : Buffer.from(
            data.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))),
            'latin1',
          );
    return bytes.toString('utf8');
  });
}

/** `"Quoted, Name" <a@b.c>` / `=?UTF-8?B?..?= <a@b.c>` / `<a@b.c>` -> name and address. */
export function parseAddressHeader(raw: string): { name: string; email: string } {
  const m = /^(.*?)\s*<([^<>]+)>$/.exec(raw);
  if (!m) throw new Error(`not an address: ${raw}`);
  let phrase = m[1]!;
  if (/^".*"$/.test(phrase)) phrase = phrase.slice(1, -1).replace(/\\(.)/g, '$1');
  else phrase = decodeWords(phrase);
  return { name: phrase, email: m[2]! };
}

export function decodeQuotedPrintable(text: string): string {
  const joined = text.replace(/=\r\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    const c = joined[i]!;
    if (c === '=' && /^[0-9A-F]{2}$/.test(joined.slice(i + 1, i + 3))) {
      bytes.push(parseInt(joined.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      const code = c.charCodeAt(0);
      if (code > 0x7e) throw new Error(`non-ASCII byte in quoted-printable: ${c}`);
      bytes.push(code);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
