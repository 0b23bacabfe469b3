// Small readings of a parsed message that the adapter (parse-message.ts) puts together: the date (the Date header, else the mbox From_ line's), addresses,
// delivery-status reports, the content hash.
import { createHash } from 'node:crypto';
import type { AddressObject, ParsedMail } from 'mailparser';

/** ISO time of a date header value or an asctime From_ line date; undefined when it does not parse. */
export function parseMailDate(value: string | undefined): string | undefined {
  if (!value) return undefined;
  let text = value.replace(/\([^)]*\)/g, ' ').replace(/\s+/g, ' ').trim();
  if (text === '') return undefined;
  // asctime in a From_ line has no zone and means UTC.
  if (!/[+-]\d{4}\b|\b(GMT|UTC|UT|[ECMP][SD]T|Z)\b/i.test(text)) text += ' GMT';
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) return undefined;
  const year = new Date(ms).getUTCFullYear();
  return year < 1970 || year > 2200 ? undefined : new Date(ms).toISOString();
}

/** The date of a From_ line's rest (`sender Tue Oct 03 10:12:00 +0000 2026`). */
export function envelopeDate(envelope: string | undefined): string | undefined {
  const rest = envelope?.replace(/^\S+\s+/, '');
  return parseMailDate(rest);
}

/** The raw Date header, as written (mailparser puts the current time in place of one it cannot read). */
export function rawHeader(parsed: ParsedMail, key: string): string | undefined {
  const line = parsed.headerLines.find((h) => h.key === key)?.line;
  return line === undefined ? undefined : line.slice(line.indexOf(':') + 1).trim();
}

export interface Party {
  address: string;
  name?: string;
}

/** Every address of one or several address headers, lower-cased, groups flattened, in order, once each. */
export function partiesOf(...fields: (AddressObject | AddressObject[] | undefined)[]): Party[] {
  const out: Party[] = [];
  const seen = new Set<string>();
  const visit = (entries: { address?: string; name?: string; group?: unknown[] }[]) => {
    for (const e of entries) {
      if (e.group) visit(e.group as typeof entries);
      const address = e.address?.trim().toLowerCase();
      if (!address || !address.includes('@') || seen.has(address)) continue;
      seen.add(address);
      out.push(e.name?.trim() ? { address, name: e.name.trim() } : { address });
    }
  };
  for (const field of fields) {
    for (const obj of Array.isArray(field) ? field : field ? [field] : []) visit(obj.value);
  }
  return out;
}

/** A delivery-status report's failed recipients and the status each got. */
export function failedRecipients(parsed: ParsedMail): { address: string; status: string }[] {
  const type = parsed.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  if (type?.value?.toLowerCase() !== 'multipart/report') return [];
  if ((type.params?.['report-type'] ?? '').toLowerCase() !== 'delivery-status') return [];
  const failed: { address: string; status: string }[] = [];
  // mailparser puts the message/delivery-status part into `text`: per-recipient fields in blocks.
  for (const block of (parsed.text ?? '').replace(/\r\n/g, '\n').split(/\n\s*\n/)) {
    if (!/^action:\s*failed\b/im.test(block)) continue;
    const recipient = /^final-recipient:\s*(?:[^;\n]*;)?\s*<?([^\s<>;]+@[^\s<>;]+)>?/im.exec(block)?.[1];
    if (!recipient) continue;
    const status = /^status:\s*([245]\.\d{1,3}\.\d{1,3})/im.exec(block)?.[1] ?? 'failed';
    failed.push({ address: recipient.toLowerCase(), status });
  }
  return failed;
}

/** Automatic mail (auto-replies, lists, bulk): never read as a person asking to stop. */
export function isAutomatic(parsed: ParsedMail): boolean {
  const auto = rawHeader(parsed, 'auto-submitted');
  if (auto && auto.toLowerCase() !== 'no') return true;
  const precedence = rawHeader(parsed, 'precedence')?.toLowerCase();
  if (precedence && /bulk|list|junk|auto_reply/.test(precedence)) return true;
  return ['list-id', 'list-unsubscribe', 'x-autoreply', 'x-autorespond'].some((k) => rawHeader(parsed, k) !== undefined);
}

/** sha256 of the normalised from, to, date, subject and text: the duplicate test without a Message-ID. */
export function contentHash(parts: { from: string; to: readonly string[]; at: string; subject: string; text: string }): string {
  const norm = (s: string) => s.normalize('NFC').replace(/\s+/g, ' ').trim();
  const key = [parts.from.toLowerCase(), [...parts.to].map((a) => a.toLowerCase()).sort().join(','), parts.at, norm(parts.subject), norm(parts.text)].join('\u0000');
  return createHash('sha256').update(key).digest('hex');
}
