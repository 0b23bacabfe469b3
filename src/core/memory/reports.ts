// What the `history` commands report about the memory: everything stored about a person, what a
// forget erased, the counts. The database fills them (src/io/memory/admin.ts); ui renders them. Types only.
import type { MessageState, Suppression } from './records.js';

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
  oldest?: string;
  newest?: string;
}
