// The Message-ID of an approved message: the same for the same recipient, version, address and
// text, whatever row the recipient sits on today (rows move when the CSV changes). eml/mbox exports
// write it and the memory records it with the approval, so a later import of the Sent folder
// recognises the approved message as sent. The memory keeps and compares them normalised
// (normaliseMessageId), the form the mail importer reads them in. Pure.
import { createHash } from 'node:crypto';

export interface MessageIdInput {
  /** The recipient key (core/recipients/recipient-key.ts). */
  key: string;
  version: number;
  /** The To: address (compared lower-cased: `Ana@X.org` and `ana@x.org` are one mailbox). */
  address: string;
  subject?: string;
  body: string;
}

/** `<32 hex digits@draftsmith.local>`: valid for core/export/mime.ts's check, free of personal data. */
export function messageIdFor(m: MessageIdInput): string {
  const hash = createHash('sha256')
    .update(JSON.stringify(['draftsmith-message-id/1', m.key, m.version, m.address.trim().toLowerCase(), m.subject ?? '', m.body]))
    .digest('hex')
    .slice(0, 32);
  return `<${hash}@draftsmith.local>`;
}

/**
 * `<ABC@Example.COM>` -> `ABC@example.com` (the local part is case-sensitive, the domain is not): how
 * the memory stores and compares Message-IDs, whether they come from an import or an approval.
 */
export function normaliseMessageId(value: string | undefined): string | undefined {
  const id = value?.trim().replace(/^<|>$/g, '').trim();
  if (!id) return undefined;
  const at = id.lastIndexOf('@');
  return at === -1 ? id : `${id.slice(0, at)}@${id.slice(at + 1).toLowerCase()}`;
}
