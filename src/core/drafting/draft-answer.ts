// The answer asked of the model and read back: the JSON schema of a draft (subject and body for an
// email, a body otherwise) and a tolerant parse of what came back. Pure.
import type { JsonSchema } from '../engine.js';
import { EngineError } from '../errors.js';
import type { Channel } from '../profile.js';

export interface DraftText {
  subject?: string;
  body: string;
  /** User-defined answer fields (profile `output.fields`, issue 13), by name. */
  fields?: Record<string, string>;
}

/**
 * The answer's schema: subject and body for an email, a body otherwise; the profile's own fields
 * (`output.fields`: name -> what it holds) between them, so the body stays the last property (the
 * embedded engine's grammar leaves the token budget to the last one). Without fields, the schema
 * is exactly the one drafts were always asked with (it is part of every fingerprint).
 */
export function draftSchema(channel: Channel, fields?: Readonly<Record<string, string>>): JsonSchema {
  const extra = Object.entries(fields ?? {});
  if (extra.length === 0) {
    return channel === 'email'
      ? {
          type: 'object',
          properties: { subject: { type: 'string' }, body: { type: 'string' } },
          required: ['subject', 'body'],
        }
      : { type: 'object', properties: { body: { type: 'string' } }, required: ['body'] };
  }
  const head = channel === 'email' ? ['subject'] : [];
  const properties: Record<string, JsonSchema> = {};
  for (const name of head) properties[name] = { type: 'string' };
  for (const [name, description] of extra) properties[name] = { type: 'string', description };
  properties.body = { type: 'string' };
  return { type: 'object', properties, required: Object.keys(properties) };
}

/**
 * The model's JSON answer -> subject, body and the profile's fields (`fieldNames`). Tolerates whitespace, a ```json fence and chatter
 * around the object. A missing subject is left for the lint to report; no body is a failure worth
 * retrying (a new generation may well succeed).
 */
export function parseDraftOutput(text: string, channel: Channel, fieldNames: readonly string[] = []): DraftText {
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
  const fields = fieldNames.length > 0 ? answerFields(value, fieldNames) : undefined;
  return { ...(subject ? { subject } : {}), body, ...(fields ? { fields } : {}) };
}

/** Every declared field as text: trimmed, '' when the model left it out or wrote no text (the lint says so). */
function answerFields(value: Record<string, unknown>, names: readonly string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const name of names) {
    const v = value[name];
    fields[name] = typeof v === 'string' ? v.trim() : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
  }
  return fields;
}

/** The first JSON object a model's answer holds (whole, in a ```json fence, or amid chatter), or undefined. */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
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
