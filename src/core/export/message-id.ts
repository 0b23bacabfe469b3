// The Message-ID of an approved message: the same for the same recipient, version, address and
// text, whatever row the recipient sits on today (rows move when the CSV changes). eml/mbox exports
// write it and the memory records it with the approval, so a later import of the Sent folder
// recognises the approved message as sent. Pure.
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
