// What the `history` commands report about the memory: everything stored about a person, what a
// forget erased, the counts. The database fills them (src/io/memory/admin.ts); ui renders them. Types only.
import type { MessageState, MessageText, Suppression } from './records.js';

/** A drafts file or an export the memory noted: it may hold addresses. */
export interface NotedFile {
  path: string;
  kind: 'drafts' | 'export';
}

export interface StoredMessage {
  at: string;
  state: MessageState;
  subject: string;
  text: string;
  messageId?: string;
  campaign?: string;
  version?: number;
  decidedAt?: string;
  edited?: boolean;
  profile?: string;
  engine?: string;
  model?: string;
  reviewer?: string;
  /** Where an imported message came from, e.g. `Sent.mbox#12`. */
  source?: string;
  /** An edited approval: the model's text the reviewer started from (recorded from schema 2 on). */
  original?: MessageText;
  /** Recorded for learning (schema 2): the profile's channel and the recipient's non-private columns as the model saw them. */
  channel?: string;
  fields?: Record<string, string>;
}

/** Everything stored about one person (`history show`). */
export interface PersonReport {
  target: string;
  people: { email?: string; key?: string; name?: string; firstSeen: string }[];
  /** Oldest first. */
  messages: StoredMessage[];
  suppression?: Suppression;
}

export interface ForgetResult {
  forgotten: { target: string; people: number; messages: number; keptOnDoNotContact: boolean }[];
  /** Targets the memory held nothing about (a do-not-contact hash of theirs stays). */
  notFound: string[];
  /** The addresses erased (for looking through files), never stored. */
  addresses: string[];
  /** Drafts files and exports noted in the memory: they may still hold an address. */
  files: NotedFile[];
  /** False when another process kept the write-ahead log from being emptied (run forget again later). */
  complete: boolean;
}

export interface MemoryStats {
  path: string;
  bytes: number;
  schemaVersion: number;
  people: number;
  messages: Record<MessageState, number>;
  doNotContact: { optedOut: number; undeliverable: number };
  files: { drafts: number; export: number };
  /** What `learn` and the examples have to go on (schema 2): approvals (approved or sent) edited by the reviewer, those of them recorded with the model's text, and approvals recorded with their recipient's fields. */
  learning: { edited: number; withOriginal: number; examples: number };
  oldest?: string;
  newest?: string;
}
