// One message's bytes -> what the memory keeps (ImportedMessage), through nodemailer's mailparser
// (charsets, quoted-printable, base64, multipart/alternative, RFC 2047 headers). The text is
// text/plain when there is one, else mailparser's text from the HTML; quoted earlier messages and
// the signature are stripped. A received reply's own words are checked for an opt-out (not for
// automatic mail). A delivery-status report with `Action: failed` becomes a bounce of each failed
// recipient. Problems with one message are warnings or a skip reason, never an exception.
import { simpleParser, type ParsedMail } from 'mailparser';
import { stripReply } from '../../core/mail/strip-reply.js';
import { asksToStop } from '../../core/memory/opt-out-phrases.js';
import type { ImportedMessage } from '../../core/memory/records.js';
import type { RawMessage } from './mbox-splitter.js';
import { normaliseMessageId } from '../../core/export/message-id.js';
import { contentHash, envelopeDate, failedRecipients, isAutomatic, parseMailDate, partiesOf, rawHeader, type Party } from './mail-fields.js';

export type Direction = 'sent' | 'received' | 'auto';

export interface ParseContext {
  direction: Direction;
  /** The user's own addresses, lower-cased (for `auto`, and left out of a sent message's recipients). */
  me: ReadonlySet<string>;
}

export interface ParsedResult {
  /** One per other party (a sent message to three people is three). Empty when skipped. */
  messages: ImportedMessage[];
  /** Why the message was not imported (e.g. `no Date`), when it was not. */
  skipped?: string;
  /** Imported, but something was off (e.g. undecodable characters). */
  warnings: string[];
}

/** Characters kept of one message's text. */
export const MAX_TEXT_CHARS = 20_000;

export async function parseMessage(raw: RawMessage, ctx: ParseContext): Promise<ParsedResult> {
  if (raw.tooLarge) return { messages: [], skipped: 'larger than 64 MB', warnings: [] };
  let parsed: ParsedMail;
  try {
    parsed = await simpleParser(raw.bytes, { skipTextToHtml: true, skipImageLinks: true, skipTextLinks: true, keepCidLinks: false });
  } catch (err) {
    return { messages: [], skipped: `cannot be parsed (${err instanceof Error ? err.message : String(err)})`.slice(0, 160), warnings: [] };
  }
  if (parsed.headerLines.length === 0) return { messages: [], skipped: 'no headers (not a mail message)', warnings: [] };
  const warnings: string[] = [];
  if (raw.truncated) warnings.push('the file ends in the middle of this message: it may be cut short');
  const at = dateOf(parsed, raw, warnings);
  if (!at) return { messages: [], skipped: 'no readable Date (nor a From_ line date)', warnings };
  const subject = parsed.subject ?? '';
  const body = (parsed.text ?? '').trim();
  if (body.includes('\uFFFD') || subject.includes('\uFFFD')) warnings.push('some characters could not be decoded (unknown or wrong charset): shown as \uFFFD');
  const from = partiesOf(parsed.from)[0];
  const to = partiesOf(parsed.to, parsed.cc, parsed.bcc);
  const base = { messageId: normaliseMessageId(parsed.messageId), at, subject, source: raw.source };
  const hash = contentHash({ from: from?.address ?? '', to: to.map((p) => p.address), at, subject, text: body });

  const failed = failedRecipients(parsed);
  if (failed.length > 0) {
    return { messages: failed.map((f) => ({ ...base, messageId: undefined, contentHash: `${hash}:${f.address}`, direction: 'received', address: f.address, text: '', bounce: { reason: `status ${f.status}` } })), warnings };
  }
  const direction = ctx.direction === 'auto' ? (from && ctx.me.has(from.address) ? 'sent' : 'received') : ctx.direction;
  const text = stripReply(body).slice(0, MAX_TEXT_CHARS);
  if (direction === 'received') {
    if (!from) return { messages: [], skipped: 'no From address', warnings };
    const optOut = !isAutomatic(parsed) && asksToStop(text);
    return { messages: [{ ...base, contentHash: hash, direction, ...named(from), text, ...(optOut ? { optOut } : {}) }], warnings };
  }
  const others = to.filter((p) => !ctx.me.has(p.address));
  if (others.length === 0) return { messages: [], skipped: 'sent, but no recipient address (To/Cc) other than yours', warnings };
  return { messages: others.map((p) => ({ ...base, contentHash: hash, direction, ...named(p), text })), warnings };
}

function named(p: Party): { address: string; name?: string } {
  return p.name ? { address: p.address, name: p.name } : { address: p.address };
}

/** The Date header when it parses; else the mbox From_ line's date, else the newest Received: header's, with a warning. */
function dateOf(parsed: ParsedMail, raw: RawMessage, warnings: string[]): string | undefined {
  const header = rawHeader(parsed, 'date');
  const fromHeader = parseMailDate(header);
  if (fromHeader) return fromHeader;
  const missing = header === undefined ? 'no Date header' : 'unreadable Date header';
  const envelope = envelopeDate(raw.envelope);
  if (envelope) {
    warnings.push(`${missing}: dated by its mbox From_ line`);
    return envelope;
  }
  const received = rawHeader(parsed, 'received');
  const relayed = parseMailDate(received?.slice(received.lastIndexOf(';') + 1));
  if (relayed) warnings.push(`${missing}: dated by its Received: header`);
  return relayed;
}
