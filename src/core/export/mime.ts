// RFC 5322 / MIME text for one plain-text draft, and its mbox form. Pure.
//
// Every header value here can come from a CSV cell or a model, so nothing is copied into a
// header as-is: names and subjects lose control characters (a CR/LF would start a new header,
// e.g. a `Bcc:`), addresses must pass a strict dot-atom check, and anything non-ASCII or
// unusually long becomes RFC 2047 encoded-words, which can be folded anywhere. The body is
// quoted-printable, so every line stays short and 7-bit whatever the model wrote.
import { domainToASCII } from 'node:url';
import { InputError } from '../errors.js';
import { stripControls, stripControlsInline } from '../text/sanitize.js';

export interface MailAddress {
  name?: string;
  email: string;
}

export interface MailMessage {
  from?: MailAddress;
  to: MailAddress;
  subject: string;
  body: string;
  date: Date;
  /** `<id@host>`, e.g. `<9f2c...@draftsmith.local>` (core/export/message-id.ts). */
  messageId: string;
  /** Extra `X-Draftsmith-*` headers (export --provenance); values are cleaned and encoded like a subject. */
  extraHeaders?: readonly [string, string][];
}

const CRLF = '\r\n';
/** RFC 5322 recommends lines of at most 78 characters; we fold headers to that. */
const FOLD_AT = 78;
/** UTF-8 bytes per encoded-word: 36 bytes -> 48 base64 chars -> a 60-char word. */
const WORD_BYTES = 36;

const ATEXT = "A-Za-z0-9!#$%&'*+\\-/=?^_`{|}~";
const LOCAL_PART = new RegExp(`^[${ATEXT}]+(\\.[${ATEXT}]+)*$`);
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i;
const PLAIN_PHRASE = new RegExp(`^[${ATEXT} ]+$`);

/**
 * An e-mail address from a CSV cell: `ana@example.org`, `<ana@example.org>`, `mailto:…`, or
 * `Ana Pereira <ana@example.org>`. Undefined when it is not one plain address (no `@`, spaces,
 * control characters, quoted local parts, several addresses). International domains become
 * punycode; a non-ASCII local part is refused (it would need SMTPUTF8).
 */
export function parseAddress(value: string): MailAddress | undefined {
  let text = value.trim();
  let name: string | undefined;
  const angle = /^([^<>]*)<([^<>]*)>$/.exec(text);
  if (angle) {
    name = cleanPhrase(angle[1]!.replace(/^\s*"(.*)"\s*$/, '$1')) || undefined;
    text = angle[2]!.trim();
  }
  text = text.replace(/^mailto:/i, '');
  if (text.length > 254 || /[\s\u0000-\u001f\u007f-\u009f]/.test(text)) return undefined;
  const at = text.lastIndexOf('@');
  if (at <= 0 || at > 64) return undefined;
  const local = text.slice(0, at);
  const domain = domainToASCII(text.slice(at + 1).replace(/\.$/, ''));
  const labels = domain.split('.');
  if (!LOCAL_PART.test(local) || labels.length < 2 || !labels.every((l) => LABEL.test(l))) return undefined;
  return name === undefined ? { email: `${local}@${domain}` } : { name, email: `${local}@${domain}` };
}

/** The message text: CRLF line endings, headers folded, body quoted-printable. */
export function buildMessage(msg: MailMessage): string {
  if (!/^<[\x21-\x3b\x3d\x3f-\x7e]+@[\x21-\x3b\x3d\x3f-\x7e]+>$/.test(msg.messageId)) {
    throw new TypeError(`invalid Message-ID ${JSON.stringify(msg.messageId)}`);
  }
  if (Number.isNaN(msg.date.getTime())) throw new TypeError('invalid Date for the Date header');
  const headers = [
    ...(msg.from ? [foldHeader('From', addressTokens(msg.from))] : []),
    foldHeader('To', addressTokens(msg.to)),
    foldHeader('Subject', textTokens(cleanPhrase(msg.subject))),
    `Date: ${formatDate(msg.date)}`,
    `Message-ID: ${msg.messageId}`,
    ...(msg.extraHeaders ?? []).map(([name, value]) => extraHeader(name, value)),
    // Outlook opens a message with this header as an unsent draft, ready to review and send.
    'X-Unsent: 1',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
  ];
  return headers.join(CRLF) + CRLF + CRLF + encodeQuotedPrintable(msg.body) + CRLF;
}

/**
 * One mbox entry (mboxrd): the `From ` separator line, the message with LF endings and every
 * line matching `>*From ` given one more `>`, then a blank line.
 */
export function toMboxEntry(message: string, from: string, date: Date): string {
  const sender = /^[\x21-\x7e]+$/.test(from) ? from : 'MAILER-DAEMON';
  const text = message.replace(/\r\n/g, '\n').replace(/^(>*From )/gm, '>$1');
  return `From ${sender} ${asctime(date)}\n${text}${text.endsWith('\n') ? '' : '\n'}\n`;
}

/** Quoted-printable (RFC 2045) of UTF-8 text; lines of at most 76 chars, CRLF between lines. */
export function encodeQuotedPrintable(text: string): string {
  const lines = stripControls(text).split('\n');
  return lines.map(encodeQpLine).join(CRLF);
}

function encodeQpLine(line: string): string {
  const bytes = Buffer.from(line, 'utf8');
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    const last = i === bytes.length - 1;
    let token: string;
    if ((b === 0x20 || b === 0x09) && !last) token = String.fromCharCode(b);
    else if (b >= 0x21 && b <= 0x7e && b !== 0x3d) token = String.fromCharCode(b);
    else token = `=${b.toString(16).toUpperCase().padStart(2, '0')}`;
    // A line starting "From " is mangled by mbox tools, one of a lone "." by SMTP: encode them.
    if (i === 0 && (line.startsWith('From ') || line === '.')) {
      token = `=${b.toString(16).toUpperCase()}`;
    }
    // Keep room for the soft break "=" (76 incl. it); a trailing space must not end a line.
    if (current.length + token.length > 75) {
      out.push(`${current}=`);
      current = '';
    }
    current += token;
  }
  out.push(current);
  return out.join(CRLF);
}

/** Only X-Draftsmith-* names; the value is one cleaned line, encoded when not plain ASCII. */
function extraHeader(name: string, value: string): string {
  if (!/^X-Draftsmith-[A-Za-z][A-Za-z-]*$/.test(name)) throw new TypeError(`invalid extra header name ${JSON.stringify(name)}`);
  return foldHeader(name, textTokens(cleanPhrase(value)));
}

/** Control characters out, whitespace runs collapsed: one line that cannot start a header. */
function cleanPhrase(text: string): string {
  return stripControlsInline(text).replace(/[\s\u2028\u2029]+/g, ' ').trim();
}

function addressTokens(addr: MailAddress): string[] {
  const checked = parseAddress(addr.email);
  if (!checked || checked.name !== undefined) {
    throw new InputError(`invalid e-mail address ${JSON.stringify(stripControlsInline(addr.email))}`, {
      hint: 'fix the address in the recipients file or the profile, or leave it out.',
    });
  }
  const name = cleanPhrase(addr.name ?? '');
  const angle = `<${checked.email}>`;
  if (!name) return [angle];
  if (name.includes('=?')) return [...encodedWords(name), angle]; // would read as an encoded-word
  if (PLAIN_PHRASE.test(name) && name.split(' ').every((w) => w.length <= 60)) return [...name.split(' '), angle];
  if (/^[\x20-\x7e]{1,60}$/.test(name)) {
    return [`"${name.replace(/(["\\])/g, '\\$1')}"`, angle];
  }
  return [...encodedWords(name), angle];
}

/** Subject tokens: plain ASCII words, or encoded-words when it has non-ASCII or unfoldable runs. */
function textTokens(text: string): string[] {
  if (text === '') return [];
  const words = text.split(' ');
  const plain = /^[\x20-\x7e]*$/.test(text) && !text.includes('=?') && words.every((w) => w.length <= 60);
  return plain ? words : encodedWords(text);
}

/** RFC 2047 `=?UTF-8?B?…?=` words, each of whole characters and short enough to fold freely. */
function encodedWords(text: string): string[] {
  const words: string[] = [];
  let chunk = '';
  for (const ch of text) {
    if (Buffer.byteLength(chunk + ch, 'utf8') > WORD_BYTES) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`);
}

/** `Name: t1 t2 …`, breaking before a token (CRLF + space) when the line would pass 78 chars. */
function foldHeader(name: string, tokens: string[]): string {
  let line = `${name}:`;
  const lines: string[] = [];
  for (const token of tokens) {
    if (line.length + 1 + token.length > FOLD_AT && line.trim() !== `${name}:`) {
      lines.push(line);
      line = '';
    }
    line += ` ${token}`;
  }
  lines.push(line);
  return lines.join(CRLF);
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number): string => String(n).padStart(2, '0');
const clock = (d: Date): string => `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;

/** RFC 5322 date in UTC: `Tue, 01 Jul 2025 09:05:00 +0000`. */
export function formatDate(d: Date): string {
  return `${DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${clock(d)} +0000`;
}

/** The ctime form the mbox `From ` line uses: `Tue Jul  1 09:05:00 2025`. */
function asctime(d: Date): string {
  const day = String(d.getUTCDate()).padStart(2, ' ');
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${day} ${clock(d)} ${d.getUTCFullYear()}`;
}
