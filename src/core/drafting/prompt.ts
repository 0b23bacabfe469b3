// Tone profile + recipient -> chat messages. The system message depends on the profile and the
// templates only (identical for every recipient, so Ollama reuses its cached prefix); the
// recipient's data comes last, fenced as a JSON block and labelled as data. Pure.
import Mustache from 'mustache';
import type { ChatMessage, GenerationOptions, JsonSchema } from '../engine.js';
import { EngineError } from '../errors.js';
import type { Channel, ProfileExample, ToneProfile } from '../profile.js';
import { buildColumns, findColumn, snakeCase, type Columns, type Recipient } from '../recipients/recipients.js';

/** Template texts (src/io/templates.ts loads them); `id` identifies them in fingerprints. */
export interface Templates {
  system: string;
  user: string;
  regenerate: string;
  /** sha256 of the three texts. */
  id: string;
}

export interface DraftText {
  subject?: string;
  body: string;
}

// Prompts are plain text, not HTML: no escaping.
const render = (template: string, view: object): string => Mustache.render(template, view, {}, { escape: (s: string) => s });

const CHANNEL_LABELS: Record<Channel, string> = {
  email: 'an email',
  linkedin: 'a LinkedIn message',
  sms: 'a text message (SMS)',
  note: 'a short personal note',
};

// ---- which columns the model sees ---------------------------------------------------------------

/** The canonical field a header alone maps to (`Work Email` -> email), if any. */
function canonicalOf(header: string): string | undefined {
  return Object.keys(buildColumns([header]).columns.canonical)[0];
}

/**
 * Columns a private name hides. Deliberately broad, because a miss leaks data: the named column,
 * its renamed repeats (`Phone Number_2`), and every column meaning the same canonical field
 * (private `email` hides `Email` and `Work Email`).
 */
function privateMatches(columns: Columns, name: string): number[] {
  const out = new Set<number>();
  const direct = findColumn(columns, name);
  if (direct !== undefined) out.add(direct);
  const key = snakeCase(name);
  const canonical = canonicalOf(name);
  columns.keys.forEach((k, i) => {
    if (k === key || (k.startsWith(`${key}_`) && /^\d+$/.test(k.slice(key.length + 1)))) out.add(i);
    else if (canonical !== undefined && canonicalOf(columns.headers[i] ?? '') === canonical) out.add(i);
  });
  return [...out];
}

const sentCache = new WeakMap<Columns, { profile: ToneProfile; sent: number[]; hidden: Set<number> }>();

function columnPlan(profile: ToneProfile, columns: Columns): { sent: number[]; hidden: Set<number> } {
  const cached = sentCache.get(columns);
  if (cached?.profile === profile) return cached;
  const hidden = new Set(profile.fields.private.flatMap((name) => privateMatches(columns, name)));
  const use = profile.fields.use;
  const allowed = use
    ? new Set(use.map((name) => findColumn(columns, name)).filter((i): i is number => i !== undefined))
    : undefined;
  const sent = columns.headers.map((_, i) => i).filter((i) => !hidden.has(i) && (!allowed || allowed.has(i)));
  const plan = { profile, sent, hidden };
  sentCache.set(columns, plan);
  return plan;
}

/** Indexes of the columns sent to the model: all (or `fields.use`) minus `fields.private`. */
export function sentColumns(profile: ToneProfile, columns: Columns): number[] {
  return columnPlan(profile, columns).sent;
}

/** Indexes of the columns `fields.private` hides (for marking them "never sent" on screen). */
export function privateColumns(profile: ToneProfile, columns: Columns): number[] {
  return [...columnPlan(profile, columns).hidden].sort((a, b) => a - b);
}

/**
 * Whether `fields.private` hides a column with this header, by the same rules as the prompts
 * (repeats and same-meaning columns included): for marking a stored row's columns "never sent".
 */
export function isPrivateHeader(profile: ToneProfile, header: string): boolean {
  return privateColumns(profile, buildColumns([header]).columns).length > 0;
}

/** Names in `fields.private` / `fields.use` that match no column: likely typos, worth a warning. */
export function unknownFieldNames(profile: ToneProfile, columns: Columns): string[] {
  const unknown = [
    ...profile.fields.private.filter((name) => privateMatches(columns, name).length === 0),
    ...(profile.fields.use ?? []).filter((name) => findColumn(columns, name) === undefined),
  ];
  return [...new Set(unknown)];
}

// ---- rendering ----------------------------------------------------------------------------------

/**
 * JSON for a fenced block. Backticks are escaped (`\u0060`) so a value can never close the fence,
 * and C1 controls and line separators too; the JSON still parses to the same strings.
 */
export function dataJson(data: Record<string, string>): string {
  return JSON.stringify(data, null, 2).replace(
    /[`\u007f-\u009f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

let displayNames: Intl.DisplayNames | undefined;
const LANGUAGE_TAG = /^[a-z]{2,3}(?:[-_][a-z0-9]{2,8})*$/i;

/**
 * `de` -> `German (de)`; a language name stays as written. Anything else returns undefined: the
 * value comes from the CSV and is shown outside the data block, so free text must not pass.
 */
export function languageLabel(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  // A CSV column holds a handful of distinct languages; ICU lookups per recipient add up.
  if (labelCache.has(value)) return labelCache.get(value);
  const label = computeLanguageLabel(value);
  if (labelCache.size > 512) labelCache.clear();
  labelCache.set(value, label);
  return label;
}
const labelCache = new Map<string, string | undefined>();

function computeLanguageLabel(value: string): string | undefined {
  const v = value.trim();
  if (!v) return undefined;
  if (LANGUAGE_TAG.test(v)) {
    try {
      displayNames ??= new Intl.DisplayNames(['en'], { type: 'language' });
      const name = displayNames.of(v.replace(/_/g, '-'));
      if (name && name.toLowerCase() !== v.toLowerCase()) return `${name} (${v})`;
    } catch {
      // not a valid tag after all: fall through
    }
    return v;
  }
  return /^\p{L}[\p{L} ()'.-]{0,30}$/u.test(v) ? v : undefined;
}

function senderLine(profile: ToneProfile): string {
  const s = profile.sender;
  if (!s) return 'the sender';
  const title = [s.role, s.company].filter(Boolean).join(' at ');
  return title ? `${s.name}, ${title}` : s.name;
}

function outputShape(channel: Channel): string {
  return channel === 'email' ? '{"subject": "...", "body": "..."}' : '{"body": "..."}';
}

function exampleView(profile: ToneProfile, example: ProfileExample, index: number): object {
  const privateKeys = new Set(profile.fields.private.map(snakeCase));
  const recipient = Object.fromEntries(
    Object.entries(example.recipient).filter(([k, v]) => v.trim() !== '' && !privateKeys.has(snakeCase(k))),
  );
  const message = typeof example.message === 'string' ? { body: example.message } : example.message;
  const reply = profile.channel === 'email' && message.subject !== undefined ? { subject: message.subject, body: message.body } : { body: message.body };
  return { number: index + 1, recipient_json: dataJson(recipient), reply_json: JSON.stringify(reply) };
}

// Every recipient's prompt shares the profile's view (examples included): build it once a profile.
const profileViews = new WeakMap<ToneProfile, Record<string, unknown>>();

function profileView(profile: ToneProfile): Record<string, unknown> {
  let view = profileViews.get(profile);
  if (!view) {
    view = buildProfileView(profile);
    profileViews.set(profile, view);
  }
  return view;
}

function buildProfileView(profile: ToneProfile): Record<string, unknown> {
  return {
    name: profile.name,
    goal: profile.goal,
    channel: profile.channel,
    channel_label: CHANNEL_LABELS[profile.channel],
    [`is_${profile.channel}`]: true,
    has_tone: profile.tone.length > 0,
    tone: profile.tone.join(', '),
    max_words: profile.length?.max_words,
    language: languageLabel(profile.language) ?? profile.language,
    sign_off: profile.sign_off,
    // JSON keeps a multi-line sign-off unambiguous, and the answer is JSON anyway.
    sign_off_json: profile.sign_off === undefined ? undefined : JSON.stringify(profile.sign_off),
    has_sender: Boolean(profile.sender),
    sender_line: senderLine(profile),
    sender_name: profile.sender?.name ?? 'the sender',
    sender_role: profile.sender?.role,
    sender_company: profile.sender?.company,
    has_do: profile.do.length > 0,
    do: profile.do,
    has_dont: profile.dont.length > 0,
    dont: profile.dont,
    has_banned: profile.banned_phrases.length > 0,
    banned_phrases: profile.banned_phrases,
    has_examples: profile.examples.length > 0,
    examples: profile.examples.map((e, i) => exampleView(profile, e, i)),
    output_shape: outputShape(profile.channel),
  };
}

// One entry: a run renders the same profile and templates thousands of times.
let systemCache: { profile: ToneProfile; templates: Templates; text: string } | undefined;

function systemMessage(profile: ToneProfile, templates: Templates): ChatMessage {
  if (systemCache?.profile !== profile || systemCache.templates !== templates) {
    systemCache = { profile, templates, text: render(templates.system, profileView(profile)).trim() };
  }
  return { role: 'system', content: systemCache.text };
}

/** The target language: the recipient's language column (unless private), else the profile's. */
function targetLanguage(profile: ToneProfile, recipient: Recipient, columns: Columns): string {
  const index = columns.canonical.language;
  const own = index !== undefined && !columnPlan(profile, columns).hidden.has(index) ? recipient.cells[index] : undefined;
  return (
    languageLabel(own) ??
    languageLabel(profile.language) ??
    'the language the recipient data suggests (English if unclear)'
  );
}

function recipientView(profile: ToneProfile, recipient: Recipient, columns: Columns): Record<string, unknown> {
  const data: Record<string, string> = Object.fromEntries(
    sentColumns(profile, columns)
      .map((i) => [columns.headers[i] ?? '', recipient.cells[i] ?? ''] as const)
      .filter(([, v]) => v.trim() !== ''),
  );
  return { ...profileView(profile), recipient_json: dataJson(data), language: targetLanguage(profile, recipient, columns) };
}

/**
 * Bump when a change to how prompts are built should redraft existing drafts: a draft's inputs
 * digest (core/drafting/fingerprint.ts) trusts that the same profile, templates and row give the same
 * messages under the same format.
 */
export const PROMPT_FORMAT = 1;

export function buildMessages(profile: ToneProfile, templates: Templates, recipient: Recipient, columns: Columns): ChatMessage[] {
  return [
    systemMessage(profile, templates),
    { role: 'user', content: render(templates.user, recipientView(profile, recipient, columns)).trim() },
  ];
}

/** The original conversation, the previous draft as the model's answer, then the feedback. */
export function buildRegenerateMessages(
  profile: ToneProfile,
  templates: Templates,
  recipient: Recipient,
  columns: Columns,
  previous: DraftText,
  feedback: string,
): ChatMessage[] {
  const view = recipientView(profile, recipient, columns);
  const answer = profile.channel === 'email' && previous.subject !== undefined ? { subject: previous.subject, body: previous.body } : { body: previous.body };
  const request = render(templates.regenerate, {
    ...view,
    has_feedback: feedback.trim() !== '',
    feedback: feedback.trim(),
    previous_subject: previous.subject,
    previous_body: previous.body,
  });
  return [
    ...buildMessages(profile, templates, recipient, columns),
    { role: 'assistant', content: JSON.stringify(answer) },
    { role: 'user', content: request.trim() },
  ];
}

// ---- structured output --------------------------------------------------------------------------

export function draftSchema(channel: Channel): JsonSchema {
  return channel === 'email'
    ? {
        type: 'object',
        properties: { subject: { type: 'string' }, body: { type: 'string' } },
        required: ['subject', 'body'],
      }
    : { type: 'object', properties: { body: { type: 'string' } }, required: ['body'] };
}

/**
 * The model's JSON answer -> subject and body. Tolerates whitespace, a ```json fence and chatter
 * around the object. A missing subject is left for the lint to report; no body is a failure worth
 * retrying (a new generation may well succeed).
 */
export function parseDraftOutput(text: string, channel: Channel): DraftText {
  const value = parseJsonObject(text);
  if (value === undefined) {
    throw new EngineError(`the model's answer is not the JSON object asked for: ${excerpt(text)}`, {
      retryable: true,
      hint: 'try again; if it keeps happening, try another model (`--model`) or a lower --temperature.',
    });
  }
  const body = typeof value.body === 'string' ? value.body.trim() : '';
  if (!body) {
    throw new EngineError(`the model's answer has no message body: ${excerpt(text)}`, { retryable: true });
  }
  const subject = channel === 'email' && typeof value.subject === 'string' ? value.subject.replace(/\s*[\r\n]+\s*/g, ' ').trim() : '';
  return subject ? { subject, body } : { body };
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  const trimmed = text.trim();
  const fenced = /^```[a-zA-Z]*\s*\n([\s\S]*?)\n?```$/.exec(trimmed)?.[1];
  const start = trimmed.indexOf('{');
  const end = trimmed.lastIndexOf('}');
  const candidates = [trimmed, fenced, start >= 0 && end > start ? trimmed.slice(start, end + 1) : undefined];
  for (const candidate of candidates) {
    if (candidate === undefined) continue;
    try {
      const value: unknown = JSON.parse(candidate);
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // try the next reading
    }
  }
  return undefined;
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (!flat) return '(empty answer)';
  return JSON.stringify(flat.length > 80 ? `${flat.slice(0, 77)}...` : flat);
}

/**
 * Engine options: flags over the profile. Without `num_predict` the answer is capped from
 * `length.max_words` (about 4 tokens a word in any language, plus JSON), so a model that loops
 * cannot run for minutes.
 */
export function generationOptions(
  profile: ToneProfile,
  overrides: { temperature?: number; seed?: number } = {},
): GenerationOptions {
  const m = profile.model;
  const maxWords = profile.length?.max_words;
  const options: GenerationOptions = {
    temperature: overrides.temperature ?? m.temperature,
    seed: overrides.seed ?? m.seed,
    num_ctx: m.num_ctx,
    num_predict: m.num_predict ?? (maxWords ? maxWords * 4 + 256 : 1024),
  };
  for (const key of Object.keys(options) as (keyof GenerationOptions)[]) {
    if (options[key] === undefined) delete options[key];
  }
  return options;
}
