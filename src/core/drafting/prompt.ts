// Tone profile + recipient -> chat messages. The system message depends on the profile and the
// templates only (identical for every recipient, so Ollama reuses its cached prefix); the
// recipient's data comes last, fenced as a JSON block and labelled as data (recipient-data.ts,
// with only the columns private-columns.ts lets through). Pure.
import Mustache from 'mustache';
import type { ChatMessage, GenerationOptions } from '../engine.js';
import type { Channel, ProfileExample, ToneProfile } from '../profile.js';
import { snakeCase, type Columns, type Recipient } from '../recipients/recipients.js';
import type { DraftText } from './draft-answer.js';
import { dataJson, languageLabel, sentData, targetLanguage } from './recipient-data.js';

// The prompt's neighbours, still imported from here by the commands and use cases that build
// drafts; new code imports them from their own modules.

/** Template texts (src/io/templates.ts loads them); `id` identifies them in fingerprints. */
export interface Templates {
  system: string;
  user: string;
  regenerate: string;
  /**
   * The history rules added to the system prompt of a recipient with history (history-block.ts).
   * Not in `id`: history is provenance, so a change to it redrafts nothing.
   */
  history: string;
  /** sha256 of the three texts. */
  id: string;
}

// Prompts are plain text, not HTML: no escaping.
const render = (template: string, view: object): string => Mustache.render(template, view, {}, { escape: (s: string) => s });

const CHANNEL_LABELS: Record<Channel, string> = {
  email: 'an email',
  linkedin: 'a LinkedIn message',
  sms: 'a text message (SMS)',
  note: 'a short personal note',
};

function senderLine(profile: ToneProfile): string {
  const s = profile.sender;
  if (!s) return 'the sender';
  const title = [s.role, s.company].filter(Boolean).join(' at ');
  return title ? `${s.name}, ${title}` : s.name;
}

/** The answer's shape for the system prompt: the profile's fields (output.fields) between subject and body, each described. */
function outputShape(channel: Channel, fields: Readonly<Record<string, string>> = {}): string {
  const extra = Object.entries(fields);
  if (extra.length === 0) return channel === 'email' ? '{"subject": "...", "body": "..."}' : '{"body": "..."}';
  const keys = [...(channel === 'email' ? ['subject'] : []), ...extra.map(([name]) => name), 'body'];
  const what = extra.map(([name, description]) => `${JSON.stringify(name)} holds ${description.replace(/\s+/g, ' ')}`);
  return `{${keys.map((k) => `${JSON.stringify(k)}: "..."`).join(', ')}}, where ${what.join('; ')}`;
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

/**
 * The `do` list, with a line each for the learned keys `greeting` and `required_phrases` when set.
 * They ride in `do` rather than in system.mustache, whose text is part of templates.id (a change
 * there would redraft every user's drafts); a profile without them gets exactly the list it wrote.
 */
function doList(profile: ToneProfile): string[] {
  const list = [...profile.do];
  if (profile.greeting !== undefined) {
    list.push(`Open with the greeting ${JSON.stringify(profile.greeting)} before the recipient's name (in another language, its usual equivalent).`);
  }
  for (const phrase of profile.required_phrases ?? []) {
    list.push(`Include this sentence or phrase, in the request's language (written here as a JSON string): ${JSON.stringify(phrase)}`);
  }
  return list;
}

function buildProfileView(profile: ToneProfile): Record<string, unknown> {
  const todo = doList(profile);
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
    has_do: todo.length > 0,
    do: todo,
    has_dont: profile.dont.length > 0,
    dont: profile.dont,
    has_banned: profile.banned_phrases.length > 0,
    banned_phrases: profile.banned_phrases,
    has_examples: profile.examples.length > 0,
    examples: profile.examples.map((e, i) => exampleView(profile, e, i)),
    output_shape: outputShape(profile.channel, profile.output?.fields),
  };
}

// A run renders the same profile and templates thousands of times; with rules, a few effective
// profiles take turns (core/rules/effective.ts memoises them), so each keeps its own entry.
const systemCache = new WeakMap<ToneProfile, { templates: Templates; text: string }>();

function systemMessage(profile: ToneProfile, templates: Templates): ChatMessage {
  let cached = systemCache.get(profile);
  if (cached?.templates.system !== templates.system) {
    cached = { templates, text: render(templates.system, profileView(profile)).trim() };
    systemCache.set(profile, cached);
  }
  return { role: 'system', content: cached.text };
}

function recipientView(profile: ToneProfile, recipient: Recipient, columns: Columns): Record<string, unknown> {
  const data = sentData(profile, recipient, columns);
  return { ...profileView(profile), recipient_json: dataJson(data), language: targetLanguage(profile, recipient, columns) };
}

// One entry, like the system message.
let rulesCache: { profile: ToneProfile; templates: Templates; text: string } | undefined;

/** The history rules for the system prompt, rendered with the profile (the sender's name). */
export function historyRules(profile: ToneProfile, templates: Templates): string {
  if (rulesCache?.profile !== profile || rulesCache.templates !== templates) {
    rulesCache = { profile, templates, text: render(templates.history, profileView(profile)).trim() };
  }
  return rulesCache.text;
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
  const answer = {
    ...(profile.channel === 'email' && previous.subject !== undefined ? { subject: previous.subject } : {}),
    ...(profile.output?.fields ? previous.fields : {}),
    body: previous.body,
  };
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
