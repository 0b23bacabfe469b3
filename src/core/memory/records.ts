// What the memory holds about people, as the rest of draftsmith sees it. The database itself is
// src/io/memory/ (SQLite); these are the shapes that cross into prompts, lint, review and exports.
// Pure: types only.

/** Who a recipient is: the drafts key (core/recipients/recipient-key.ts) and, when known, the address. */
export interface Who {
  key: string;
  /** Trimmed and lower-cased; mail is kept under the other party's address. */
  email?: string;
}

/**
 * A remembered message's state: `approved` by a reviewer (not yet known to be sent), `withdrawn`
 * (that approval was taken back), `sent` (imported from the Sent folder, or an approval the import
 * recognised as sent), `received` (the person wrote to us).
 */
export type MessageState = 'approved' | 'withdrawn' | 'sent' | 'received';

/** One interaction as the prompt, the review card and the lint see it (newest first in lists). */
export interface HistoryItem {
  /** ISO 8601. */
  at: string;
  state: Exclude<MessageState, 'withdrawn'>;
  subject: string;
  /** The message text; for replies, with quoted earlier messages and the signature stripped. */
  text: string;
  /** The drafts file an approval came from (absolute path), when it came from one. */
  campaign?: string;
}

/** Why a person must not be drafted: they asked (`opted-out`) or mail to them bounced. */
export interface Suppression {
  kind: 'opted-out' | 'undeliverable';
  /** Short and free of message text, e.g. `reply of 2026-10-03 asked to stop`, `history optout`. */
  reason: string;
  at: string;
}

/** A reviewer's approval of one exact version, as the memory records it. */
export interface Approval {
  who: Who;
  /** Display name from the CSV, when one is recognised. */
  name?: string;
  /** The drafts file (absolute path): the campaign. */
  campaign: string;
  version: number;
  subject?: string;
  body: string;
  edited: boolean;
  profile?: string;
  engine: string;
  model: string;
  reviewer: string;
  /** ISO time of the decision. */
  at: string;
  /** The Message-ID eml/mbox exports give this exact text (core/export/message-id.ts). */
  messageId: string;
  /** Absent from callers that know no profile: the approval is then never an example nor a lesson. */
  learning?: ApprovalLearning;
}

/** One message read from a mail file or a history CSV, ready to be remembered. */
export interface ImportedMessage {
  /** Normalised (`<...>` stripped, lower-cased domain part); absent when the message has none. */
  messageId?: string;
  /** sha256 of the normalised headers and text: the duplicate test when there is no Message-ID. */
  contentHash: string;
  direction: 'sent' | 'received';
  /** The other party's address (lower-cased): the recipient of a sent message, the sender of a received one. */
  address: string;
  name?: string;
  at: string;
  subject: string;
  text: string;
  /** The reply asks to stop (core/memory/opt-out-phrases.ts): the importer marks the person opted out. */
  optOut?: boolean;
  /** A delivery-status report: `address` is the failed recipient, marked undeliverable. */
  bounce?: { reason: string };
  /** Where it came from, e.g. `Sent.mbox#12`, for warnings. */
  source: string;
}

/** What one committed batch of imported messages changed. */
export interface ImportBatchResult {
  added: number;
  duplicates: number;
  /** Approvals recognised as sent (Message-ID, else address + subject). */
  matchedApprovals: number;
  newPeople: number;
  knownPeople: number;
  optedOut: number;
  undeliverable: number;
}

/** The profile's `memory:` settings: how much history goes into a prompt. */
export interface HistoryBudget {
  /** Most recent interactions per recipient (default 3). */
  items: number;
  /** Only interactions newer than this many days (default 365). */
  sinceDays: number;
  /** Characters of each message's excerpt (default 400). */
  excerptChars: number;
}

export const DEFAULT_HISTORY_BUDGET: HistoryBudget = { items: 3, sinceDays: 365, excerptChars: 400 };

/** The text a message had: the subject (email only) and the body. */
export interface MessageText {
  subject?: string;
  body: string;
}

/**
 * What an approval adds for learning (issue 12), recorded with it from schema 2 on: the channel,
 * the model's own text when the reviewer edited it, and the recipient's data as the prompt carried
 * it (non-private columns only), which example selection searches.
 */
export interface ApprovalLearning {
  channel: string;
  /** The model's version this approval grew from; absent when approved unedited. */
  original?: MessageText;
  /** Non-private columns by header, as sent to the model. */
  fields: Record<string, string>;
}

/** Which earlier approvals may serve as examples for one recipient (core/memory/example-choice.ts ranks them). */
export interface ExampleQuery {
  /** The tone profile's absolute path: only its own approvals. */
  profile: string;
  channel: string;
  /** The recipient being drafted: never their own messages. */
  who: Who;
  /** The drafts file being drafted (absolute path): never its own approvals. */
  excludeCampaign: string;
  /** Search words from the recipient's non-private fields (core/memory/example-choice.ts exampleTerms). */
  terms: readonly string[];
  /** Most candidates to return (best match first). */
  limit: number;
}

/** An earlier approved message that may become an example, with how well its recipient matched. */
export interface ExampleCandidate {
  /** The memory's message id: recorded with the draft as provenance. */
  id: number;
  campaign: string;
  at: string;
  edited: boolean;
  subject?: string;
  body: string;
  /** Its recipient's non-private fields. */
  fields: Record<string, string>;
  /** How alike the recipients are: BM25 made positive (higher = more alike). */
  match: number;
}

/** One edited-then-approved message, for `learn` (the model's text against the reviewer's). */
export interface LearnedEdit {
  id: number;
  campaign: string;
  recipientKey: string;
  /** Display name from the CSV, when known: names are masked before phrases are compared. */
  name?: string;
  at: string;
  original: MessageText;
  approved: MessageText;
  fields: Record<string, string>;
}
